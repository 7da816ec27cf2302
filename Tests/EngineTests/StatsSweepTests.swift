import Foundation
import XCTest
@testable import Engine

/// The sweep over a fake v2 tree: one pass, per-group failures, rates between sweeps.
final class StatsSweepTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + CgroupTestSupport.uniqueName()
        try FileManager.default.createDirectory(atPath: root + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/b", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func writeStat(_ group: String, usageUs: Int, periods: Int, throttled: Int) throws {
        try "usage_usec \(usageUs)\nuser_usec 0\nsystem_usec 0\nnr_periods \(periods)\nnr_throttled \(throttled)\nthrottled_usec 0\n"
            .write(toFile: root + "/\(group)/cpu.stat", atomically: true, encoding: .utf8)
    }

    func testOneGroupFailingDoesNotSpoilTheOthers() throws {
        try writeStat("a", usageUs: 100, periods: 10, throttled: 1)
        try writeStat("b", usageUs: 200, periods: 20, throttled: 2)
        let sweep = CgroupSweep(driver: CgroupV2Driver(root: root))
        let groups = [CgroupPath("a"), CgroupPath("b"), CgroupPath("gone")]

        let first = sweep.run(groups)
        XCTAssertEqual(first.counters[CgroupPath("a")]?.usageNs, 100_000)
        XCTAssertEqual(first.counters[CgroupPath("b")]?.periods, 20)
        XCTAssertEqual(Array(first.failures.keys), [CgroupPath("gone")])
        XCTAssertEqual(first.failures[CgroupPath("gone")],
                       .system(step: "open", path: root + "/gone/cpu.stat", errno: ENOENT))

        try writeStat("a", usageUs: 100 + 50_000, periods: 20, throttled: 6)
        try writeStat("b", usageUs: 50, periods: 1, throttled: 0)
        usleep(100_000)
        let second = sweep.run(groups)
        let rates = second.rates(since: first)
        XCTAssertEqual(Set(rates.keys), [CgroupPath("a"), CgroupPath("b")])
        let a = try XCTUnwrap(rates[CgroupPath("a")])
        XCTAssertEqual(a.usageNs, 50_000_000)
        XCTAssertEqual(a.throttledPercent, 50, accuracy: 1e-9)
        // 50 ms of CPU over ≥100 ms of wall: at most 50%, and the sleep bounds it from below too.
        XCTAssertTrue((5...50).contains(a.cpuPercent), "\(a.cpuPercent)")
        XCTAssertEqual(rates[CgroupPath("b")]?.cpuPercent, 0, "b was re-created: counters went back")
        XCTAssertLessThan(first.samples[CgroupPath("a")]!.wallNs, second.samples[CgroupPath("a")]!.wallNs)
    }

    func testEmptySweep() {
        let r = CgroupSweep(driver: CgroupV2Driver(root: root)).run([])
        XCTAssertTrue(r.samples.isEmpty && r.failures.isEmpty)
        XCTAssertTrue(r.rates(since: r).isEmpty)
    }
}
