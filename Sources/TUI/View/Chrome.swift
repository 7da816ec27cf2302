/// The parts around every view: the title bar, the host line, the status line and the key hints.
enum Chrome {
    /// `tableLayout`: the table's columns at this width (the table view's title bar says when
    /// the sort column is not among them).
    static func titleBar(_ state: TopState, subtitle: String?, tableLayout: ColumnLayout? = nil, into frame: inout Frame,
                         glyphs: Glyphs) {
        frame.fill(x: 0, y: 0, width: frame.width, style: Style(.bar))
        var x = frame.put(" " + state.title, x: 0, y: 0, style: Style(.barKey))
        let right = "cgroup \(state.snapshot.host.cgroupMode) \(glyphs.dot) refresh \(Format.seconds(state.refreshInterval)) "
        if let subtitle {
            let text = " " + (glyphs.ascii ? ">" : "›") + " " + subtitle
            // A long container name takes what the right side leaves (at least half the bar), cut visibly.
            let room = max(frame.width / 2, frame.width - x - right.unicodeScalars.count - 2)
            x += frame.put(glyphs.fit(text, room), x: x, y: 0, style: Style(.bar))
        } else {
            // The table's filter and scroll position.
            if !state.filter.isEmpty {
                x += frame.put(glyphs.fit("  filter \"\(state.filter)\"", frame.width / 3), x: x, y: 0, style: Style(.barKey))
            }
            // Sorted by a column this width leaves out (COMMAND below 100 columns): say so.
            if let tableLayout, !tableLayout.columns.contains(where: { $0.column.sortColumn == state.sortColumn }) {
                x += frame.put("  sorted by \(state.sortColumn.label)\(TableView.sortArrow(state, glyphs))",
                               x: x, y: 0, style: Style(.barKey))
            }
            let rowCount = state.rows.count
            let visible = TableView.visibleRows(TermSize(cols: frame.width, rows: frame.height))
            if rowCount > visible {
                let last = min(rowCount, state.tableScroll + visible)
                x += frame.put("  rows \(state.tableScroll + 1)-\(last) of \(rowCount)", x: x, y: 0, style: Style(.bar))
            }
        }
        let rx = frame.width - right.unicodeScalars.count
        if rx > x + 1 { frame.put(right, x: rx, y: 0, style: Style(.bar)) }
    }

    /// Host CPU as a bar plus numbers, the containers counted by state, the filter and scroll position.
    static func hostLine(_ state: TopState, into frame: inout Frame, glyphs: Glyphs) {
        let y = 1
        let host = state.snapshot.host
        var x = frame.put(" CPU ", x: 0, y: y, style: Style(.bold))
        let busy = host.cpuPercent / 100
        let fraction = busy / Double(host.cores)
        frame.put(glyphs.sliderLeft, x: x, y: y, style: Style(.border))
        x += 1
        for (i, scalar) in Gauges.bar(fraction: fraction, cells: 10, glyphs: glyphs).enumerated() {
            frame.put(scalar, x: x + i, y: y, style: Style(scalar == " " ? .sliderTrack : Gauges.sliderRole(fraction)))
        }
        x += 10
        frame.put(glyphs.sliderRight, x: x, y: y, style: Style(.border))
        x += 1
        x += frame.put(" \(host.cpuKnown ? Format.cores(busy) : "-")/\(host.cores) cores ", x: x, y: y)

        let counts = Dictionary(grouping: state.snapshot.containers, by: \.state).mapValues(\.count)
        let total = " \(glyphs.dot) \(Format.count(state.snapshot.containers.count, "container")):"
        let states: [ContainerState] = [.running, .paused, .exited, .created]
        let byState = states.map { " \(counts[$0] ?? 0) \($0.rawValue)" }
        // The total only when there's room for it and every state.
        if x + total.count + byState.map(\.count).reduce(0, +) <= frame.width {
            x += frame.put(total, x: x, y: y, style: Style(.dim))
        } else {
            x += frame.put(" ", x: x, y: y)
        }
        for (s, text) in zip(states, byState) {
            x += frame.put(text, x: x, y: y, style: Style((counts[s] ?? 0) == 0 ? .dim : TableView.stateRole(s)))
        }

    }

    /// The second-last row: a prompt when one is open, else the last command's outcome.
    static func statusLine(_ state: TopState, into frame: inout Frame, glyphs: Glyphs) {
        let y = frame.height - 2
        frame.fill(x: 0, y: y, width: frame.width)
        switch state.overlay {
        case let .filter(field):
            prompt("Filter: ", field, hint: "  Enter keep, Esc clear", y: y, into: &frame, glyphs: glyphs)
            return
        case let .quota(name, field):
            let now = Format.quota(state.container(named: name)?.quotaCores, ascii: glyphs.ascii)
            let rest = " (now \(now); cores, or 50%, 0 = unlimited): "
            // A long name gives way first: what is typed must stay in sight.
            let shown = glyphs.fit(name, max(8, frame.width - 1 - "Quota for ".count - rest.count - promptInputRoom))
            prompt("Quota for \(shown)\(rest)", field,
                   hint: "  Enter set, Esc cancel", y: y, into: &frame, glyphs: glyphs)
            return
        case let .confirmRemove(name):
            let running = state.container(named: name)?.state.isLive ?? false
            let warning = running ? " It is running and will be killed." : ""
            // A long name gives way first: the keys to answer with must stay in sight.
            let shown = glyphs.fit(name, max(8, frame.width - " Remove ?".count - warning.count - "  y remove  n keep".count))
            var x = frame.put(" Remove \(shown)?", x: 0, y: y, style: Style(.error))
            x += frame.put(warning, x: x, y: y, style: Style(.error))
            x += frame.put("  y", x: x, y: y, style: Style(.key))
            x += frame.put(" remove  ", x: x, y: y)
            x += frame.put("n", x: x, y: y, style: Style(.key))
            frame.put(" keep", x: x, y: y)
            return
        case .none, .help, .form:
            break
        }
        switch state.status {
        case .none:
            break
        case let .info(message):
            frame.put(" " + glyphs.fit(message, frame.width - 2), x: 0, y: y, style: Style(.ok))
        case let .stopping(name):
            frame.put(" " + glyphs.fit("stopping \(name)", frame.width - 2), x: 0, y: y, style: Style(.ok))
        case let .error(message):
            frame.put(" error: " + glyphs.fit(message, frame.width - 9), x: 0, y: y, style: Style(.error))
        case let .writes(name, cores, writes):
            drawWrites(name: name, cores: cores, writes: writes, y: y, into: &frame, glyphs: glyphs)
        }
    }

    /// "web → 0.30 cores: cpu.cfs_period_us ← 100000  cpu.cfs_quota_us ← 30000  in /sys/fs/cgroup/cpu/corral/web"
    /// The file names and values come first so they survive a narrow terminal; the shared
    /// directory follows.
    static func drawWrites(name: String, cores: Double?, writes: [KernelWrite], y: Int,
                           into frame: inout Frame, glyphs: Glyphs) {
        let arrowRight = glyphs.ascii ? "->" : "→"
        var x = frame.put(" \(name) \(arrowRight) ", x: 0, y: y, style: Style(.bold))
        x += frame.put(cores.map { "\(Format.cores($0)) cores" } ?? "unlimited", x: x, y: y, style: Style(.quotaMark))
        if writes.isEmpty {
            frame.put(": nothing written", x: x, y: y, style: Style(.dim))
            return
        }
        x += frame.put(":", x: x, y: y)
        let dirs = Set(writes.map { directory(of: $0.path) })
        let shared = dirs.count == 1 ? dirs.first! : nil
        let into = glyphs.ascii ? "<-" : "←"
        for w in writes {
            let file = shared != nil ? String(w.path.dropFirst(shared!.count)) : w.path
            x += frame.put("  " + file, x: x, y: y, style: Style(.kernel))
            x += frame.put(" \(into) ", x: x, y: y, style: Style(.dim))
            x += frame.put(w.value, x: x, y: y, style: Style(.bold))
        }
        if let shared, !shared.isEmpty {
            x += frame.put("  in ", x: x, y: y, style: Style(.dim))
            frame.put(shared, x: x, y: y, style: Style(.kernel))
            // The unclipped width, so a cut-off directory gets its ellipsis too.
            x += shared.unicodeScalars.count
        }
        if x >= frame.width { frame.put(glyphs.ellipsis, x: frame.width - glyphs.ellipsis.unicodeScalars.count, y: y) }
    }

    /// The directory part of `path`, with its trailing slash ("" when there is none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// "label text█  hint": the hint only while there is room, the text's end always visible.
    /// Columns a prompt keeps for what is typed (and the cursor) before a long name in its
    /// label is cut.
    static let promptInputRoom = 12

    private static func prompt(_ label: String, _ field: TextField, hint: String, y: Int, into frame: inout Frame,
                               glyphs: Glyphs) {
        var x = frame.put(" " + label, x: 0, y: y, style: Style(.bold))
        x += FieldView.draw(field, x: x, y: y, width: max(2, frame.width - x - 1), cursor: true, into: &frame, glyphs: glyphs)
        if x + hint.unicodeScalars.count <= frame.width { frame.put(hint, x: x, y: y, style: Style(.dim)) }
    }

    /// The last row: the keys that work here. The last `pinned` pairs (help, quit or back) are
    /// shown at any width that has room for them: the others give way first, as in htop, so a
    /// new user on an 80-column terminal still sees how to get help and out.
    static func hints(_ pairs: [(String, String)], pinned: Int = 2, into frame: inout Frame) {
        let y = frame.height - 1
        frame.fill(x: 0, y: y, width: frame.width, style: Style(.bar))
        func width(_ pair: (String, String)) -> Int { pair.0.unicodeScalars.count + pair.1.unicodeScalars.count + 2 }
        let kept = pairs.suffix(min(pinned, pairs.count))
        let keptWidth = kept.reduce(0) { $0 + width($1) }
        var x = 0
        func draw(_ pair: (String, String)) {
            x += frame.put(" " + pair.0, x: x, y: y, style: Style(.barKey))
            x += frame.put(" " + pair.1, x: x, y: y, style: Style(.bar))
        }
        for pair in pairs.dropLast(kept.count) {
            if x + width(pair) + keptWidth > frame.width { break }
            draw(pair)
        }
        for pair in kept where x + width(pair) <= frame.width { draw(pair) }
    }

    static func tableHints(_ glyphs: Glyphs) -> [(String, String)] {
        [(glyphs.leftRight, "quota"), ("H/L", glyphs.ascii ? "+-0.5" : "±0.5"), ("0", "unlimited"), ("=", "set"), ("Enter", "detail"),
         ("n", "new"), ("s", "stop/start"), ("p", "pause"), ("K", "kill"), ("d", "remove"), ("o", "logs"),
         ("e", "shell"), ("/", "filter"), ("<>", "sort"), ("?", "help"), ("q", "quit")]
    }
}
