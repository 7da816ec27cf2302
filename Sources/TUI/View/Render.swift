/// The pure function from (state, terminal size, capabilities) to a frame.
public enum Render {
    public static func frame(_ state: TopState, size: TermSize, caps: Capabilities) -> Frame {
        let glyphs = Glyphs.forCapabilities(caps)
        var frame = Frame(width: size.cols, height: size.rows, ascii: glyphs.ascii)
        guard size.cols >= TermSize.minimum.cols, size.rows >= TermSize.minimum.rows else {
            tooSmall(size, into: &frame)
            return frame
        }
        if state.overlay == .help {
            Chrome.titleBar(state, subtitle: "help", into: &frame, glyphs: glyphs)
            HelpView.draw(state, into: &frame, glyphs: glyphs)
            Chrome.statusLine(state, into: &frame, glyphs: glyphs)
            Chrome.hints([("Esc", "close help"), (glyphs.upDown, "scroll")], into: &frame)
            return frame
        }
        switch state.screen {
        case .table:
            let layout = ColumnLayout.layout(width: frame.width)
            Chrome.titleBar(state, subtitle: nil, tableLayout: layout, into: &frame, glyphs: glyphs)
            Chrome.hostLine(state, into: &frame, glyphs: glyphs)
            TableView.draw(state, layout: layout, into: &frame, glyphs: glyphs)
            Chrome.hints(Chrome.tableHints(glyphs), into: &frame)
        case let .detail(name):
            Chrome.titleBar(state, subtitle: name, into: &frame, glyphs: glyphs)
            DetailView.draw(state, name: name, into: &frame, glyphs: glyphs)
            Chrome.hints(DetailView.hints(glyphs), into: &frame)
        case let .logs(name):
            Chrome.titleBar(state, subtitle: "logs of \(name)", into: &frame, glyphs: glyphs)
            LogsView.draw(state, name: name, into: &frame, glyphs: glyphs)
            Chrome.hints(LogsView.hints(glyphs), into: &frame)
        }
        Chrome.statusLine(state, into: &frame, glyphs: glyphs)
        if case let .form(form) = state.overlay {
            FormView.draw(form, into: &frame, glyphs: glyphs)
        }
        return frame
    }

    /// How many rows the current view scrolls by (the table's rows, or lines of logs/help).
    public static func viewportRows(_ state: TopState, size: TermSize) -> Int {
        if state.overlay == .help { return max(1, size.rows - 4) }
        switch state.screen {
        case .table, .detail: return TableView.visibleRows(size)
        case .logs: return LogsView.visibleRows(size)
        }
    }

    static func tooSmall(_ size: TermSize, into frame: inout Frame) {
        let lines = ["terminal too small (need \(TermSize.minimum.cols)x\(TermSize.minimum.rows))",
                     "now \(size.cols)x\(size.rows); enlarge it, or q to quit"]
        let top = max(0, (size.rows - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (size.cols - line.count) / 2)
            frame.put(line, x: x, y: top + i, style: Style(i == 0 ? .error : .dim))
        }
    }
}
