import Foundation
import SeededRandom
import XCTest
@testable import Engine

/// `state.json` is written by hand (RecordJSON) and read by JSONDecoder: the bytes must be what
/// JSONEncoder would write for the same record — every field, every character a string can hold
/// — so the two can never disagree on what a record says.
final class RecordJSONTests: XCTestCase {
    /// The encoder corral used before RecordJSON, and what RecordJSON must match.
    let reference: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(RecordTimestamp.text(date))
        }
        return e
    }()

    func record(every optional: Bool, _ rng: inout SplitMix64) -> ContainerRecord {
        func text() -> String {
            // Control characters, the escaped ASCII, DEL, C1, line separators, wide and
            // astral characters.
            let pool: [Unicode.Scalar] = (0..<0x20).map { Unicode.Scalar(UInt8($0)) }
                + ["\"", "\\", "/", "a", "Z", "0", " ", "\u{7f}", "\u{85}", "\u{9f}", "é", "\u{2028}", "\u{202e}", "中", "😀", "\u{feff}"]
            var s = ""
            for _ in 0..<Int.random(in: 0...12, using: &rng) { s.unicodeScalars.append(pool.randomElement(using: &rng)!) }
            return s
        }
        func texts() -> [String] { (0..<Int.random(in: 0...4, using: &rng)).map { _ in text() } }
        func maybe<T>(_ value: T) -> T? { optional || Bool.random(using: &rng) ? value : nil }
        return ContainerRecord(
            id: text(), name: text(),
            created: Date(timeIntervalSince1970: Double(Int64.random(in: -5_000_000_000...5_000_000_000, using: &rng))),
            command: texts(), image: maybe(text()), rootfs: text(), rootfsIsOverlay: Bool.random(using: &rng),
            hostname: text(), network: NetworkMode.allCases.randomElement(using: &rng)!, env: texts(), workdir: text(),
            uid: UInt32.random(in: 0...UInt32.max, using: &rng), gid: UInt32.random(in: 0...UInt32.max, using: &rng),
            groups: maybe((0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }),
            capabilities: texts(), cgroup: CgroupPath(text()),
            limits: ResourceLimits(cpu: CPUQuota(quotaUs: maybe(Int64.random(in: 1_000...CPUQuota.maxQuotaUs, using: &rng)),
                                                 periodUs: Int64.random(in: CPUQuota.periodRange, using: &rng)),
                                   pidsMax: maybe(Int64.random(in: Int64.min...Int64.max, using: &rng)),
                                   memoryBytes: maybe(Int64.random(in: 1...Int64.max, using: &rng))),
            detached: Bool.random(using: &rng), autoRemove: Bool.random(using: &rng),
            tty: Bool.random(using: &rng), interactive: Bool.random(using: &rng))
    }

    /// Every optional anywhere in the value is set (a field added to the record and left out
    /// of the test would otherwise go unnoticed in RecordJSON too).
    func assertNoNil(_ value: Any, path: String = "record", file: StaticString = #filePath, line: UInt = #line) {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let inner = mirror.children.first?.value else { return XCTFail("\(path) is nil", file: file, line: line) }
            return assertNoNil(inner, path: path, file: file, line: line)
        }
        guard mirror.displayStyle == .struct else { return }
        for child in mirror.children { assertNoNil(child.value, path: path + "." + (child.label ?? "?"), file: file, line: line) }
    }

    func testEveryFieldIsWrittenAsJSONEncoderWritesIt() throws {
        var rng = SplitMix64(state: 1)
        let r = record(every: true, &rng)
        assertNoNil(r)
        XCTAssertEqual(String(decoding: RecordJSON.encode(r), as: UTF8.self),
                       String(decoding: try reference.encode(r), as: UTF8.self))
    }

    func testFuzzedRecordsAreByteForByteJSONEncodersAndReadBack() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            RecordTimestamp.date(try d.singleValueContainer().decode(String.self))!
        }
        var rng = SplitMix64(state: 20261207)
        for i in 0..<2000 {
            let r = record(every: i % 2 == 0, &rng)
            let bytes = RecordJSON.encode(r)
            XCTAssertEqual(bytes, Array(try reference.encode(r)), "record \(i)")
            XCTAssertEqual(try decoder.decode(ContainerRecord.self, from: Data(bytes)), r, "record \(i)")
        }
    }
}
