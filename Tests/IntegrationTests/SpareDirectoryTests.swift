import Foundation
import XCTest

/// The state root keeps the emptied directory of a removed container as `.spare`, and the next
/// create fills it instead of making one (a directory made and removed on a disk file system
/// costs a block allocated and freed). Only a removal makes it, only empty; a failed start
/// keeps none; whatever else is found under that name is not used.
final class SpareDirectoryTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    var spare: String { fx.stateRoot + "/.spare" }

    func inode(_ path: String) -> UInt64? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    func assertSpareIsAnEmptyPrivateDirectory(file: StaticString = #filePath, line: UInt = #line) {
        var st = stat()
        XCTAssertEqual(lstat(spare, &st), 0, "no .spare", file: file, line: line)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFDIR, file: file, line: line)
        XCTAssertEqual(st.st_mode & 0o7777, 0o700, file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spare), [], file: file, line: line)
    }

    func testARemovedContainersDirectoryIsKeptEmptyAndTheNextCreateFillsIt() throws {
        XCTAssertNil(inode(spare))
        let first = try fx.runInContainer(["true"])
        XCTAssertEqual(first.code, 0, first.stderr)
        assertSpareIsAnEmptyPrivateDirectory()
        let kept = try XCTUnwrap(inode(spare))

        // `ps` sweeps what killed creates and removals leave; the spare is not one of them.
        _ = try fx.psJSON()
        XCTAssertEqual(inode(spare), kept)

        try fx.detached("filled", ["sleep", "1000"])
        XCTAssertNil(inode(spare), "the create did not take the spare")
        XCTAssertEqual(inode(fx.stateRoot + "/filled"), kept, "the container's directory is not the spare")
        XCTAssertEqual(try fx.container("filled")?["state"] as? String, "running")
        let files = try FileManager.default.contentsOfDirectory(atPath: fx.stateRoot + "/filled").sorted()
        XCTAssertTrue(files.contains("state.json") && files.contains("pid"), "\(files)")

        XCTAssertEqual(try fx.corral(["rm", "-f", "filled"]).code, 0)
        assertSpareIsAnEmptyPrivateDirectory()
        XCTAssertEqual(inode(spare), kept, "the removal made a new directory instead of keeping this one")
        XCTAssertEqual(fx.stateEntries(), [])
    }

    /// Bad input leaves nothing: a start that fails keeps no spare, also one it took.
    func testAFailedStartKeepsNoSpare() throws {
        let failed = try fx.runInContainer(["/no/such/command"])
        XCTAssertEqual(failed.code, 127, failed.stderr)
        XCTAssertNil(inode(spare), "a failed start left a spare")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fx.stateRoot).filter { $0 != ".lock" }, [])

        XCTAssertEqual(try fx.runInContainer(["true"]).code, 0)
        XCTAssertNotNil(inode(spare))
        XCTAssertEqual(try fx.runInContainer(["/no/such/command"]).code, 127)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fx.stateRoot).filter { $0 != ".lock" }, [],
                       "the failed start left its directory, as spare or otherwise")
    }

    /// Something else put under the spare's name is removed, never followed or filled: a
    /// symlink to a directory outside, a file, a directory with a stale `exit` in it (which would
    /// make a running container look exited), one that others may write to.
    func testWhatIsNotAnEmptyPrivateDirectoryIsNotFilled() throws {
        let outside = fx.scratch + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(outside, 0o700), 0)   // refused as a symlink, not for its mode
        let plant: [(String, () throws -> Void)] = [
            ("a symlink", { try FileManager.default.createSymbolicLink(atPath: self.spare, withDestinationPath: outside) }),
            ("a file", { XCTAssertTrue(FileManager.default.createFile(atPath: self.spare, contents: Data("x".utf8))) }),
            ("a directory holding a stale exit file", {
                XCTAssertEqual(mkdir(self.spare, 0o700), 0)
                XCTAssertTrue(FileManager.default.createFile(atPath: self.spare + "/exit", contents: Data("0 0\n".utf8)))
            }),
            ("a directory anyone may write to", {
                XCTAssertEqual(mkdir(self.spare, 0o700), 0)
                XCTAssertEqual(chmod(self.spare, 0o777), 0)
            }),
            ("a directory of another user", {
                XCTAssertEqual(mkdir(self.spare, 0o700), 0)
                XCTAssertEqual(chown(self.spare, 65534, 65534), 0)
            }),
        ]
        for (what, make) in plant {
            _ = try? FileManager.default.removeItem(atPath: spare)
            try make()
            try fx.detached("planted", ["sleep", "1000"])
            // (Not told by inode: a directory made right after one is removed may get its number.)
            var st = stat()
            XCTAssertEqual(lstat(fx.stateRoot + "/planted", &st), 0, what)
            XCTAssertEqual(st.st_mode & S_IFMT, S_IFDIR, "\(what) was filled")
            XCTAssertEqual(st.st_mode & 0o7777, 0o700, "\(what) was filled")
            XCTAssertEqual(st.st_uid, 0, "\(what) was filled")
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/planted/exit"), "\(what) was filled")
            XCTAssertEqual(try fx.container("planted")?["state"] as? String, "running", what)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [], "written through \(what)")
            XCTAssertNil(inode(spare), "\(what) stayed")
            XCTAssertEqual(try fx.corral(["rm", "-f", "planted"]).code, 0)
            assertSpareIsAnEmptyPrivateDirectory()
        }
    }

    /// Several removals keep one spare (the second replaces the first); a removal that finds a
    /// spare someone filled removes its own directory instead; neither leaves a `.gone-`.
    func testRemovalsBesideASpareLeaveOneAndNothingHalfRemoved() throws {
        try fx.detached("a", ["sleep", "1000"])
        try fx.detached("b", ["sleep", "1000"])
        XCTAssertEqual(try fx.corral(["rm", "-f", "a", "b"]).code, 0)
        assertSpareIsAnEmptyPrivateDirectory()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fx.stateRoot).sorted(), [".lock", ".spare"])

        try fx.detached("c", ["sleep", "1000"])
        XCTAssertNil(inode(spare))
        XCTAssertEqual(mkdir(spare, 0o700), 0)
        XCTAssertTrue(FileManager.default.createFile(atPath: spare + "/kept", contents: Data()))
        XCTAssertEqual(try fx.corral(["rm", "-f", "c"]).code, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spare), ["kept"], "someone's file in it was removed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fx.stateRoot).sorted(), [".lock", ".spare"])
    }

    /// An image container's directory holds its writable layer: the next one to get that
    /// directory starts from an empty layer, not the last one's files.
    func testAnImageContainerInTheSpareStartsWithAnEmptyLayer() throws {
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "sh", "-c", "touch /left-behind"]).code, 0)
        assertSpareIsAnEmptyPrivateDirectory()
        let kept = try XCTUnwrap(inode(spare))
        XCTAssertEqual(try fx.corral(["run", "-d", "--name", "layered", "busybox", "--", "sleep", "1000"]).code, 0)
        XCTAssertEqual(inode(fx.stateRoot + "/layered"), kept)
        let look = try fx.corral(["exec", "layered", "sh", "-c", "test -e /left-behind && echo found || echo clean"])
        XCTAssertEqual(look.stdout, "clean\n", look.stderr)
        XCTAssertEqual(try fx.corral(["rm", "-f", "layered"]).code, 0)
        assertSpareIsAnEmptyPrivateDirectory()
        XCTAssertEqual(fx.mounts(), [])
    }
}
