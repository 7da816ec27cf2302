import Foundation
import XCTest
@testable import Engine

/// Every extraction attack from the images issue, with archives crafted here: nothing outside
/// the image may change, and a refused archive leaves no image and no build directory behind.
final class ImageExtractionAttackTests: ImageTestCase {
    func testDotDotEntryIsRefused() throws {
        // The build dir is <base>/store/images/.tmp-X/rootfs: four levels up is <base>.
        let tar = try archive("dotdot.tar", [
            .dir("etc/"),
            .file("etc/ok", "fine\n"),
            .file("../../../../escaped-dotdot", "pwned\n"),
        ])
        assertInvalid(try store.importRootfs(tarball: tar, name: "dotdot"), contains: "..")
        XCTAssertNil(lstatOrNil(base + "/escaped-dotdot"))
        XCTAssertNil(lstatOrNil(base + "/store/escaped-dotdot"))
        XCTAssertNil(lstatOrNil(base + "/store/images/escaped-dotdot"))
        XCTAssertEqual(storeEntries(), [], "no image and no .tmp-* left")
    }

    /// An entry the file system can't hold (a 300-byte name): refused naming the entry, not
    /// the store's staging path it was being made at.
    func testNameTooLongIsRefusedNamingTheEntry() throws {
        let tar = try archive("long.tar", [.file(String(repeating: "n", count: 300), "x")])
        assertInvalid(try store.importRootfs(tarball: tar, name: "long"), contains: "File name too long")
        XCTAssertThrowsError(try store.importRootfs(tarball: tar, name: "long")) { error in
            XCTAssertFalse("\(error)".contains(".tmp-"), "\(error)")
            XCTAssertTrue("\(error)".contains("entry \"nnnn"), "\(error)")
        }
        XCTAssertEqual(storeEntries(), [])
    }

    func testDotDotHiddenInTheMiddleIsRefused() throws {
        let tar = try archive("dotdot2.tar", [.dir("a/"), .file("a/../../../../../escaped-middle", "x")])
        assertInvalid(try store.importRootfs(tarball: tar, name: "dotdot2"), contains: "..")
        XCTAssertNil(lstatOrNil(base + "/escaped-middle"))
        XCTAssertEqual(storeEntries(), [])
    }

    func testAbsolutePathLandsInsideTheImage() throws {
        let outside = outsidePath("abs")
        let tar = try archive("abs.tar", [.file(outside + "/pwned", "pwned\n"), .file("/etc/marker", "m\n")])
        let image = try store.importRootfs(tarball: tar, name: "abs")
        XCTAssertNil(lstatOrNil(outside), "absolute entry must not be written on the host")
        XCTAssertEqual(read(image.rootfs + outside + "/pwned"), "pwned\n")
        XCTAssertEqual(read(image.rootfs + "/etc/marker"), "m\n")
    }

    func testWriteThroughPlantedSymlinkIsRefused() throws {
        let outside = outsidePath("symlink")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let tar = try archive("evil.tar", [
            .symlink("evil", to: outside),
            .file("evil/pwned", "pwned\n"),
        ])
        assertInvalid(try store.importRootfs(tarball: tar, name: "evil"), contains: "symlink")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [])
        XCTAssertEqual(storeEntries(), [])
    }

    func testWriteThroughRelativeSymlinkChainIsRefused() throws {
        let tar = try archive("chain.tar", [
            .dir("a/"),
            .symlink("a/up", to: "../../../../.."),
            .symlink("b", to: "a/up"),
            .file("b/escaped-chain", "pwned\n"),
        ])
        assertInvalid(try store.importRootfs(tarball: tar, name: "chain"), contains: "symlink")
        XCTAssertNil(lstatOrNil(base + "/escaped-chain"))
        XCTAssertNil(lstatOrNil("/escaped-chain"))
        XCTAssertEqual(storeEntries(), [])
    }

    func testDirectoryThroughSymlinkIsRefused() throws {
        let outside = outsidePath("dirlink")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let tar = try archive("dirlink.tar", [
            .symlink("etc", to: outside),
            .dir("etc/sub/", mode: 0o777),
        ])
        assertInvalid(try store.importRootfs(tarball: tar, name: "dirlink"), contains: "symlink")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [])
    }

    func testSymlinkAtTheFinalPathIsReplacedNotFollowed() throws {
        let outside = outsidePath("final")
        try "original\n".write(toFile: outside, atomically: false, encoding: .utf8)
        let tar = try archive("final.tar", [
            .symlink("target", to: outside),
            .file("target", "replaced\n"),
        ])
        let image = try store.importRootfs(tarball: tar, name: "final")
        XCTAssertEqual(read(outside), "original\n")
        let st = try XCTUnwrap(lstatOrNil(image.rootfs + "/target"))
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFREG)
        XCTAssertEqual(read(image.rootfs + "/target"), "replaced\n")
    }

    func testDirectoryLaterReplacedBySymlinkIsRefused() throws {
        // libarchive restores directory modes by path when it closes; if "d" turned into a
        // symlink in between, that chmod would land on whatever it points at.
        let outside = outsidePath("fixup")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        chmod(outside, 0o700)
        let tar = try archive("fixup.tar", [
            .dir("d/", mode: 0o777),
            .symlink("d", to: outside),
        ])
        assertInvalid(try store.importRootfs(tarball: tar, name: "fixup"), contains: "replaces a directory")
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(outside)).st_mode & 0o7777, 0o700)
        XCTAssertEqual(storeEntries(), [])
    }

    func testHardLinkToHostPasswdIsRefused() throws {
        var before = stat()
        XCTAssertEqual(stat("/etc/passwd", &before), 0)
        let hostPasswd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        for (label, target) in [("abs", "/etc/passwd"), ("dotdot", "../../../../../../../../etc/passwd")] {
            let tar = try archive("hl-\(label).tar", [
                .dir("etc/"),
                .hardlink("etc/shadow-copy", to: target),
                .file("etc/shadow-copy", "overwrite\n"),
            ])
            XCTAssertThrowsError(try store.importRootfs(tarball: tar, name: "hl-\(label)"))
        }
        var after = stat()
        XCTAssertEqual(stat("/etc/passwd", &after), 0)
        XCTAssertEqual(after.st_nlink, before.st_nlink, "no new link to the host's /etc/passwd")
        XCTAssertEqual(try String(contentsOfFile: "/etc/passwd", encoding: .utf8), hostPasswd)
        XCTAssertEqual(storeEntries(), [])
    }

    func testHardLinkInsideTheImageResolvesInsideTheImage() throws {
        let tar = try archive("hl-in.tar", [
            .dir("etc/"),
            .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
            .hardlink("etc/passwd-", to: "/etc/passwd"),
        ])
        let image = try store.importRootfs(tarball: tar, name: "hl-in")
        let a = try XCTUnwrap(lstatOrNil(image.rootfs + "/etc/passwd"))
        let b = try XCTUnwrap(lstatOrNil(image.rootfs + "/etc/passwd-"))
        var host = stat()
        stat("/etc/passwd", &host)
        XCTAssertEqual(a.st_ino, b.st_ino)
        XCTAssertEqual(a.st_nlink, 2)
        XCTAssertNotEqual(a.st_ino, host.st_ino)
    }

    func testHardLinkToASymlinkedPathIsRefused() throws {
        let tar = try archive("hl-sym.tar", [
            .symlink("hostetc", to: "/etc"),
            .hardlink("stolen", to: "hostetc/passwd"),
        ])
        assertInvalid(try store.importRootfs(tarball: tar, name: "hl-sym"), contains: "symlink")
        XCTAssertEqual(storeEntries(), [])
    }

    func testDeviceNodesAndFifosAreNotCreated() throws {
        let tar = try archive("dev.tar", [
            .dir("dev/"),
            .charDevice("dev/mem", major: 1, minor: 1),
            .charDevice("dev/null", major: 1, minor: 3),
            .fifo("dev/fifo"),
            .file("etc/ok", "ok\n"),
        ])
        let image = try store.importRootfs(tarball: tar, name: "dev")
        XCTAssertNil(lstatOrNil(image.rootfs + "/dev/mem"))
        XCTAssertNil(lstatOrNil(image.rootfs + "/dev/null"))
        XCTAssertNil(lstatOrNil(image.rootfs + "/dev/fifo"))
        XCTAssertEqual(read(image.rootfs + "/etc/ok"), "ok\n")
    }

    func testSetuidAndSetgidBitsAreDropped() throws {
        let tar = try archive("suid.tar", [
            .dir("bin/"),
            .file("bin/suid", "#!/bin/sh\n", mode: 0o4755),
            .file("bin/sgid", "#!/bin/sh\n", mode: 0o2755),
            .dir("tmp/", mode: 0o1777),
            .dir("var/mail/", mode: 0o2775),
        ])
        let image = try store.importRootfs(tarball: tar, name: "suid")
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(image.rootfs + "/bin/suid")).st_mode & 0o7777, 0o755)
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(image.rootfs + "/bin/sgid")).st_mode & 0o7777, 0o755)
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(image.rootfs + "/tmp")).st_mode & 0o7777, 0o1777, "sticky kept")
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(image.rootfs + "/var/mail")).st_mode & 0o7777, 0o2775,
                       "setgid on a directory is only group inheritance")
    }

    func testTruncatedGzipFailsCleanly() throws {
        var payload = Data(count: 256 * 1024)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        let full = try archive("full.tar.gz", [.dir("data/"), .file("data/blob", data: payload)], compression: .gzip)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
        let cut = base + "/truncated.tar.gz"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        assertInvalid(try store.importRootfs(tarball: cut, name: "truncated"), contains: "image import: \(cut): ")
        XCTAssertEqual(storeEntries(), [], "no half image")
        XCTAssertThrowsError(try store.image(named: "truncated"))
    }

    func testGarbageAndEmptyArchivesFailCleanly() throws {
        let garbage = base + "/garbage.tar"
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        assertInvalid(try store.importRootfs(tarball: garbage, name: "garbage"), contains: "image import: \(garbage): ")
        XCTAssertThrowsError(try store.importRootfs(tarball: garbage, name: "garbage")) { error in
            XCTAssertFalse("\(error)".contains("multibyte"), "libarchive's format errno read as a system error: \(error)")
        }
        let empty = try archive("empty.tar", [])
        assertInvalid(try store.importRootfs(tarball: empty, name: "empty"), contains: "no entries")
        XCTAssertEqual(storeEntries(), [])
    }
}
