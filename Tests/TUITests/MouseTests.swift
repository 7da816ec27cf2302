import XCTest
@testable import TUI

final class MouseTests: XCTestCase {
    func testClickOnARowSelectsIt() throws {
        let state = sampledState().state
        let frame = render(state, 100, 30)
        let y = try XCTUnwrap(frame.tableRow("half"))
        let action = KeyMap.action(for: .mouse(MouseEvent(x: 2, y: y, kind: .press)), in: state, hits: frame.hits)
        XCTAssertEqual(action, .select("half"))
    }

    func testPressAndDragOnASliderSetTheQuota() throws {
        var state = sampledState().state
        let frame = render(state, 100, 30)
        let y = try XCTUnwrap(frame.tableRow("half"))
        let slider = try XCTUnwrap(frame.hits.first { $0.target == .slider(name: "half", hostCores: 2) })
        XCTAssertEqual(slider.y, y)
        let cells = slider.width - 2

        // Press in the middle cell of the bar.
        let middle = slider.x + 1 + cells / 2 - 1
        let press = KeyMap.action(for: .mouse(MouseEvent(x: middle, y: y, kind: .press)), in: state, hits: frame.hits)
        let expected = QuotaMath.cores(atCell: cells / 2 - 1, cells: cells, hostCores: 2)
        XCTAssertEqual(press, .sliderPress(name: "half", cores: expected))
        XCTAssertEqual(state.apply(press!), [.setQuota(name: "half", cores: expected)])
        XCTAssertEqual(state.dragging, "half")

        // Drag to the left end, on another row: still the dragged slider.
        let drag = KeyMap.action(for: .mouse(MouseEvent(x: slider.x + 1, y: y + 3, kind: .motion)), in: state,
                                 hits: render(state, 100, 30).hits)
        XCTAssertEqual(drag, .sliderDrag(name: "half", cores: QuotaMath.cores(atCell: 0, cells: cells, hostCores: 2)))
        XCTAssertEqual(state.apply(drag!).count, 1)

        // Past the right bracket: unlimited.
        let far = KeyMap.action(for: .mouse(MouseEvent(x: slider.x + slider.width + 5, y: y, kind: .motion)),
                                in: state, hits: frame.hits)
        XCTAssertEqual(far, .sliderDrag(name: "half", cores: nil))
        XCTAssertEqual(state.apply(far!), [.setQuota(name: "half", cores: nil)])

        let release = KeyMap.action(for: .mouse(MouseEvent(x: 0, y: 0, kind: .release)), in: state, hits: frame.hits)
        XCTAssertEqual(release, .sliderRelease)
        _ = state.apply(release!)
        XCTAssertNil(state.dragging)
        XCTAssertNil(KeyMap.action(for: .mouse(MouseEvent(x: middle, y: y, kind: .motion)), in: state, hits: frame.hits),
                     "motion without a drag does nothing")
    }

    func testClickOnAColumnTitleSorts() throws {
        let state = sampledState().state
        let frame = render(state, 120, 30)
        let x = try XCTUnwrap(frame.line(TableView.titleRow).range(of: "THR%")).lowerBound.utf16Offset(in: frame.line(TableView.titleRow))
        let action = KeyMap.action(for: .mouse(MouseEvent(x: x, y: TableView.titleRow, kind: .press)), in: state,
                                   hits: frame.hits)
        XCTAssertEqual(action, .sortBy(.throttled))
    }

    func testWheelMovesOrScrolls() {
        var state = sampledState().state
        XCTAssertEqual(KeyMap.action(for: .mouse(MouseEvent(x: 0, y: 5, kind: .wheelDown)), in: state, hits: []), .move(1))
        state.overlay = .help
        XCTAssertEqual(KeyMap.action(for: .mouse(MouseEvent(x: 0, y: 5, kind: .wheelUp)), in: state, hits: []), .scroll(-3))
    }

    func testTheFormHidesTheTableFromTheMouse() throws {
        var state = sampledState().state
        _ = state.apply(.openNewForm)
        let frame = render(state, 100, 30)
        XCTAssertFalse(frame.hits.contains { if case .row = $0.target { return true }; return false })
        let name = try XCTUnwrap(frame.hits.first { $0.target == .formField(.name) })
        XCTAssertEqual(KeyMap.action(for: .mouse(MouseEvent(x: name.x + 2, y: name.y, kind: .press)), in: state,
                                     hits: frame.hits), .focusField(.name))
    }
}
