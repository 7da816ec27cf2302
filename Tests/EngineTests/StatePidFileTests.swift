import Foundation
import XCTest
@testable import Engine

/// A container that ends before `run` records it (a /bin/true) leaves "<pid> 0" in its pid
/// file: cspawn_process_starttime gives 0 for a zombie. That must read as no pid at all, or
/// `rm` takes 0 for a live match with every gone pid and waits 5 s for it to end.
final class StatePidFileTests: XCTestCase {
    func testAZeroStartTimeIsNoPid() throws {
        let root = NSTemporaryDirectory() + "corral-test-\(getpid())-pidfile-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: root + "/c", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        try store.writePid("c", pid: 4242, startTime: 0)
        XCTAssertNil(store.readPid("c"))
        try store.writePid("c", pid: 4242, startTime: 99)
        XCTAssertEqual(store.readPid("c")?.pid, 4242)
        XCTAssertEqual(store.readPid("c")?.startTime, 99)
    }
}
