import Foundation
import XCTest
@testable import Engine

/// Two containers' writable layers over one image, against the real overlayfs.
final class ImageOverlayTests: ImageTestCase {
    var mounted: [String] = []

    override func tearDownWithError() throws {
        for target in mounted { try? Overlay.unmountIfMounted(target) }
        try super.tearDownWithError()
    }

    func testTwoUpperDirsOverOneImage() throws {
        try XCTSkipUnless(getuid() == 0, "mount(2) needs root")
        let tar = try archive("rootfs.tar", [.dir("etc/"), .file("etc/motd", "from the image\n")])
        let image = try store.importRootfs(tarball: tar, name: "overlay-test")

        var targets: [String] = []
        for c in ["c1", "c2"] {
            let dir = base + "/containers/" + c
            for sub in ["upper", "work", "rootfs"] {
                try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
            }
            try Overlay.mount(lower: image.rootfs, upper: dir + "/upper", work: dir + "/work", target: dir + "/rootfs")
            mounted.append(dir + "/rootfs")
            targets.append(dir + "/rootfs")
        }
        XCTAssertEqual(read(targets[0] + "/etc/motd"), "from the image\n")
        try "c1 was here\n".write(toFile: targets[0] + "/etc/motd", atomically: false, encoding: .utf8)
        try "c2 was here\n".write(toFile: targets[1] + "/etc/motd", atomically: false, encoding: .utf8)
        try "only c1\n".write(toFile: targets[0] + "/new-file", atomically: false, encoding: .utf8)
        XCTAssertEqual(read(targets[0] + "/etc/motd"), "c1 was here\n")
        XCTAssertEqual(read(targets[1] + "/etc/motd"), "c2 was here\n")
        XCTAssertNil(lstatOrNil(targets[1] + "/new-file"))
        XCTAssertEqual(read(image.rootfs + "/etc/motd"), "from the image\n", "the image is never modified")
        XCTAssertNil(lstatOrNil(image.rootfs + "/new-file"))
        XCTAssertEqual(read(base + "/containers/c1/upper/etc/motd"), "c1 was here\n", "copy-up went to c1's upper")

        for target in targets {
            try Overlay.unmount(target)
            XCTAssertNil(lstatOrNil(target + "/etc"), "unmounted: the mount point is empty again")
        }
        mounted = []
        XCTAssertNoThrow(try Overlay.unmountIfMounted(targets[0]), "not mounted is fine")
        XCTAssertThrowsError(try Overlay.unmount(targets[0])) { error in
            guard case let EngineError.system(_, path, err) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, targets[0])
            XCTAssertEqual(err, EINVAL)
        }
    }

    func testMountErrorsCarryPathAndErrno() throws {
        try XCTSkipUnless(getuid() == 0, "mount(2) needs root")
        let target = base + "/target"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        XCTAssertThrowsError(try Overlay.mount(lower: base + "/missing", upper: base + "/u", work: base + "/w", target: target)) { error in
            guard case let EngineError.system(step, path, err) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, target)
            XCTAssertTrue(step.contains("overlay"))
            XCTAssertNotEqual(err, 0)
        }
    }

    func testOptionEscaping() {
        XCTAssertEqual(Overlay.escape("/a,b:c\\d"), "/a\\,b\\:c\\\\d")
    }
}
