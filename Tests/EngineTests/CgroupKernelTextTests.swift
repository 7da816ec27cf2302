import Foundation
import XCTest
@testable import Engine

/// The byte parsers under the drivers, and reading files bigger than the stack buffer.
final class CgroupKernelTextTests: XCTestCase {
    func keyed(_ text: String) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        Array(text.utf8).withUnsafeBytes { KernelText.forEachKeyed($0) { out[$0.string] = $1 } }
        return out
    }

    func number(_ text: String) -> UInt64? {
        Array(text.utf8).withUnsafeBytes { KernelText.number($0) }
    }

    func testKeyedLines() {
        XCTAssertEqual(keyed("nr_periods 5\nnr_throttled 2\nthrottled_time 77\n"),
                       ["nr_periods": 5, "nr_throttled": 2, "throttled_time": 77])
        XCTAssertEqual(keyed("a 1\n\nnovalue\nb x\nc 3"), ["a": 1, "c": 3])
        XCTAssertEqual(keyed(""), [:])
    }

    func testNumbers() {
        XCTAssertEqual(number("123456789\n"), 123_456_789)
        XCTAssertEqual(number("  42 "), 42)
        XCTAssertEqual(number("18446744073709551615"), UInt64.max)
        XCTAssertNil(number("18446744073709551616"), "overflow is not a number")
        XCTAssertNil(number("-1"))
        XCTAssertNil(number(""))
        XCTAssertNil(number("12 34"))
    }

    func testKeyMatchesExactly() {
        Array("oom_kill".utf8).withUnsafeBytes { bytes in
            let key = KernelText.Key(bytes: bytes)
            XCTAssertTrue(key.matches("oom_kill"))
            XCTAssertFalse(key.matches("oom_kil"))
            XCTAssertFalse(key.matches("oom_group_kill"))
        }
    }

    func testFilesLargerThanTheStackBufferAreReadWhole() throws {
        let path = NSTemporaryDirectory() + CgroupTestSupport.uniqueName() + "-procs"
        defer { unlink(path) }
        let pids = (1...3000).map { pid_t($0) }
        try (pids.map(String.init).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int, KernelRead.stackBytes)
        XCTAssertEqual(try KernelRead.pids(path), pids)
        XCTAssertThrowsError(try KernelRead.number(path), "many lines are not one number") { err in
            XCTAssertEqual(err as? EngineError, .system(step: "parse", path: path, errno: EINVAL))
        }
        XCTAssertThrowsError(try KernelRead.text(path + ".missing")) { err in
            XCTAssertEqual(err as? EngineError, .system(step: "open", path: path + ".missing", errno: ENOENT))
        }
    }
}
