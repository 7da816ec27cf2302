import Foundation
import XCTest
@testable import Engine

final class ImageStoreTests: ImageTestCase {
    func rootfsEntries() -> [TarEntry] {
        [
            .dir("./"),
            .dir("bin/"),
            .file("bin/hello", "#!/bin/sh\necho hello\n", mode: 0o755),
            .dir("etc/"),
            .file("etc/os-release", "ID=corral-test\n"),
            .symlink("etc/localtime", to: "/usr/share/zoneinfo/UTC"),
            .file("etc/caf\u{e9}", "non-ascii name\n"),
        ]
    }

    func checkRootfs(_ image: Image) throws {
        XCTAssertEqual(read(image.rootfs + "/etc/os-release"), "ID=corral-test\n")
        XCTAssertEqual(read(image.rootfs + "/etc/caf\u{e9}"), "non-ascii name\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: image.rootfs + "/etc/localtime"),
                       "/usr/share/zoneinfo/UTC")
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(image.rootfs + "/bin/hello")).st_mode & 0o777, 0o755)
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(image.rootfs)).st_mode & 0o7777, 0o755)
    }

    func testImportGzipAndXzRootfs() throws {
        let gz = try archive("rootfs.tar.gz", rootfsEntries(), compression: .gzip)
        let xz = try archive("rootfs.tar.xz", rootfsEntries(), compression: .xz)
        let a = try store.importRootfs(tarball: gz, name: "from-gzip")
        let b = try store.importRootfs(tarball: xz, name: "from-xz:1.0")
        try checkRootfs(a)
        try checkRootfs(b)
        XCTAssertEqual(a.rootfs, store.imagesDirectory + "/from-gzip/rootfs")
        XCTAssertEqual(b.rootfs, store.imagesDirectory + "/from-xz%3A1.0/rootfs")
        XCTAssertGreaterThan(a.size, 0)
        XCTAssertEqual(a.config.env, ["PATH=" + Environment.defaultPath])
        XCTAssertNil(a.config.cmd)
        XCTAssertEqual(try store.list().map(\.name), ["from-gzip", "from-xz:1.0"])
        XCTAssertEqual(try store.image(named: "from-xz:1.0"), b)
        XCTAssertEqual(storeEntries(), ["from-gzip", "from-xz%3A1.0"], "no build leftovers")
    }

    func testPlainTarAndLatestFallback() throws {
        let tar = try archive("plain.tar", rootfsEntries())
        let image = try store.importRootfs(tarball: tar, name: "corral-test/app:latest")
        XCTAssertEqual(try store.image(named: "corral-test/app").name, "corral-test/app:latest")
        XCTAssertEqual(image.rootfs, store.imagesDirectory + "/corral-test%2Fapp%3Alatest/rootfs")
        XCTAssertThrowsError(try store.image(named: "corral-test/app:2")) { error in
            XCTAssertEqual(error as? EngineError, .notFound("no such image: corral-test/app:2"))
        }
    }

    /// docker's reading: `mini` is `mini:latest` and `mini:latest` is `mini`, whichever was stored.
    func testANameAndItsLatestTagAreOneImage() throws {
        let tar = try archive("plain.tar", rootfsEntries())
        let mini = try store.importRootfs(tarball: tar, name: "mini")
        XCTAssertEqual(try store.image(named: "mini:latest"), mini)
        XCTAssertThrowsError(try store.importRootfs(tarball: tar, name: "mini:latest")) { error in
            guard case EngineError.conflict = error else { return XCTFail("\(error)") }
        }
        let app = try store.importRootfs(tarball: tar, name: "corral-test/app:latest")
        XCTAssertEqual(try store.image(named: "corral-test/app"), app)
        XCTAssertEqual(try store.list().map(\.name), ["corral-test/app:latest", "mini"])
    }

    func testDuplicateNameIsAConflictAndChangesNothing() throws {
        let tar = try archive("plain.tar", rootfsEntries())
        let first = try store.importRootfs(tarball: tar, name: "dup")
        let other = try archive("other.tar", [.file("marker", "second\n")])
        XCTAssertThrowsError(try store.importRootfs(tarball: other, name: "dup")) { error in
            guard case EngineError.conflict = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try store.image(named: "dup"), first)
        XCTAssertNil(lstatOrNil(first.rootfs + "/marker"))
    }

    func testInvalidNamesAreRefused() throws {
        let tar = try archive("plain.tar", rootfsEntries())
        for bad in ["", "Upper", "-dash", ".hidden", "a/../b", "a..b", "a:", "a:b:c", "a b", "a:t@g",
                    "a//b", "a/", "a/-b", "a/.b", "team_/app", "a-:v1", "localhost:/app", "localhost:50a0/app",
                    "host:5000:6000/app", "a/b:5000/c"] {
            XCTAssertThrowsError(try store.importRootfs(tarball: tar, name: bad), bad) { error in
                guard case EngineError.invalid = error else { return XCTFail("\(bad): \(error)") }
            }
        }
        for good in ["a", "alpine:3.19", "my.registry/team/app_1:V-2.0", "a:5000",
                     "localhost:5000/app", "localhost:5000/app:1", "registry.example.com:443/team/app:v2"] {
            XCTAssertNoThrow(try ImageName.validateNew(good), good)
        }
        // A registry's port is not a tag: the name without one also means :latest.
        XCTAssertEqual(ImageName.candidates("localhost:5000/app"), ["localhost:5000/app", "localhost:5000/app:latest"])
        XCTAssertEqual(ImageName.candidates("localhost:5000/app:1"), ["localhost:5000/app:1"])
        XCTAssertEqual(ImageName.candidates("docker.io/library/alpine:latest"),
                       ["alpine:latest", "alpine", "docker.io/library/alpine:latest", "docker.io/library/alpine"])
        XCTAssertEqual(ImageName.candidates("library/alpine:3.19"), ["alpine:3.19", "library/alpine:3.19"])
        XCTAssertEqual(ImageName.candidates("docker.io/library/alpine"),
                       ["alpine", "alpine:latest", "docker.io/library/alpine", "docker.io/library/alpine:latest"])
        // An import under the long name is stored under the short one, and found by both.
        let imported = try store.importRootfs(tarball: tar, name: "docker.io/library/plain:1")
        XCTAssertEqual(imported.name, "plain:1")
        XCTAssertEqual(try store.image(named: "docker.io/library/plain:1"), imported)
        try store.remove(named: "docker.io/library/plain:1", usedBy: { _ in [] })
        // Stored under the older rule: still found and removable, only not made anew.
        for older in ["app-", "team_/app", "a//b"] {
            XCTAssertNoThrow(try ImageName.validate(older), older)
            XCTAssertThrowsError(try ImageName.validateNew(older), older)
        }
        XCTAssertEqual(storeEntries(), [])
    }

    func testRemoveIsRefusedWhileInUse() throws {
        let tar = try archive("plain.tar", rootfsEntries())
        let image = try store.importRootfs(tarball: tar, name: "busy")
        var asked: [String] = []
        XCTAssertThrowsError(try store.remove(named: "busy", usedBy: { asked.append($0); return ["web", "db"] })) { error in
            XCTAssertEqual(error as? EngineError, .conflict("image busy is used by containers \"web\", \"db\"; remove them first"))
        }
        XCTAssertEqual(asked, ["busy"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: image.rootfs + "/etc/os-release"))
        try store.remove(named: "busy", usedBy: { _ in [] })
        XCTAssertThrowsError(try store.image(named: "busy"))
        XCTAssertEqual(storeEntries(), [])
        XCTAssertThrowsError(try store.remove(named: "busy", usedBy: { _ in [] })) { error in
            XCTAssertEqual(error as? EngineError, .notFound("no such image: busy"))
        }
    }

    func testLeftoversOfAnInterruptedBuildAreClearedByTheNextChange() throws {
        try FileManager.default.createDirectory(atPath: store.imagesDirectory + "/.tmp-crashed/rootfs/etc",
                                                withIntermediateDirectories: true)
        XCTAssertEqual(try store.list(), [], "a build directory is not an image")
        _ = try store.importRootfs(tarball: try archive("plain.tar", rootfsEntries()), name: "after")
        XCTAssertEqual(storeEntries(), ["after"])
    }

    func testMissingTarballIsNotFound() {
        XCTAssertThrowsError(try store.importRootfs(tarball: base + "/nope.tar", name: "nope")) { error in
            guard case EngineError.notFound = error else { return XCTFail("\(error)") }
        }
    }
}
