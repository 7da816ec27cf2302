import XCTest
@testable import TUI

final class LayoutTests: XCTestCase {
    private let core = ["NAME", "STATE", "PID", "CPU%", "QUOTA", "THR%", "THROTTLED", "UPTIME"]

    private func assertWellFormed(_ frame: Frame, file: StaticString = #filePath, line: UInt = #line) {
        for y in 0..<frame.height {
            XCTAssertEqual(frame.line(y).unicodeScalars.count, frame.width, "row \(y)", file: file, line: line)
        }
    }

    func testColumnsNeverOverlapAndFit() {
        for width in 80...260 {
            let layout = ColumnLayout.layout(width: width)
            var end = -1
            for p in layout.columns {
                XCTAssertGreaterThan(p.x, end, "width \(width): \(p.column) overlaps")
                XCTAssertGreaterThanOrEqual(p.width, p.column.minWidth)
                end = p.x + p.width - 1
            }
            XCTAssertLessThan(end, width, "width \(width) overflows")
            let has = Set(layout.columns.map(\.column))
            XCTAssertTrue(has.isSuperset(of: [.name, .state, .pid, .cpu, .slider, .quota, .thr, .throttledTime, .uptime]),
                          "width \(width) lost an important column")
            if has.contains(.spark) { XCTAssertTrue(has.contains(.command), "the sparkline goes first") }
        }
    }

    /// How to get help and out stays on the last row at every width, in every view; the other
    /// keys give way first.
    func testHelpAndQuitHintsShowAtAnyWidth() throws {
        var state = sampledState().state
        for cols in [80, 100, 129, 200] {
            let last = render(state, cols, 24).line(23)
            XCTAssertTrue(last.contains("? help") && last.contains("q quit"), "\(cols) columns: \(last)")
            XCTAssertTrue(last.hasPrefix(" ←→ quota"), "\(cols) columns: \(last)")
        }
        let narrow = render(state, 80, 24).line(23)
        XCTAssertFalse(narrow.contains("e shell"), "room for every key at 80 columns? \(narrow)")
        _ = state.apply(.openDetail)
        let detail = render(state, 80, 24).line(23)
        XCTAssertTrue(detail.contains("Esc back") && detail.contains("? help"), detail)
    }

    /// Whatever the table is sorted by, its title carries the arrow, also where the title is as
    /// wide as its column; the neighbouring titles stay whole.
    func testEverySortColumnShowsItsArrow() {
        var state = sampledState().state
        let titles: [SortColumn: String] = [.name: "NAME", .state: "STATE", .pid: "PID", .cpu: "CPU%", .quota: "QUOTA",
                                            .throttled: "THR%", .throttledTime: "THROTTLED", .uptime: "UPTIME", .command: "COMMAND"]
        for cols in [80, 200] {
            for column in SortColumn.allCases {
                _ = state.apply(.sortBy(column))
                if state.sortReversed { _ = state.apply(.sortBy(column)) }
                let line = render(state, cols, 24).line(TableView.titleRow)
                guard let title = titles[column], cols == 200 || column != .command else { continue }
                let arrow = column.descendingByDefault ? "▼" : "▲"
                let marked = TableColumn.allCases.first { $0.title == title }!.rightAligned ? arrow + title : title + arrow
                XCTAssertTrue(line.contains(marked), "\(cols) columns, sorted by \(column): \(line)")
                for other in core { XCTAssertTrue(line.contains(other), "\(other) cut at \(cols) columns by \(column)'s arrow: \(line)") }
            }
        }
    }

    func testAt80x24() throws {
        let state = sampledState().state
        let frame = render(state, 80, 24)
        assertWellFormed(frame)
        let titles = frame.line(TableView.titleRow)
        for title in core { XCTAssertTrue(titles.contains(title), "\(title) missing in \(titles)") }
        XCTAssertFalse(titles.contains("COMMAND"), "dropped at 80 columns")
        XCTAssertFalse(titles.contains("60s"), "dropped at 80 columns")
        XCTAssertTrue(frame.line(0).hasPrefix(" corral test"))
        XCTAssertTrue(frame.line(0).contains("cgroup hybrid"))
        XCTAssertTrue(frame.line(0).contains("refresh 1s"))
        let host = frame.line(1)
        XCTAssertTrue(host.contains("/2 cores"), host)
        XCTAssertTrue(host.contains("4 running 1 paused 1 exited 0 created"), host)
        XCTAssertTrue(frame.line(23).hasPrefix(" ←→ quota"))
        // Rows in name order, each with its slider.
        let rows = ["burner", "bursty", "fifth", "half", "oneshot", "sleeper"].map { frame.tableRow($0) }
        XCTAssertEqual(rows, Array(3...8).map { Optional($0) })
        for y in 3...8 { XCTAssertTrue(frame.line(y).contains("▕") && frame.line(y).contains("▏")) }
        XCTAssertTrue(frame.line(try XCTUnwrap(frame.tableRow("half"))).contains(" 0.50 "))
        XCTAssertTrue(frame.line(try XCTUnwrap(frame.tableRow("burner"))).contains(" ∞ "))
        XCTAssertTrue(frame.line(try XCTUnwrap(frame.tableRow("oneshot"))).contains("exit 0"))
        XCTAssertGreaterThanOrEqual(ColumnLayout.layout(width: 80).placed(.name)?.width ?? 0, "demo-bursty".count,
                                    "the demo's names (but demo-unlimited) whole at 80 columns")
    }

    func testAt120x40() {
        let state = sampledState().state
        let frame = render(state, 120, 40)
        assertWellFormed(frame)
        let titles = frame.line(TableView.titleRow)
        for title in core + ["COMMAND", "CPU, 60s"] { XCTAssertTrue(titles.contains(title), "\(title) missing in \(titles)") }
        XCTAssertTrue(frame.line(frame.tableRow("half")!).contains("sh -c"))
        XCTAssertEqual(frame.row(containing: "No containers"), nil)
    }

    func testAt200x60() throws {
        let state = sampledState(seconds: 70).state
        let frame = render(state, 200, 60)
        assertWellFormed(frame)
        let layout = ColumnLayout.layout(width: 200)
        XCTAssertEqual(layout.placed(.slider)?.width, 42, "the slider grows to its widest")
        let spark = try XCTUnwrap(layout.placed(.spark))
        XCTAssertGreaterThanOrEqual(spark.width, 30)
        XCTAssertEqual(layout.placed(.command)?.width, 40, "the command is cut at 24 while the sparkline takes 60")
        // A full minute of history fills the burner's sparkline with levels.
        let line = Array(frame.line(try XCTUnwrap(frame.tableRow("burner"))).unicodeScalars)
        let cells = line[spark.x..<(spark.x + spark.width)]
        XCTAssertTrue(cells.allSatisfy { Glyphs.utf8.levels.contains($0) }, String(String.UnicodeScalarView(cells)))
    }

    func testTooSmall() {
        let state = sampledState().state
        for (cols, rows) in [(79, 24), (80, 23), (60, 20), (40, 6)] {
            let frame = render(state, cols, rows)
            assertWellFormed(frame)
            XCTAssertNotNil(frame.row(containing: "terminal too small (need 80x24)"), "\(cols)x\(rows)")
            XCTAssertNil(frame.row(containing: "NAME"), "no table drawn at \(cols)x\(rows)")
            XCTAssertTrue(frame.hits.isEmpty)
        }
        XCTAssertNotNil(render(state, 40, 6).row(containing: "now 40x6"))
        XCTAssertNil(render(state, 80, 24).row(containing: "too small"))
    }

    func testDegenerateSizesDoNotCrash() {
        let state = sampledState().state
        for (cols, rows) in [(0, 0), (1, 1), (5, 0), (0, 5), (80, 1)] {
            let frame = render(state, cols, rows)
            XCTAssertEqual(frame.cells.count, cols * rows)
        }
    }

    func testEmptyTable() {
        let state = sampledState(seconds: 1, specs: []).state
        let frame = render(state, 80, 24)
        XCTAssertNotNil(frame.row(containing: "No containers. Press n to create one"))
    }

    func testHeaderCountsContainersInTheRightNumber() {
        let specs = FakeBackend.demoSpecs
        for (count, text) in [(0, "0 containers: 0 running"), (1, "1 container: 1 running"), (2, "2 containers: 2 running")] {
            let state = sampledState(seconds: 1, specs: Array(specs.prefix(count))).state
            let host = render(state, 120, 40).line(1)
            XCTAssertTrue(host.contains(text), "\(count): \(host)")
        }
    }

    func testSelectedRowIsHighlighted() throws {
        var state = sampledState().state
        _ = state.apply(.select("half"))
        let frame = render(state, 100, 30)
        let y = try XCTUnwrap(frame.tableRow("half"))
        XCTAssertTrue((0..<frame.width).allSatisfy { frame[$0, y].style.highlight })
        let other = try XCTUnwrap(frame.tableRow("fifth"))
        XCTAssertFalse((0..<frame.width).contains { frame[$0, other].style.highlight })
    }

    func testSliderShowsUseMarkAndForbiddenPart() throws {
        let state = sampledState().state
        let frame = render(state, 80, 24)
        let slider = try XCTUnwrap(frame.hits.first { $0.target == .slider(name: "half", hostCores: 2) })
        let cells = slider.width - 2
        let mark = try XCTUnwrap(QuotaMath.markCell(cores: 0.5, cells: cells, hostCores: 2))
        let y = slider.y
        XCTAssertEqual(frame[slider.x, y].scalar, "▕")
        XCTAssertEqual(frame[slider.x + 1 + mark, y].scalar, "┃")
        XCTAssertEqual(frame[slider.x + 1 + mark, y].style.role, .quotaMark)
        for i in (mark + 1)..<cells {
            XCTAssertEqual(frame[slider.x + 1 + i, y].scalar, "░", "cell \(i) is above the quota")
        }
        XCTAssertEqual(frame[slider.x + 1, y].scalar, "█", "half uses about half a core")
        XCTAssertEqual(frame[slider.x + slider.width - 1, y].scalar, "▏")
        // Unlimited: no mark, nothing forbidden.
        let burner = try XCTUnwrap(frame.hits.first { $0.target == .slider(name: "burner", hostCores: 2) })
        let row = (1..<(burner.width - 1)).map { frame[burner.x + $0, burner.y].scalar }
        XCTAssertFalse(row.contains("┃") || row.contains("░"))
    }

    func testRenderIsPure() {
        let state = sampledState().state
        XCTAssertEqual(render(state, 120, 40), render(state, 120, 40))
    }
}
