import XCTest
@testable import Engine

/// Text from outside shown in an error: nothing in it may break the line, start an escape
/// sequence or reverse what follows it on the user's terminal.
final class TerminalTextTests: XCTestCase {
    func testQuotedNamesEscapeWhatSteersATerminal() {
        XCTAssertEqual(ContainerName.quoted("a\nb"), "\"a\\u{a}b\"")
        XCTAssertEqual(ContainerName.quoted("\u{1b}[31mred"), "\"\\u{1b}[31mred\"")
        XCTAssertEqual(ContainerName.quoted("x\u{9b}2J"), "\"x\\u{9b}2J\"", "C1 CSI")
        XCTAssertEqual(ContainerName.quoted("evil\u{202e}txt.exe"), "\"evil\\u{202e}txt.exe\"", "right-to-left override")
        XCTAssertEqual(ContainerName.quoted("a\u{2028}b\u{2066}c"), "\"a\\u{2028}b\\u{2066}c\"")
        XCTAssertEqual(ContainerName.quoted("say \"hi\" é 日本"), "\"say \\\"hi\\\" é 日本\"", "printable text stays")
    }
}
