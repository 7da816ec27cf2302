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

    func testTheBoundingSetIsReadFromStatus() throws {
        let path = NSTemporaryDirectory() + "corral-test-\(getpid())-status"
        defer { unlink(path) }
        try "Name:\tx\nCapInh:\t0000000000000000\nCapBnd:\t00000000000000a1\nCapAmb:\t0000000000000000\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(Capabilities.boundingMask(status: path), bits(["CHOWN", "KILL", "SETUID"]))
        XCTAssertEqual(Capabilities.boundingMask(status: path + ".missing"), bits(Capabilities.all))
        // This process (root, in CI) holds a bounding set the kernel names in full.
        XCTAssertNotEqual(Capabilities.boundingMask() & bits(["KILL"]), 0)
    }
}
