import XCTest
@testable import TUI

final class KeyMapTests: XCTestCase {
    private func action(_ key: Key, screen: Screen = .table, overlay: Overlay = .none, dragging: String? = nil) -> Action? {
        var state = sampledState(seconds: 1).state
        state.screen = screen
        state.overlay = overlay
        state.dragging = dragging
        return KeyMap.action(for: key, in: state, hits: [])
    }

    func testTableKeys() {
        let expected: [(Key, Action)] = [
            (.up, .move(-1)), (.char("k"), .move(-1)), (.down, .move(1)), (.char("j"), .move(1)),
            (.home, .selectFirst), (.char("g"), .selectFirst), (.end, .selectLast), (.char("G"), .selectLast),
            (.char("\u{06}"), .movePage(1)), (.char("\u{02}"), .movePage(-1)),
            (.left, .stepQuota(-0.05)), (.char("h"), .stepQuota(-0.05)),
            (.right, .stepQuota(0.05)), (.char("l"), .stepQuota(0.05)),
            (.char("H"), .stepQuota(-0.5)), (.pageDown, .stepQuota(-0.5)),
            (.char("L"), .stepQuota(0.5)), (.pageUp, .stepQuota(0.5)),
            (.char("0"), .unlimitedQuota), (.char("u"), .unlimitedQuota), (.char("="), .askQuota),
            (.enter, .openDetail), (.char("n"), .openNewForm), (.char("s"), .toggleRun),
            (.char("p"), .togglePause), (.char("K"), .kill), (.function(9), .kill),
            (.char("d"), .askRemove), (.delete, .askRemove), (.char("o"), .openLogs), (.char("e"), .shell),
            (.char("/"), .openFilter), (.char("<"), .sortPrevious), (.char(">"), .sortNext),
            (.function(6), .sortNext), (.char("r"), .reverseSort),
            (.char("+"), .refreshSlower), (.char("-"), .refreshFaster),
            (.char("?"), .toggleHelp), (.function(1), .toggleHelp),
            (.char("q"), .quit), (.function(10), .quit), (.escape, .back),
        ]
        for (key, want) in expected {
            XCTAssertEqual(action(key), want, "\(key)")
        }
        XCTAssertNil(action(.char("z")))
        XCTAssertNil(action(.resize), "resize is the app's business, not the state's")
    }

    func testMovementKeysNeverKill() {
        // j/k and h/l are movement: the destructive commands sit on shifted or other letters.
        for c in "jkhl" {
            let a = action(.char(c))
            XCTAssertNotEqual(a, .kill)
            XCTAssertNotEqual(a, .askRemove)
        }
    }

    func testDetailKeys() {
        let detail = Screen.detail("half")
        XCTAssertEqual(action(.right, screen: detail), .stepQuota(0.05))
        XCTAssertEqual(action(.char("H"), screen: detail), .stepQuota(-0.5))
        XCTAssertEqual(action(.down, screen: detail), .move(1))
        XCTAssertEqual(action(.enter, screen: detail), .back)
        XCTAssertEqual(action(.char("q"), screen: detail), .back, "q leaves the detail view, not the program")
        XCTAssertEqual(action(.escape, screen: detail), .back)
        XCTAssertNil(action(.char("/"), screen: detail))
    }

    func testLogsKeys() {
        let logs = Screen.logs("half")
        XCTAssertEqual(action(.up, screen: logs), .scroll(-1))
        XCTAssertEqual(action(.char("j"), screen: logs), .scroll(1))
        XCTAssertEqual(action(.pageUp, screen: logs), .scroll(-KeyMap.pageStep))
        XCTAssertEqual(action(.end, screen: logs), .scrollToEnd)
        XCTAssertEqual(action(.char("g"), screen: logs), .scrollToStart)
        XCTAssertEqual(action(.escape, screen: logs), .back)
        XCTAssertEqual(action(.char("q"), screen: logs), .back)
        XCTAssertNil(action(.right, screen: logs), "no quota change from the logs view")
    }

    func testHelpKeys() {
        XCTAssertEqual(action(.escape, overlay: .help), .toggleHelp)
        XCTAssertEqual(action(.char("?"), overlay: .help), .toggleHelp)
        XCTAssertEqual(action(.char("q"), overlay: .help), .toggleHelp, "q closes help first")
        XCTAssertEqual(action(.down, overlay: .help), .scroll(1))
        XCTAssertNil(action(.right, overlay: .help))
    }

    func testFormKeys() {
        let form = Overlay.form(NewContainerForm())
        XCTAssertEqual(action(.char("q"), overlay: form), .type("q"), "letters are text in the form")
        XCTAssertEqual(action(.char("K"), overlay: form), .type("K"))
        XCTAssertEqual(action(.tab, overlay: form), .nextField)
        XCTAssertEqual(action(.down, overlay: form), .nextField)
        XCTAssertEqual(action(.backTab, overlay: form), .previousField)
        XCTAssertEqual(action(.up, overlay: form), .previousField)
        XCTAssertEqual(action(.enter, overlay: form), .submit)
        XCTAssertEqual(action(.escape, overlay: form), .back)
        XCTAssertEqual(action(.backspace, overlay: form), .erase)
        XCTAssertEqual(action(.ctrl("w"), overlay: form), .eraseWord)
        XCTAssertEqual(action(.ctrl("u"), overlay: form), .clearField)
        XCTAssertEqual(action(.left, overlay: form), .moveCursor(.left))
        XCTAssertEqual(action(.right, overlay: form), .moveCursor(.right))
        XCTAssertEqual(action(.home, overlay: form), .moveCursor(.home))
        XCTAssertEqual(action(.ctrl("a"), overlay: form), .moveCursor(.home))
        XCTAssertEqual(action(.end, overlay: form), .moveCursor(.end))
        XCTAssertEqual(action(.ctrl("e"), overlay: form), .moveCursor(.end))
        XCTAssertEqual(action(.delete, overlay: form), .deleteForward)
        XCTAssertNil(action(.char("\u{07}"), overlay: form), "other control characters are not typed")
    }

    /// Between the terminal's paste brackets nothing is a key: in a text field it is text (a
    /// line break a space, so a pasted two-line command doesn't submit the form half-way), and
    /// anywhere else it is dropped (a pasted "K" killed the selected container).
    func testAPasteIsTextNeverKeys() {
        var state = sampledState(seconds: 1).state
        XCTAssertEqual(KeyMap.action(for: .pasteStart, in: state, hits: []), .paste(true))
        _ = state.apply(.paste(true))
        XCTAssertTrue(state.pasting)
        for key: Key in [.char("K"), .char("d"), .char("q"), .enter, .char("e"), .delete, .left] {
            XCTAssertNil(KeyMap.action(for: key, in: state, hits: []), "\(key) acted in a paste over the table")
        }
        state.overlay = .form(NewContainerForm())
        XCTAssertEqual(KeyMap.action(for: .char("K"), in: state, hits: []), .type("K"))
        XCTAssertEqual(KeyMap.action(for: .enter, in: state, hits: []), .type(" "))
        XCTAssertEqual(KeyMap.action(for: .tab, in: state, hits: []), .type(" "))
        // A pasted ESC (as in copied coloured output) and what follows it stay paste.
        XCTAssertNil(KeyMap.action(for: .escape, in: state, hits: []), "an ESC in a paste ended it")
        state.overlay = .none
        for key: Key in [.escape, .char("["), .char("0"), .char("m"), .char(" "), .char("K"), .enter] {
            XCTAssertNil(KeyMap.action(for: key, in: state, hits: []), "\(key) acted after an ESC in a paste")
        }
        state.overlay = .form(NewContainerForm())
        XCTAssertEqual(KeyMap.action(for: .pasteEnd, in: state, hits: []), .paste(false))
        _ = state.apply(.paste(false))
        XCTAssertEqual(KeyMap.action(for: .enter, in: state, hits: []), .submit, "after the paste, keys again")
    }

    func testPromptAndConfirmKeys() {
        let filter = Overlay.filter(TextField())
        XCTAssertEqual(action(.char("w"), overlay: filter), .type("w"))
        XCTAssertEqual(action(.enter, overlay: filter), .submit)
        XCTAssertEqual(action(.escape, overlay: filter), .back)
        let quota = Overlay.quota(name: "half", TextField())
        XCTAssertEqual(action(.char("%"), overlay: quota), .type("%"))
        XCTAssertEqual(action(.right, overlay: quota), .moveCursor(.right), "the arrows edit what is typed, not the quota")

        let confirm = Overlay.confirmRemove("half")
        XCTAssertEqual(action(.char("y"), overlay: confirm), .confirm(true))
        XCTAssertEqual(action(.char("Y"), overlay: confirm), .confirm(true))
        XCTAssertEqual(action(.char("n"), overlay: confirm), .confirm(false))
        XCTAssertEqual(action(.enter, overlay: confirm), .confirm(false), "the default is to keep")
        XCTAssertEqual(action(.escape, overlay: confirm), .confirm(false))
        XCTAssertNil(action(.char("d"), overlay: confirm))
    }
}
