import XCTest
@testable import TUI

/// With a non-UTF-8 locale every view must draw in plain ASCII.
final class AsciiFallbackTests: XCTestCase {
    private func everyView() throws -> [(String, TopState)] {
        var (state, backend, _) = sampledState(seconds: 70)
        var views: [(String, TopState)] = [("table", state)]
        _ = state.apply(.select("half"))
        _ = state.apply(.quotaWritten(name: "half", cores: 0.3, writes: try backend.setQuota(name: "half", cores: 0.3)))
        views.append(("status with writes", state))
        var detail = state
        _ = detail.apply(.openDetail)
        _ = detail.apply(.detailLoaded(try backend.detail(name: "half")))
        views.append(("detail", detail))
        var logs = state
        _ = logs.apply(.openLogs)
        _ = logs.apply(.logsLoaded(name: "half", lines: try backend.logs(name: "half", lines: 100)))
        views.append(("logs", logs))
        var help = state
        _ = help.apply(.toggleHelp)
        views.append(("help", help))
        var form = state
        _ = form.run(.openNewForm, .type("x"))
        _ = form.apply(.commandFailed("no such image: bx"))
        views.append(("form", form))
        var prompt = state
        _ = prompt.run(.askQuota, .type("1"))
        views.append(("quota prompt", prompt))
        var filter = state
        _ = filter.run(.openFilter, .type("h"))
        views.append(("filter", filter))
        var confirm = state
        _ = confirm.apply(.askRemove)
        views.append(("confirm", confirm))
        var error = state
        _ = error.apply(.commandFailed("write …: refused"))
        views.append(("error", error))
        return views
    }

    func testEveryViewIsPureASCII() throws {
        for (name, state) in try everyView() {
            for (cols, rows) in [(80, 24), (120, 40), (200, 60), (60, 20)] {
                let frame = render(state, cols, rows, asciiMono)
                XCTAssertEqual(frame.nonASCII, [], "\(name) at \(cols)x\(rows):\n\(frame.text)")
            }
        }
    }

    func testTheSameViewsUseUnicodeWhenTheLocaleAllows() throws {
        let table = try everyView()[0].1
        XCTAssertFalse(render(table, 120, 40, utf8Color).nonASCII.isEmpty)
    }

    func testAsciiGlyphsCarryTheSameMeaning() throws {
        let state = sampledState(seconds: 70).state
        let frame = render(state, 120, 40, asciiMono)
        let half = frame.line(try XCTUnwrap(frame.tableRow("half")))
        XCTAssertTrue(half.contains("[") && half.contains("|.") && half.contains("]"), half)
        XCTAssertTrue(frame.line(try XCTUnwrap(frame.tableRow("burner"))).contains(" inf "))
        XCTAssertTrue(frame.line(23 + 16).hasPrefix(" lt/rt quota"))
    }

    func testForeignTextIsReplacedNotPassedThrough() {
        var frame = Frame(width: 12, height: 1, ascii: true)
        frame.put("café ☕\u{1b}[2J", x: 0, y: 0)
        XCTAssertEqual(frame.line(0), "caf? ??[2J  ")
        var wide = Frame(width: 12, height: 1, ascii: false)
        wide.put("café 漢\u{7}é\u{301}", x: 0, y: 0)
        XCTAssertEqual(wide.line(0), "café ??é?   ", "wide, control and combining characters would shift the row")
    }

    func testEveryHelpKeyLeavesAGapBeforeItsDescription() {
        for glyphs in [Glyphs.utf8, Glyphs.ascii] {
            for (key, what) in HelpView.entries(glyphs, onQuit: "removes the demo containers") {
                XCTAssertLessThan(key.unicodeScalars.count, HelpView.keyWidth, "\(key) runs into \(what)")
            }
        }
    }
}
