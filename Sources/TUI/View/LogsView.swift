/// `o`: the container's output, newest at the bottom, following unless scrolled up.
enum LogsView {
    static func visibleRows(_ size: TermSize) -> Int { max(1, size.rows - 3) }

    static func draw(_ state: TopState, name: String, into frame: inout Frame, glyphs: Glyphs) {
        let rows = visibleRows(TermSize(cols: frame.width, rows: frame.height))
        let lines = state.logLines
        if lines.isEmpty {
            frame.put(" (no output yet)", x: 0, y: 1, style: Style(.dim))
            return
        }
        let end = max(0, lines.count - state.scroll)
        let start = max(0, end - rows)
        for (i, line) in lines[start..<end].enumerated() {
            frame.put(glyphs.fit(cleaned(line), frame.width - 1), x: 1, y: 1 + i)
        }
        if state.scroll > 0 {
            let note = " \(state.scroll) newer line\(state.scroll == 1 ? "" : "s") below (End follows) "
            frame.put(note, x: max(0, frame.width - note.count), y: frame.height - 3, style: Style(.key))
        }
    }

    /// Tabs become spaces and other control characters '?', so a line can't move the cursor.
    static func cleaned(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        for s in line.unicodeScalars {
            if s == "\t" { out.append(contentsOf: "    ".unicodeScalars) }
            else if s.value < 0x20 || s.value == 0x7f { out.append("?") }
            else { out.append(s) }
        }
        return String(out)
    }

    static func hints(_ glyphs: Glyphs) -> [(String, String)] {
        [(glyphs.upDown, "scroll"), ("PgUp/PgDn", "page"), ("g/G", "top/follow"), ("Esc", "back"), ("?", "help")]
    }
}
