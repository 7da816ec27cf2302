/// A text field in a fixed number of cells: the cursor always in sight, `…` where the text runs
/// on past either edge, the character under a cursor inside the text shown in reverse and a
/// block after the text when the cursor is at its end.
enum FieldView {
    /// The first character shown of `count`, for a window of `width` cells that keeps one cell
    /// for a cursor at the end: the end of the text while the cursor is near it, else the cursor
    /// one cell in (that cell before it is the marker).
    static func firstShown(count: Int, cursor: Int, width: Int) -> Int {
        let window = max(1, width - 1)
        guard count > window else { return 0 }
        let start = count - window
        return cursor <= start ? max(0, cursor - 1) : start
    }

    /// Draws `field` from `x` in at most `width` cells; returns the cells used.
    @discardableResult
    static func draw(_ field: TextField, x: Int, y: Int, width: Int, cursor: Bool, into frame: inout Frame,
                     glyphs: Glyphs) -> Int {
        guard width > 0 else { return 0 }
        let chars = Array(field.text)
        let window = max(1, width - 1)
        let start = firstShown(count: chars.count, cursor: field.cursor, width: width)
        let end = min(chars.count, start + window)
        var cells = chars[start..<end].map { String($0) }
        let marker = glyphs.ellipsis.unicodeScalars.first.map { String($0) } ?? "~"
        if start > 0, !cells.isEmpty { cells[0] = marker }
        if end < chars.count, cells.count > 1 { cells[cells.count - 1] = marker }
        for (i, cell) in cells.enumerated() { frame.put(cell, x: x + i, y: y, style: Style(.input)) }
        guard cursor else { return cells.count }
        let at = field.cursor - start
        if field.cursor < chars.count {
            frame.put(cells[at], x: x + at, y: y, style: Style(.input, highlight: true))
            return cells.count
        }
        frame.put(String(Character(glyphs.cursor)), x: x + at, y: y, style: Style(.input))
        return cells.count + 1
    }
}
