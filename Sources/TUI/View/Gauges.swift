/// The small drawings: sparklines, quota sliders, usage bars and the detail view's graphs.
enum Gauges {
    /// One character per value, each value a fraction of the scale (0...1; nil = no data yet → blank).
    static func sparkline(_ fractions: [Double?], glyphs: Glyphs) -> [Unicode.Scalar] {
        let levels = glyphs.levels
        return fractions.map { f in
            guard let f else { return " " }
            let clamped = min(max(f, 0), 1)
            return levels[min(levels.count - 1, Int(clamped * Double(levels.count)))]
        }
    }

    /// The role for a use that is `fraction` of what the container may use.
    static func useRole(_ fraction: Double) -> Role {
        fraction >= 0.9 ? .useHigh : fraction >= 0.5 ? .useMid : .useLow
    }

    /// The same, for a bar drawn on a slider's track.
    static func sliderRole(_ fraction: Double) -> Role {
        fraction >= 0.9 ? .sliderHigh : fraction >= 0.5 ? .sliderMid : .sliderLow
    }

    /// A horizontal bar `cells` wide filled to `fraction`, with eighth-cell precision in UTF-8.
    static func bar(fraction: Double, cells: Int, glyphs: Glyphs) -> [Unicode.Scalar] {
        let filled = min(max(fraction, 0), 1) * Double(cells)
        var out = [Unicode.Scalar](repeating: " ", count: cells)
        let whole = Int(filled)
        for i in 0..<min(whole, cells) { out[i] = glyphs.full }
        let eighths = Int((filled - Double(whole)) * 8)
        if whole < cells && eighths > 0 { out[whole] = glyphs.horizontalEighths[eighths - 1] }
        return out
    }

    /// The quota slider's inner cells (brackets not included): the current use filled from the
    /// left, the quota mark, and the part above the quota shaded as forbidden. The slider spans
    /// 0...hostCores, so every row shares one scale.
    static func slider(cells: Int, hostCores: Int, quota: Double?, cpuPercent: Double,
                       glyphs: Glyphs) -> [(Unicode.Scalar, Role)] {
        guard cells > 0 else { return [] }
        let cap = quota.map { min($0, Double(hostCores)) } ?? Double(hostCores)
        let useRole = sliderRole(cpuPercent / 100 / max(cap, 0.01))
        let used = QuotaMath.useCells(cpuPercent: cpuPercent, cells: cells, hostCores: hostCores)
        let fill = bar(fraction: used / Double(cells), cells: cells, glyphs: glyphs)
        let mark = QuotaMath.markCell(cores: quota, cells: cells, hostCores: hostCores)
        var out: [(Unicode.Scalar, Role)] = []
        out.reserveCapacity(cells)
        for i in 0..<cells {
            if i == mark {
                out.append((glyphs.quotaMark, .quotaMark))
            } else if fill[i] != " " {
                out.append((fill[i], useRole))
            } else if let mark, i > mark {
                out.append((glyphs.forbidden, .forbidden))
            } else {
                out.append((" ", .sliderTrack))
            }
        }
        return out
    }

    /// A column graph `width` × `height` at (x, y): each value a fraction of the height (nil = no
    /// data), bottom-aligned with eighth-cell precision in UTF-8; `line` (a fraction) is drawn
    /// across as a dashed rule where the columns don't cover it.
    /// `columnRole`, when given, colours each column by its value (e.g. by how close it is to the quota).
    static func graph(into frame: inout Frame, x: Int, y: Int, width: Int, height: Int,
                      values: [Double?], line: Double?, glyphs: Glyphs, role: Role, lineRole: Role,
                      columnRole: ((Double) -> Role)? = nil) {
        guard width > 0, height > 0 else { return }
        let lineRow: Int? = line.map { f in
            // The row holding the level; a level on a row boundary goes to the row above, so
            // columns that reach exactly the quota stop just under the line.
            let fromBottom = min(height - 1, max(0, Int((min(max(f, 0), 1) * Double(height) + 1e-9).rounded(.down))))
            return height - 1 - fromBottom
        }
        for (i, value) in values.prefix(width).enumerated() {
            let eighths = value.map { Int((min(max($0, 0), 1) * Double(height * 8)).rounded()) } ?? 0
            let role = value.flatMap { v in columnRole.map { $0(v) } } ?? role
            for row in 0..<height {
                let fromBottom = height - 1 - row
                let inCell = eighths - fromBottom * 8
                let col = x + i
                if inCell >= 8 {
                    frame.put(glyphs.full, x: col, y: y + row, style: Style(role))
                } else if inCell > 0 {
                    frame.put(glyphs.verticalEighths[inCell - 1], x: col, y: y + row, style: Style(role))
                } else if row == lineRow {
                    frame.put(glyphs.hLine, x: col, y: y + row, style: Style(lineRole))
                }
            }
        }
        if let lineRow, values.count < width {
            for col in (x + values.count)..<(x + width) {
                frame.put(glyphs.hLine, x: col, y: y + lineRow, style: Style(lineRole))
            }
        }
    }
}
