import XCTest
@testable import Engine

/// Docker's rule for a container's capabilities, limited to what corral itself holds.
final class CapabilitiesTests: XCTestCase {
    let everything = ~UInt64(0)
    func bits(_ names: [String]) -> UInt64 {
        names.reduce(0) { $0 | (1 << UInt64(Capabilities.all.firstIndex(of: $1)!)) }
    }

    func testDefaultSetDropsAndAddsInNumberOrder() throws {
        XCTAssertEqual(try Capabilities.resolve(add: [], drop: [], held: everything),
                       Capabilities.all.filter(Capabilities.dockerDefault.contains))
        XCTAssertEqual(try Capabilities.resolve(add: ["cap_sys_admin"], drop: ["NET_RAW", "mknod"], held: everything),
                       Capabilities.all.filter { ($0 == "SYS_ADMIN" || Capabilities.dockerDefault.contains($0)) && $0 != "NET_RAW" && $0 != "MKNOD" })
        XCTAssertEqual(try Capabilities.resolve(add: ["KILL"], drop: ["ALL"], held: everything), ["KILL"])
        XCTAssertEqual(try Capabilities.resolve(add: ["ALL"], drop: [], held: everything), Capabilities.all)
        XCTAssertEqual(try Capabilities.resolve(add: [], drop: ["all"], held: everything), [])
    }

    func testOnlyWhatCorralHoldsIsHandedOnAndNamingAnotherIsAnError() throws {
        let held = bits(["CHOWN", "KILL", "SYS_ADMIN"])
        XCTAssertEqual(try Capabilities.resolve(add: [], drop: [], held: held), ["CHOWN", "KILL"])
        XCTAssertEqual(try Capabilities.resolve(add: ["ALL"], drop: [], held: held), ["CHOWN", "KILL", "SYS_ADMIN"])
        XCTAssertThrowsError(try Capabilities.resolve(add: ["NET_ADMIN"], drop: [], held: held)) { err in
            XCTAssertEqual(err as? EngineError, .invalid("--cap-add NET_ADMIN: corral does not hold it here (not in its capability bounding set)"))
        }
        XCTAssertThrowsError(try Capabilities.resolve(add: ["NOPE"], drop: [], held: held))
        XCTAssertThrowsError(try Capabilities.resolve(add: [], drop: ["CAP_"], held: held))
    }

    /// The set asked of the kernel is the one /proc/self/status shows (CapBnd, in hex).
    func testTheBoundingSetIsTheKernelsOwn() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("CapBnd:") })
        let shown = try XCTUnwrap(UInt64(line.dropFirst("CapBnd:".count).trimmingCharacters(in: .whitespaces), radix: 16))
        XCTAssertEqual(Capabilities.boundingMask(), shown & bits(Capabilities.all))
        XCTAssertNotEqual(Capabilities.boundingMask() & bits(["KILL"]), 0)
    }
}
