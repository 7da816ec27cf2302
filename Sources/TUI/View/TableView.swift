/// The main table: column titles, one row per container, and the clickable regions.
enum TableView {
    /// Rows between the chrome: the title bar, the host line and the column titles above; the
    /// status line and the key hints below.
    static func visibleRows(_ size: TermSize) -> Int { max(1, size.rows - 5) }
    static let titleRow = 2
    static let firstRow = 3

    static func draw(_ state: TopState, layout: ColumnLayout, into frame: inout Frame, glyphs: Glyphs) {
        drawTitles(state, layout: layout, into: &frame, glyphs: glyphs)

        let rows = state.rows
        let visible = visibleRows(TermSize(cols: frame.width, rows: frame.height))
        if rows.isEmpty {
            let message = state.snapshot.containers.isEmpty
                ? "No containers. Press n to create one, or start one from another terminal."
                : "No container matches \"\(state.filter)\". Esc clears the filter."
            let y = firstRow + visible / 2 - 1
            frame.put(glyphs.fit(message, frame.width - 2),
                      x: max(1, (frame.width - message.unicodeScalars.count) / 2), y: y, style: Style(.dim))
            return
        }
        let start = min(state.tableScroll, max(0, rows.count - 1))
        for (offset, container) in rows[start...].prefix(visible).enumerated() {
            let y = firstRow + offset
            drawRow(container, state: state, y: y, layout: layout, into: &frame, glyphs: glyphs,
                    selected: container.name == state.selectedName)
        }
    }

    private static func drawTitles(_ state: TopState, layout: ColumnLayout, into frame: inout Frame,
                                   glyphs: Glyphs) {
        let y = titleRow
        frame.fill(x: 0, y: y, width: frame.width, style: Style(.columnTitle))
        let arrow = sortArrow(state, glyphs)
        for p in layout.columns {
            let sorted = p.column.sortColumn == state.sortColumn && p.column != .spark && p.column != .slider
            let style = Style(sorted ? .columnTitleSorted : .columnTitle)
            var title = p.column.title
            if p.column == .slider {
                // The slider's scale: 0 on the left, the machine's cores on the right.
                let cores = String(state.snapshot.host.cores)
                let inner = p.width - 2 - cores.count
                let label = inner >= 11 ? " use\(Character(glyphs.quotaMark))quota " : " quota "
                let pad = max(0, inner - label.count)
                title = "0" + String(repeating: " ", count: pad / 2) + label
                    + String(repeating: " ", count: pad - pad / 2) + cores
                title = String(String.UnicodeScalarView(title.unicodeScalars.prefix(p.width)))
            } else if sorted {
                title = p.column.rightAligned ? arrow + title : title + arrow
            }
            // A right-aligned title as wide as its column (QUOTA, THR%, ...) has its sort arrow
            // in the blank separator to its left rather than lose it.
            let borrow = sorted && p.column.rightAligned && p.x > 0 && title.unicodeScalars.count > p.width ? 1 : 0
            let text = p.column.rightAligned ? Format.right(title, p.width + borrow) : glyphs.fit(title, p.width)
            frame.put(text, x: p.x - borrow, y: y, style: style, limit: p.width + borrow)
            frame.hits.append(HitRegion(x: p.x, y: y, width: p.width, target: .sortHeader(p.column.sortColumn)))
        }
    }

    private static func drawRow(_ c: ContainerSample, state: TopState, y: Int, layout: ColumnLayout,
                                into frame: inout Frame, glyphs: Glyphs, selected: Bool) {
        let hostCores = state.snapshot.host.cores
        let live = c.state.isLive
        let measured = c.showsRates
        let cap = min(c.quotaCores ?? Double(hostCores), Double(hostCores))
        let loadRole = Gauges.useRole(c.cpuPercent / 100 / max(cap, 0.01))
        frame.hits.append(HitRegion(x: 0, y: y, width: frame.width, target: .row(c.name)))

        for p in layout.columns {
            func cell(_ text: String, _ role: Role) {
                let t = p.column.rightAligned ? Format.right(text, p.width) : glyphs.fit(text, p.width)
                frame.put(t, x: p.x, y: y, style: Style(role), limit: p.width)
            }
            switch p.column {
            case .name:
                cell(c.name, .bold)
            case .state:
                cell(stateText(c), stateRole(c.state))
            case .pid:
                cell(c.pid.map(String.init) ?? "-", .dim)
            case .cpu:
                cell(measured ? Format.percent(c.cpuPercent) : "-", measured ? loadRole : .dim)
            case .slider:
                drawSlider(c, hostCores: hostCores, x: p.x, y: y, width: p.width, into: &frame, glyphs: glyphs)
            case .quota:
                cell(Format.quota(c.quotaCores, ascii: glyphs.ascii), c.quotaCores == nil ? .dim : .quotaMark)
            case .thr:
                let thr = c.throttledPercent
                cell(measured ? "\(Int(thr.rounded()))%" : "-",
                     !measured || thr < 0.5 ? .dim : thr >= 50 ? .useHigh : .throttled)
            case .throttledTime:
                cell(live ? Format.throttledTime(c.throttledTimeNs) : "-",
                     !live || c.throttledTimeNs == 0 ? .dim : .throttled)
            case .uptime:
                cell(live ? Format.duration(c.uptimeSeconds ?? 0) : "-", .dim)
            case .command:
                cell(c.command, .dim)
            case .spark:
                drawSparkline(c, state: state, x: p.x, y: y, width: p.width, into: &frame, glyphs: glyphs)
            }
        }
        if selected { frame.restyle(x: 0, y: y, width: frame.width) { $0.highlight = true } }
    }

    static func drawSlider(_ c: ContainerSample, hostCores: Int, x: Int, y: Int, width: Int,
                           into frame: inout Frame, glyphs: Glyphs) {
        guard width >= 3 else { return }
        let inner = Gauges.slider(cells: width - 2, hostCores: hostCores, quota: c.quotaCores,
                                  cpuPercent: c.state == .running && c.ratesKnown ? c.cpuPercent : 0, glyphs: glyphs)
        frame.put(glyphs.sliderLeft, x: x, y: y, style: Style(.border))
        for (i, (scalar, role)) in inner.enumerated() {
            frame.put(scalar, x: x + 1 + i, y: y, style: Style(role))
        }
        frame.put(glyphs.sliderRight, x: x + width - 1, y: y, style: Style(.border))
        frame.hits.append(HitRegion(x: x, y: y, width: width, target: .slider(name: c.name, hostCores: hostCores)))
    }

    private static func drawSparkline(_ c: ContainerSample, state: TopState, x: Int, y: Int, width: Int,
                                      into frame: inout Frame, glyphs: Glyphs) {
        guard let history = state.history[c.id] else { return }
        // Scaled to what the container may use, so a container pinned at its quota shows full bars.
        let cap = min(c.quotaCores ?? Double(state.snapshot.host.cores), Double(state.snapshot.host.cores))
        let fractions = history.resample(buckets: width, now: state.now) { $0.cpuPercent }
            .map { $0.map { $0 / 100 / max(cap, 0.01) } }
        let chars = Gauges.sparkline(fractions, glyphs: glyphs)
        for (i, scalar) in chars.enumerated() {
            let role = fractions[i].map { Gauges.useRole($0) } ?? .dim
            frame.put(scalar, x: x + i, y: y, style: Style(role))
        }
    }

    /// ▼ when the table reads largest (or last) first.
    static func sortArrow(_ state: TopState, _ glyphs: Glyphs) -> String {
        state.sortColumn.descendingByDefault != state.sortReversed
            ? (glyphs.ascii ? "v" : "▼") : (glyphs.ascii ? "^" : "▲")
    }

    static func stateText(_ c: ContainerSample) -> String {
        if c.state == .exited, let code = c.exitCode { return "exit \(code)" }
        return c.state.rawValue
    }

    static func stateRole(_ state: ContainerState) -> Role {
        switch state {
        case .running: return .running
        case .paused: return .paused
        case .exited: return .exited
        case .created: return .created
        }
    }
}
