import Foundation
import SeededRandom
import XCTest
@testable import Engine

/// `state.json`'s `created` is written by hand now; records written by the `.iso8601`
/// strategy before (and by any other corral on the machine) must read the same, and what
/// corral writes must be what that strategy would have written.
final class RecordTimestampTests: XCTestCase {
    func testWritesWhatTheISO8601StrategyWroteAndReadsItBack() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        var (random, seed) = SplitMix64.seeded()
        var dates = [0, 951_782_400 /* 2000-02-29 */, 1_700_000_000, 4_102_444_799 /* 2099-12-31 23:59:59 */]
            .map { Date(timeIntervalSince1970: $0) }
        for _ in 0..<500 {
            dates.append(Date(timeIntervalSince1970: Double(random.next() % 4_102_444_800) + Double(random.next() % 1000) / 1000))
        }
        for date in dates {
            let theirs = try JSONDecoder().decode(String.self, from: encoder.encode(date))
            let ours = RecordTimestamp.text(date)
            XCTAssertEqual(ours, theirs, "CORRAL_FUZZ_SEED=\(seed), \(date.timeIntervalSince1970)")
            XCTAssertEqual(RecordTimestamp.date(ours)?.timeIntervalSince1970,
                           date.timeIntervalSince1970.rounded(.down), ours)
        }
    }

    /// The hand-made calendar against glibc's, every 7th day from 1800 to 2400 (leap centuries,
    /// days before the epoch).
    func testCivilDateIsGlibcsUTCDate() {
        for days in stride(from: Int64(-62_000), through: 157_000, by: 7) {
            var seconds = time_t(days * 86_400)
            var t = tm()
            XCTAssertNotNil(gmtime_r(&seconds, &t))
            let ours = RecordTimestamp.civil(daysSinceEpoch: days)
            XCTAssertEqual([ours.year, ours.month, ours.day],
                           [Int64(t.tm_year) + 1900, Int64(t.tm_mon) + 1, Int64(t.tm_mday)], "day \(days)")
            XCTAssertEqual(RecordTimestamp.daysSinceEpoch(year: ours.year, month: ours.month, day: ours.day), days)
        }
    }

    func testRefusesWhatIsNotATimestamp() {
        for text in ["", "2026-11-29", "2026-11-29T08:06:09", "2026-11-29T08:06:09.5Z", "2026-13-01T00:00:00Z",
                     "2026-02-30T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29 08:06:09Z", "２026-11-29T08:06:09Z",
                     "-026-11-29T08:06:09Z", "2026-11-29T08:6:009Z"] {
            XCTAssertNil(RecordTimestamp.date(text), text)
        }
    }

    /// The whole path: a record saved and loaded through the store keeps its time to the second,
    /// and a state file with a damaged time is refused as invalid, not read as some other date.
    func testStoreRoundTripsCreatedAndRefusesADamagedOne() throws {
        let root = "/tmp/corral-test-\(getpid())-timestamp-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = StateStore(root: root)
        let created = Date(timeIntervalSince1970: 1_764_403_569.75)
        let record = ContainerRecord(
            id: "0123456789ab", name: "stamp", created: created, command: ["/bin/true"], image: nil,
            rootfs: root + "/rootfs", rootfsIsOverlay: false, hostname: "stamp", network: .none, env: [],
            workdir: "/", uid: 0, gid: 0, capabilities: [], cgroup: CgroupPath(parent: "corral", name: "stamp"),
            limits: ResourceLimits(), detached: true, autoRemove: false, tty: false, interactive: false)
        try FileManager.default.createDirectory(atPath: root + "/stamp", withIntermediateDirectories: true)
        try store.save(record)
        let text = try String(contentsOfFile: store.recordPath("stamp"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"created\" : \"2025-11-29T08:06:09Z\""), text)
        XCTAssertEqual(try store.load("stamp").created.timeIntervalSince1970, 1_764_403_569)

        try text.replacingOccurrences(of: "2025-11-29T08:06:09Z", with: "2025-11-29T08:06:99Z")
            .write(toFile: store.recordPath("stamp"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try store.load("stamp")) { error in
            guard case EngineError.invalid = error else { return XCTFail("\(error)") }
        }
    }
}
