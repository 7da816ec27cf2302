import XCTest
@testable import Engine

final class StatsCPURateTests: XCTestCase {
    func sample(usage: UInt64, periods: UInt64 = 0, throttled: UInt64 = 0, throttledNs: UInt64 = 0,
                at wall: UInt64) -> CPUSample {
        CPUSample(counters: CPUCounters(usageNs: usage, periods: periods, throttledPeriods: throttled,
                                        throttledTimeNs: throttledNs), wallNs: wall)
    }

    func testHalfACoreOverOneSecondIsFiftyPercent() {
        let r = CPURate(from: sample(usage: 1_000_000_000, at: 5_000_000_000),
                        to: sample(usage: 1_500_000_000, at: 6_000_000_000))
        XCTAssertEqual(r.cpuPercent, 50, accuracy: 1e-9)
        XCTAssertEqual(r.intervalNs, 1_000_000_000)
        XCTAssertEqual(r.usageNs, 500_000_000)
    }

    func testMoreThanOneCoreGoesAboveOneHundred() {
        let r = CPURate(from: sample(usage: 0, at: 0), to: sample(usage: 3_000_000_000, at: 2_000_000_000))
        XCTAssertEqual(r.cpuPercent, 150, accuracy: 1e-9)
    }

    func testThrottledShareOfPeriods() {
        let r = CPURate(from: sample(usage: 0, periods: 100, throttled: 10, throttledNs: 1_000, at: 0),
                        to: sample(usage: 200_000_000, periods: 110, throttled: 18, throttledNs: 501_000,
                                   at: 1_000_000_000))
        XCTAssertEqual(r.throttledPercent, 80, accuracy: 1e-9)
        XCTAssertEqual(r.periods, 10)
        XCTAssertEqual(r.throttledPeriods, 8)
        XCTAssertEqual(r.throttledTimeNs, 500_000)
        XCTAssertEqual(r.cpuPercent, 20, accuracy: 1e-9)
    }

    func testNoPeriodsElapsedMeansNoThrottling() {
        let r = CPURate(from: sample(usage: 0, periods: 7, throttled: 3, at: 0),
                        to: sample(usage: 900_000_000, periods: 7, throttled: 3, at: 1_000_000_000))
        XCTAssertEqual(r.throttledPercent, 0)
        XCTAssertEqual(r.cpuPercent, 90, accuracy: 1e-9)
    }

    func testCounterResetGivesZeroNotNegativeOrHuge() {
        let r = CPURate(from: sample(usage: 9_000_000_000, periods: 500, throttled: 400, throttledNs: 9_999, at: 0),
                        to: sample(usage: 1_000, periods: 2, throttled: 1, throttledNs: 10, at: 1_000_000_000))
        XCTAssertEqual(r.cpuPercent, 0)
        XCTAssertEqual(r.throttledPercent, 0)
        XCTAssertEqual(r.usageNs, 0)
        XCTAssertEqual(r.throttledTimeNs, 0)
    }

    func testThrottledNeverExceedsPeriods() {
        // Only the periods counter went back (a mixed reset): the share still stays within 0...100.
        let r = CPURate(from: sample(usage: 0, periods: 100, throttled: 0, at: 0),
                        to: sample(usage: 0, periods: 105, throttled: 50, at: 1_000_000_000))
        XCTAssertEqual(r.throttledPercent, 100)
    }

    func testSameInstantOrClockGoingBackIsZero() {
        XCTAssertEqual(CPURate(from: sample(usage: 0, at: 10), to: sample(usage: 5, at: 10)).cpuPercent, 0)
        XCTAssertEqual(CPURate(from: sample(usage: 0, at: 10), to: sample(usage: 5, at: 9)).cpuPercent, 0)
    }

    func testMonotonicClockAdvancesWithSleep() {
        let a = Clock.monotonicNs()
        usleep(20_000)
        let b = Clock.monotonicNs()
        XCTAssertGreaterThanOrEqual(b - a, 20_000_000)
        XCTAssertLessThan(b - a, 2_000_000_000)
        XCTAssertGreaterThan(a, 0)
    }
}
