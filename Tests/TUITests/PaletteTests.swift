import XCTest
@testable import TUI

final class PaletteTests: XCTestCase {
    func testNoColorOptionAndEnvironment() {
        XCTAssertTrue(Capabilities.wantsColor(noColorOption: false, noColorEnv: nil))
        XCTAssertTrue(Capabilities.wantsColor(noColorOption: false, noColorEnv: ""), "no-color.org: empty means unset")
        XCTAssertFalse(Capabilities.wantsColor(noColorOption: false, noColorEnv: "1"))
        XCTAssertFalse(Capabilities.wantsColor(noColorOption: true, noColorEnv: nil))
    }

    func testColorDepthFallsBack() {
        XCTAssertEqual(Capabilities.colorDepth(terminalColors: 16_777_216), 256)
        XCTAssertEqual(Capabilities.colorDepth(terminalColors: 256), 256)
        XCTAssertEqual(Capabilities.colorDepth(terminalColors: 88), 16)
        XCTAssertEqual(Capabilities.colorDepth(terminalColors: 16), 16)
        XCTAssertEqual(Capabilities.colorDepth(terminalColors: 8), 8)
        XCTAssertEqual(Capabilities.colorDepth(terminalColors: 2), 0)
    }

    func testColoursStayInsideEachDepth() {
        for depth in [256, 16, 8] {
            for role in Role.allCases {
                for highlight in [false, true] {
                    let look = Palette.look(Style(role, highlight: highlight), colors: depth)
                    XCTAssertLessThan(look.fg, Int16(depth), "\(role) at \(depth)")
                    XCTAssertLessThan(look.bg, Int16(depth), "\(role) at \(depth)")
                    XCTAssertGreaterThanOrEqual(look.fg, -1)
                }
            }
        }
    }

    func testWithoutColourAttributesStillSeparateThings() {
        XCTAssertEqual(Palette.look(Style(.normal), colors: 0), Look())
        XCTAssertTrue(Palette.look(Style(.normal, highlight: true), colors: 0).reverse, "selection shows reversed")
        XCTAssertTrue(Palette.look(Style(.bar), colors: 0).reverse)
        XCTAssertFalse(Palette.look(Style(.bar, highlight: true), colors: 0).reverse)
        XCTAssertTrue(Palette.look(Style(.error), colors: 0).bold)
        XCTAssertTrue(Palette.look(Style(.quotaMark), colors: 0).bold)
        for role in Role.allCases {
            let look = Palette.look(Style(role), colors: 0)
            XCTAssertEqual(look.fg, -1, "\(role) uses no colour")
            XCTAssertEqual(look.bg, -1, "\(role) uses no colour")
        }
    }

    func testTheSelectedRowKeepsTheSliderReadable() {
        let plain = Palette.look(Style(.sliderHigh), colors: 16)
        XCTAssertEqual(Palette.look(Style(.sliderHigh, highlight: true), colors: 16), plain)
        XCTAssertNotEqual(Palette.look(Style(.normal, highlight: true), colors: 16), Palette.look(Style(.normal), colors: 16))
        XCTAssertNotEqual(Palette.look(Style(.dim, highlight: true), colors: 256).bg, -1)
    }
}
