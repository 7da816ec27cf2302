import Foundation
import XCTest
@testable import Engine

/// `removeTree` cleans what an extracted archive can leave, whatever bytes its names hold.
final class SmallFileRemoveTreeTests: XCTestCase {
    func cPath(_ bytes: [UInt8]) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }

    func testNamesThatAreNotUTF8AreRemoved() throws {
        let root = NSTemporaryDirectory() + "corral-test-\(getpid())-rmtree-\(UInt32.random(in: 0..<UInt32.max))"
        let base = Array(root.utf8)
        XCTAssertEqual(mkdir(root, 0o755), 0)
        // A directory and files whose names are invalid UTF-8 (a Swift String would repair them
        // into other names, and a removal by those names would find nothing).
        let dir = base + [UInt8(ascii: "/"), 0x64, 0xff, 0xfe]
        XCTAssertEqual(mkdir(cPath(dir), 0o000), 0)
        for name in [[0x66, 0xc3], [0xed, 0xa0, 0x80], Array("plain".utf8)] as [[UInt8]] {
            let fd = open(cPath(dir + [UInt8(ascii: "/")] + name), O_WRONLY | O_CREAT, 0o000)
            XCTAssertGreaterThanOrEqual(fd, 0)
            close(fd)
        }
        XCTAssertEqual(symlink("/etc", cPath(dir + Array("/link-to-etc".utf8))), 0)
        XCTAssertNoThrow(try SmallFile.removeTree(root))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/etc/passwd"), "followed a symlink out")
    }

    /// A file system mounted inside is never emptied: the removal stops at its mount point
    /// (a container's overlay still mounted under its state directory), and what is around it
    /// of every kind (files, fifos, symlinks, nested directories) goes once it is unmounted.
    func testAMountInsideIsNotCrossedAndEveryKindOfEntryGoes() throws {
        let root = NSTemporaryDirectory() + "corral-test-\(getpid())-rmtree-mnt-\(UInt32.random(in: 0..<UInt32.max))"
        XCTAssertEqual(mkdir(root, 0o755), 0)
        defer { umount2(root + "/a/m", Int32(MNT_DETACH)); try? SmallFile.removeTree(root) }
        XCTAssertEqual(mkdir(root + "/a", 0o755), 0)
        XCTAssertEqual(mkdir(root + "/a/m", 0o755), 0)
        XCTAssertEqual(mkfifo(root + "/a/fifo", 0o600), 0)
        XCTAssertEqual(symlink("m", root + "/a/link"), 0)
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/file", contents: Data("x".utf8)))
        XCTAssertEqual(mount("tmpfs", root + "/a/m", "tmpfs", 0, nil), 0, String(cString: strerror(errno)))
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/a/m/kept", contents: Data("y".utf8)))

        XCTAssertThrowsError(try SmallFile.removeTree(root)) { err in
            guard case let .system(step, path, code) = err as? EngineError else { return XCTFail("got \(err)") }
            XCTAssertEqual(step, "remove (mount point inside)")
            XCTAssertEqual(path, root + "/a/m")
            XCTAssertEqual(code, EBUSY)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/a/m/kept"), "emptied a mounted file system")

        XCTAssertEqual(umount2(root + "/a/m", 0), 0)
        XCTAssertNoThrow(try SmallFile.removeTree(root))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root))
    }
}
