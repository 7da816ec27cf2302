import Foundation
import SeededRandom
import XCTest

/// The fuzz tests' generator: CORRAL_FUZZ_SEED repeats a run, CORRAL_FUZZ_ITERATIONS makes it
/// longer (the default keeps `make test` quick).
typealias FuzzRNG = SplitMix64

extension SplitMix64 {
    static func seeded() -> (FuzzRNG, UInt64) {
        let seed = ProcessInfo.processInfo.environment["CORRAL_FUZZ_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 1..<UInt64.max)
        return (FuzzRNG(state: seed), seed)
    }

    static func iterations(_ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment["CORRAL_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? fallback
    }
}

/// Byte-level and JSON-level mutations of a valid input, the way a fuzzer would make them.
enum Mutate {
    static let interesting: [[UInt8]] = [
        [0], [0xff], [0xc3], [0xed, 0xa0, 0x80], Array("\"".utf8), Array("\\".utf8), Array("{".utf8), Array("]".utf8),
        Array("-1".utf8), Array("1e999".utf8), Array("99999999999999999999".utf8), Array("null".utf8),
        Array("../../../../etc/passwd".utf8), Array("/".utf8), Array("\\u0000".utf8), Array("\\ud800".utf8),
    ]

    static func bytes(_ input: [UInt8], using rng: inout FuzzRNG) -> [UInt8] {
        var b = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !b.isEmpty:   // flip bits
                b[Int.random(in: 0..<b.count, using: &rng)] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1 where !b.isEmpty:   // truncate
                b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))
            case 2:                    // insert something a parser should choke on
                let at = Int.random(in: 0...b.count, using: &rng)
                b.insert(contentsOf: interesting.randomElement(using: &rng)!, at: at)
            case 3 where b.count > 2:  // delete a span
                let from = Int.random(in: 0..<b.count, using: &rng)
                let to = min(b.count, from + Int.random(in: 1...64, using: &rng))
                b.removeSubrange(from..<to)
            case 4 where b.count > 2:  // duplicate a span
                let from = Int.random(in: 0..<b.count, using: &rng)
                let to = min(b.count, from + Int.random(in: 1...256, using: &rng))
                b.insert(contentsOf: b[from..<to], at: Int.random(in: 0...b.count, using: &rng))
            case 5 where !b.isEmpty:   // overwrite with random bytes
                let from = Int.random(in: 0..<b.count, using: &rng)
                for i in from..<min(b.count, from + Int.random(in: 1...16, using: &rng)) { b[i] = UInt8.random(in: 0...255, using: &rng) }
            default:                   // all random
                b = (0..<Int.random(in: 0...512, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
        }
        return b
    }

    static let values: [Any] = [
        NSNull(), 0, -1, Int64.max, Int64.min, 1e308, -0.0, true, "", "../../../../etc", "/etc/passwd", "..", ".",
        "a/../../b", String(repeating: "x", count: 5000), "\u{0}", "\u{ff}\u{fe}", [Any](), [String: Any](), ["../x"], [1, "two", NSNull()],
        "sha256:" + String(repeating: "0", count: 64), "sha256:../../../../etc/passwd", "sha512:abc", "1970-01-01T00:00:00Z", "not a date",
    ]

    /// The JSON document with one node replaced, removed or duplicated.
    static func json(_ data: Data, using rng: inout FuzzRNG) -> Data {
        guard var root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return data }
        root = mutateNode(root, depth: 0, using: &rng)
        return (try? JSONSerialization.data(withJSONObject: root, options: [.fragmentsAllowed])) ?? data
    }

    private static func mutateNode(_ node: Any, depth: Int, using rng: inout FuzzRNG) -> Any {
        let here = depth > 0 && Int.random(in: 0..<4, using: &rng) == 0
        if var dict = node as? [String: Any], !dict.isEmpty, !here {
            let key = dict.keys.sorted().randomElement(using: &rng)!
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: dict.removeValue(forKey: key)
            case 1: dict[key] = values.randomElement(using: &rng)!
            default: dict[key] = mutateNode(dict[key]!, depth: depth + 1, using: &rng)
            }
            return dict
        }
        if var array = node as? [Any], !array.isEmpty, !here {
            let i = Int.random(in: 0..<array.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: array.remove(at: i)
            case 1: array.append(array[i])
            case 2: array[i] = values.randomElement(using: &rng)!
            default: array[i] = mutateNode(array[i], depth: depth + 1, using: &rng)
            }
            return array
        }
        return values.randomElement(using: &rng)!
    }
}

/// Inputs that once broke a parser (or come close), kept in Tests/EngineTests/Fixtures.
enum FuzzCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func files(_ sub: String) -> [String] {
        let dir = directory + "/" + sub
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }
}
