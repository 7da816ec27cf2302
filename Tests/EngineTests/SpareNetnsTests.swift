import Foundation
import XCTest
@testable import Engine

/// Network namespaces made ahead of a start, on a thread of their own: each taken one is a
/// fresh namespace with `lo` up, and the threads that asked for it stay where they were.
final class SpareNetnsTests: XCTestCase {
    /// setns(2), which the Glibc module doesn't declare (it is _GNU_SOURCE only).
    static let setns: @convention(c) (Int32, Int32) -> Int32 =
        unsafeBitCast(dlsym(dlopen(nil, RTLD_NOW), "setns"), to: (@convention(c) (Int32, Int32) -> Int32).self)

    func netnsInode(_ path: String) throws -> UInt64 {
        var st = stat()
        guard stat(path, &st) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno)!) }
        return UInt64(st.st_ino)
    }

    func inode(ofFD fd: Int32) -> UInt64 {
        var st = stat()
        XCTAssertEqual(fstat(fd, &st), 0)
        return UInt64(st.st_ino)
    }

    func netnsFDs() -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0))?.hasPrefix("net:[") == true }.count
    }

    func testTakenNamespaceIsNewWithLoopbackUpAndTheCallerStays() throws {
        let host = try netnsInode("/proc/thread-self/ns/net")
        let before = netnsFDs()
        let spare = SpareNetns()
        XCTAssertNil(spare.take(), "nothing prepared, nothing to take")
        spare.prepare()
        let fd = try XCTUnwrap(spare.take())
        defer { close(fd) }
        XCTAssertEqual(try netnsInode("/proc/thread-self/ns/net"), host, "this thread was not moved")
        XCTAssertEqual(try netnsInode("/proc/self/ns/net"), host, "nor the main thread")
        XCTAssertNotEqual(inode(ofFD: fd), host)
        XCTAssertNil(spare.take(), "each namespace is handed out once")
        XCTAssertEqual(netnsFDs(), before + 1)

        // Inside it, on a thread of our own that then ends: only lo, and up (its 127.0.0.1
        // routes exist only once it is up).
        final class Seen: @unchecked Sendable { var devices: [String] = []; var fib = "" }
        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        Thread {
            if Self.setns(fd, 0x4000_0000 /* CLONE_NEWNET */) == 0 {
                seen.devices = ((try? String(contentsOfFile: "/proc/thread-self/net/dev", encoding: .utf8)) ?? "")
                    .split(separator: "\n").dropFirst(2)
                    .map { String($0.split(separator: ":")[0]).trimmingCharacters(in: .whitespaces) }
                seen.fib = (try? String(contentsOfFile: "/proc/thread-self/net/fib_trie", encoding: .utf8)) ?? ""
            }
            done.signal()
        }.start()
        done.wait()
        XCTAssertEqual(seen.devices, ["lo"])
        XCTAssertTrue(seen.fib.contains("127.0.0.1"), "lo is up: \(seen.fib)")
        XCTAssertEqual(try netnsInode("/proc/self/ns/net"), host)
    }

    func testKeepingOneReadyMakesTheNextAfterEachTake() throws {
        let before = netnsFDs()
        do {
            let spare = SpareNetns()
            spare.prepare(keepingOneReady: true)
            let a = try XCTUnwrap(spare.take())
            let b = try XCTUnwrap(spare.take())
            XCTAssertNotEqual(inode(ofFD: a), inode(ofFD: b), "two starts, two namespaces")
            close(a)
            close(b)
        }
        XCTAssertEqual(netnsFDs(), before, "the one made after the last take is closed with the spare")
    }
}
