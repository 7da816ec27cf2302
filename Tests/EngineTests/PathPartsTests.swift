import SeededRandom
import XCTest
@testable import Engine

final class PathPartsTests: XCTestCase {
    /// The same string as the standard library's join, empty parts and all.
    func testJoinIsJoinedWithSlashes() {
        var rng = SplitMix64(state: 42)
        let pool = ["", "a", "corral", "c-1", "é", "/", "//", " "]
        for _ in 0..<2000 {
            let parts = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pool.randomElement(using: &rng)! }
            XCTAssertEqual(PathParts.join(parts.map { Substring($0) }), parts.joined(separator: "/"), "\(parts)")
            let path = parts.joined()
            XCTAssertEqual(PathParts.join(path.split(separator: "/")), path.split(separator: "/").joined(separator: "/"), path)
        }
    }
}
