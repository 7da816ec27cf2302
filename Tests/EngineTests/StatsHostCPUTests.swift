import XCTest
@testable import Engine

final class StatsHostCPUTests: XCTestCase {
    static let procStat = """
    cpu  1000 50 300 8000 150 10 20 5 40 0
    cpu0 500 25 150 4000 75 5 10 2 20 0
    cpu1 500 25 150 4000 75 5 10 3 20 0
    intr 12345 0 0
    ctxt 67890
    btime 1700000000
    processes 4242
    procs_running 2
    """

    func testParseSumsTheAggregateLineAndCountsCPUs() throws {
        let t = try XCTUnwrap(HostCPUTimes.parse(Self.procStat))
        // user..steal; guest (40) is already inside user.
        XCTAssertEqual(t.totalJiffies, 1000 + 50 + 300 + 8000 + 150 + 10 + 20 + 5)
        XCTAssertEqual(t.idleJiffies, 8000 + 150)
        XCTAssertEqual(t.cpuCount, 2)
    }

    func testOldKernelsWithFewerColumns() throws {
        let t = try XCTUnwrap(HostCPUTimes.parse("cpu 1 2 3 4\ncpu0 1 2 3 4\n"))
        XCTAssertEqual(t.totalJiffies, 10)
        XCTAssertEqual(t.idleJiffies, 4)
        XCTAssertEqual(t.cpuCount, 1)
    }

    func testMalformedIsNil() {
        XCTAssertNil(HostCPUTimes.parse(""))
        XCTAssertNil(HostCPUTimes.parse("cpu x y z w\n"))
        XCTAssertNil(HostCPUTimes.parse("cpu 1 2\n"))
    }

    func testBusyShareBetweenTwoReadings() {
        let a = HostCPUTimes(totalJiffies: 1000, idleJiffies: 800, cpuCount: 2)
        let b = HostCPUTimes(totalJiffies: 1200, idleJiffies: 850, cpuCount: 2)
        XCTAssertEqual(b.busyPercent(since: a), 75, accuracy: 1e-9)
        XCTAssertEqual(b.busyCorePercent(since: a), 150, accuracy: 1e-9)
        XCTAssertEqual(a.busyPercent(since: a), 0)
        XCTAssertEqual(a.busyPercent(since: b), 0, "a counter going back is no time passed")
    }

    func testReadsThisMachine() throws {
        let a = try HostCPUTimes.read()
        XCTAssertEqual(a.cpuCount, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        usleep(50_000)
        let b = try HostCPUTimes.read()
        XCTAssertGreaterThanOrEqual(b.totalJiffies, a.totalJiffies)
        XCTAssertTrue((0...100).contains(b.busyPercent(since: a)))
        XCTAssertThrowsError(try HostCPUTimes.read(path: "/nonexistent/corral-test-stat"))
    }
}
