/// A text field in a fixed number of cells: the cursor always in sight, `…` where the text runs
/// on past either edge, the character under a cursor inside the text in the cursor's colours
/// and a block after the text when the cursor is at its end.
enum FieldView {
    /// The first character shown of `count`, for a window of `width` cells that keeps one cell
    /// for a cursor at the end. The view moves in steps of half a window, and only when the
    /// cursor would reach a cell taken by a "…" marker: arrowing along the text does not scroll
    /// it at every key, and the character just typed (before the cursor) is never under the
    /// left marker. Near the end it shows the end.
    static func firstShown(count: Int, cursor: Int, width: Int) -> Int {
        let window = max(1, width - 1)
        guard count > window, cursor > window - 2 else { return 0 }
        let step = max(1, (window - 3) / 2)
        return max(0, min(((max(cursor, 2) - 2) / step) * step, count - window))
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
            frame.put(cells[at], x: x + at, y: y, style: Style(.inputCursor))
            return cells.count
        }
        frame.put(String(Character(glyphs.cursor)), x: x + at, y: y, style: Style(.input))
        return cells.count + 1
    }
}
