import XCTest
@testable import corral

final class AttachedShortValuesTests: XCTestCase {
    func testValuesWrittenAgainstTheirOptionAreSplit() {
        XCTAssertEqual(AttachedShortValues.split(["logs", "-n1", "web"]), ["logs", "-n", "1", "web"])
        XCTAssertEqual(AttachedShortValues.split(["logs", "web", "-n20", "-f"]), ["logs", "web", "-n", "20", "-f"])
        XCTAssertEqual(AttachedShortValues.split(["stop", "-t3", "a", "b"]), ["stop", "-t", "3", "a", "b"])
        XCTAssertEqual(AttachedShortValues.split(["kill", "-sTERM", "web"]), ["kill", "-s", "TERM", "web"])
        // Left as they are: a separate value, "=", long options, other verbs, what follows "--".
        for args in [["logs", "-n", "1", "web"], ["logs", "-n=1", "web"], ["logs", "--tail", "1", "web"], ["logs", "-f", "web"],
                     ["exec", "-t1", "web"], ["run", "-n1"], ["logs", "web", "--", "-n1"], ["ps", "-aq"], []] {
            XCTAssertEqual(AttachedShortValues.split(args), args)
        }
    }
}
