import XCTest
@testable import corral

final class ByteSizeTests: XCTestCase {
    func testSizesAsDockerTakesThem() {
        XCTAssertEqual(ByteSize.parse("1048576"), 1 << 20)
        XCTAssertEqual(ByteSize.parse("64m"), 64 << 20)
        XCTAssertEqual(ByteSize.parse("64MB"), 64 << 20)
        XCTAssertEqual(ByteSize.parse("1GiB"), 1 << 30)
        XCTAssertEqual(ByteSize.parse("1.5g"), 3 << 29)
        XCTAssertEqual(ByteSize.parse("0.5k"), 512)
        XCTAssertEqual(ByteSize.parse("0.0001k"), 1, "a positive size is no 0 (unlimited)")
        XCTAssertEqual(ByteSize.parse("0.0k"), 0)
        for bad in ["1.5", "1e3m", "infm", "nanm", "1..5g", ".g", "-1m", "-1.5g", "m", "", "1.5x", "99999999999999999999g"] {
            XCTAssertNil(ByteSize.parse(bad), bad)
        }
    }
}
