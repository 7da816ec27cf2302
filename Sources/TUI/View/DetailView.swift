/// One container up close: a large CPU graph with the quota line, a throttling graph, the kernel
/// files behind the numbers with their current values, and the processes inside.
enum DetailView {
    static func draw(_ state: TopState, name: String, into frame: inout Frame, glyphs: Glyphs) {
        guard let c = state.container(named: name) else {
            frame.put(" \(name) is gone.", x: 0, y: 2, style: Style(.dim))
            return
        }
        let w = frame.width
        let hostCores = state.snapshot.host.cores
        let live = c.state.isLive

        // Line 1: who it is.
        var facts: [String] = []
        if let pid = c.pid { facts.append("pid \(pid)") }
        facts.append("id \(String(c.id.prefix(12)))")
        if !c.image.isEmpty { facts.append("image \(c.image)") }
        if !c.rootfs.isEmpty { facts.append("rootfs \(c.rootfs)") }
        if live { facts.append("up \(Format.duration(c.uptimeSeconds ?? 0))") }
        let line1: [(String, Role)] = [(" " + c.name, .bold), ("  " + TableView.stateText(c) + (c.exitReason.map { ", " + $0 } ?? ""), TableView.stateRole(c.state)),
                                       ("  " + facts.joined(separator: "  "), .dim), ("  " + c.command, .normal)]
        var x = 0
        for (text, role) in line1 { x += frame.put(text, x: x, y: 1, style: Style(role)) }
        // Whatever part ran out of room (a 64-character name at 80 columns), the line says so.
        if line1.reduce(0, { $0 + $1.0.unicodeScalars.count }) > w {
            frame.put(glyphs.ellipsis, x: w - glyphs.ellipsis.unicodeScalars.count, y: 1)
        }

        // Line 2: the numbers and the slider (clickable here too).
        x = frame.put(" CPU ", x: 0, y: 2, style: Style(.bold))
        let cap = min(c.quotaCores ?? Double(hostCores), Double(hostCores))
        let measured = c.showsRates
        x += frame.put(measured ? Format.percent(c.cpuPercent) + "%" : "-", x: x, y: 2,
                       style: Style(measured ? Gauges.useRole(c.cpuPercent / 100 / max(cap, 0.01)) : .dim))
        x += frame.put("  ", x: x, y: 2)
        let sliderWidth = min(42, max(14, w / 4))
        TableView.drawSlider(c, hostCores: hostCores, x: x, y: 2, width: sliderWidth, into: &frame, glyphs: glyphs)
        x += sliderWidth
        x += frame.put("  quota ", x: x, y: 2, style: Style(.dim))
        x += frame.put(Format.quota(c.quotaCores, ascii: glyphs.ascii) + (c.quotaCores == nil ? "" : " cores"),
                       x: x, y: 2, style: Style(.quotaMark))
        x += frame.put("  throttled ", x: x, y: 2, style: Style(.dim))
        x += frame.put(measured ? "\(Int(c.throttledPercent.rounded()))%" : "-", x: x, y: 2,
                       style: Style(measured && c.throttledPercent >= 0.5 ? .throttled : .dim))
        // Sampled only while it runs: once exited the kernel file below has the total.
        if live { frame.put(", \(Format.throttledTime(c.throttledTimeNs)) in all", x: x, y: 2, style: Style(.dim)) }

        // The graphs and the panes share the rows between line 3 and the status line.
        let free = frame.height - 5
        let shown = state.detail?.name == name ? state.detail : nil
        let paneHeight = Self.paneHeight(shown, width: w, height: frame.height)
        let graphRows = free - paneHeight - 2
        let thrHeight = max(2, graphRows / 4)
        let cpuHeight = graphRows - thrHeight
        let paneTop = frame.height - 2 - paneHeight

        let history = state.history[c.id] ?? History()
        let axis = 7
        let graphWidth = max(1, w - axis - 1)
        let cpuCores = history.resample(buckets: graphWidth, now: state.now) { $0.cpuPercent / 100 }
        let top = graphTop(quota: c.quotaCores, peak: cpuCores.compactMap { $0 }.max() ?? 0, hostCores: hostCores,
                           height: cpuHeight)
        let cpuValues = cpuCores.map { $0.map { $0 / top } }
        let quotaLine = c.quotaCores.flatMap { $0 < top ? $0 / top : nil }
        // The row the line is drawn in (see Gauges.graph), labelled with the quota on the axis.
        let quotaRow = quotaLine.map { cpuHeight - 1 - min(cpuHeight - 1, Int(($0 * Double(cpuHeight) + 1e-9).rounded(.down))) }

        x = frame.put(" CPU (cores), last 60 s", x: 0, y: 3, style: Style(.bold))
        if let q = c.quotaCores {
            x += frame.put("   \(String(repeating: Character(glyphs.hLine), count: 2)) quota \(Format.cores(q))",
                           x: x, y: 3, style: Style(.quotaMark))
        }
        if measured { frame.put("   now \(Format.cores(c.cpuPercent / 100))", x: x, y: 3, style: Style(.dim)) }
        axisLabels(top: Format.cores(top), mid: quotaRow == nil ? Format.cores(top / 2) : nil, y: 4,
                   height: cpuHeight, width: axis, into: &frame, glyphs: glyphs)
        if let quotaRow, let q = c.quotaCores, quotaRow > 0, quotaRow < cpuHeight - 1 {
            frame.put(Format.right(Format.cores(q), axis - 2), x: 0, y: 4 + quotaRow, style: Style(.quotaMark))
            frame.put(glyphs.axisTick, x: axis - 1, y: 4 + quotaRow, style: Style(.border))
        }
        // Columns coloured like the table's CPU%: by how much of its cap the container used.
        let capShare = cap / top
        Gauges.graph(into: &frame, x: axis, y: 4, width: graphWidth, height: cpuHeight, values: cpuValues,
                     line: quotaLine, glyphs: glyphs, role: .graphCPU, lineRole: .quotaMark,
                     columnRole: { Gauges.useRole($0 / max(capShare, 1e-9)) })

        let thrTop = 4 + cpuHeight
        x = frame.put(" Throttled, % of periods", x: 0, y: thrTop, style: Style(.bold))
        if measured { frame.put("   now \(Int(c.throttledPercent.rounded()))%", x: x, y: thrTop, style: Style(.dim)) }
        let thrValues = history.resample(buckets: graphWidth, now: state.now) { $0.throttledPercent }
            .map { $0.map { $0 / 100 } }
        axisLabels(top: "100%", mid: nil, y: thrTop + 1, height: thrHeight, width: axis, into: &frame, glyphs: glyphs)
        Gauges.graph(into: &frame, x: axis, y: thrTop + 1, width: graphWidth, height: thrHeight, values: thrValues,
                     line: nil, glyphs: glyphs, role: .graphThrottle, lineRole: .quotaMark)

        let filesWidth = w * 3 / 5
        drawFiles(shown, from: state.scroll, x: 0, y: paneTop, width: filesWidth - 1, height: paneHeight,
                  into: &frame, glyphs: glyphs)
        drawProcesses(shown, x: filesWidth, y: paneTop, width: w - filesWidth, height: paneHeight,
                      into: &frame, glyphs: glyphs)
    }

    /// The CPU graph's top in cores, for a graph `height` rows tall. With a quota below the
    /// machine's cores, the scale puts the quota exactly on a row boundary, so columns pinned at
    /// the quota end right under the line, with room above for the line and the minute's peak.
    /// Otherwise the smallest of 0.25, 0.5, 1, 2, 4, ... cores above the peak, at most the machine.
    static func graphTop(quota: Double?, peak: Double, hostCores: Int, height: Int) -> Double {
        let cores = Double(hostCores)
        if let quota, quota > 0, quota < cores, height >= 3 {
            let need = max(quota * 1.25, peak * 1.05)
            // At most height-2 rows under the quota, so its line is drawn below the top row,
            // where its label goes (the top row's label is the scale's top).
            let rows = max(1, min(height - 2, Int(Double(height) * quota / need)))
            return quota * Double(height) / Double(rows)
        }
        let need = max(peak, quota ?? 0) * 1.1
        var top = 0.25
        while top < need && top < cores { top *= 2 }
        return min(top, cores)
    }

    private static func axisLabels(top: String, mid: String?, y: Int, height: Int, width: Int,
                                   into frame: inout Frame, glyphs: Glyphs) {
        for row in 0..<height {
            frame.put(glyphs.vLine, x: width - 1, y: y + row, style: Style(.border))
        }
        frame.put(Format.right(top, width - 2), x: 0, y: y, style: Style(.dim))
        frame.put(glyphs.axisTick, x: width - 1, y: y, style: Style(.border))
        if let mid, height >= 5 {
            let midRow = y + height / 2
            frame.put(Format.right(mid, width - 2), x: 0, y: midRow, style: Style(.dim))
            frame.put(glyphs.axisTick, x: width - 1, y: midRow, style: Style(.border))
        }
        frame.put(Format.right("0", width - 2), x: 0, y: y + height - 1, style: Style(.dim))
        frame.put(glyphs.axisTick, x: width - 1, y: y + height - 1, style: Style(.border))
    }

    /// One pane line: a path (empty on continuation lines) and a piece of its value.
    struct FileLine: Equatable {
        var path: String
        var value: String
    }

    /// How the files are named in the pane: by file name when those are unique, with their
    /// directories folded into the title ("/sys/fs/cgroup/{cpu,cpuacct}/corral/web/"); else by
    /// path relative to the directory they share.
    static func fileLabels(_ files: [KernelFileValue]) -> (title: String, labels: [String]) {
        let dirs = files.map { Chrome.directory(of: $0.path) }
        let names = files.map { String($0.path.dropFirst(Chrome.directory(of: $0.path).count)) }
        var uniqueDirs: [String] = []
        for d in dirs where !uniqueDirs.contains(d) { uniqueDirs.append(d) }
        if Set(names).count == names.count, let folded = foldDirectories(uniqueDirs) {
            return (folded, names)
        }
        guard var prefix = dirs.first else { return ("", []) }
        for file in files.dropFirst() {
            while !prefix.isEmpty && !file.path.hasPrefix(prefix) {
                prefix.removeLast()
                prefix = Chrome.directory(of: prefix)
            }
        }
        return (prefix, files.map { String($0.path.dropFirst(prefix.count)) })
    }

    /// One directory, or several that differ in a single path segment written as {a,b,c}.
    static func foldDirectories(_ dirs: [String]) -> String? {
        guard let first = dirs.first else { return "" }
        if dirs.count == 1 { return first }
        let split = dirs.map { $0.split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        guard split.allSatisfy({ $0.count == split[0].count }) else { return nil }
        let differing = (0..<split[0].count).filter { i in split.contains { $0[i] != split[0][i] } }
        guard differing.count == 1, let i = differing.first else { return nil }
        var parts = split[0]
        var choices: [String] = []
        for s in split where !choices.contains(s[i]) { choices.append(s[i]) }
        parts[i] = "{" + choices.joined(separator: ",") + "}"
        return parts.joined(separator: "/")
    }

    /// The files' lines in a pane `width` wide: paths relative to the shared directory, long
    /// values (cpu.stat) wrapped at their two-space separators onto following lines.
    static func fileLines(_ detail: ContainerDetail, width: Int) -> [FileLine] {
        let paths = fileLabels(detail.kernelFiles).labels
        let pathWidth = min(paths.map { $0.unicodeScalars.count }.max() ?? 0, max(8, width / 2))
        let valueWidth = max(8, width - pathWidth - 3)
        var lines: [FileLine] = []
        for (path, file) in zip(paths, detail.kernelFiles) {
            var first = true
            var current = ""
            // Multi-line files (cpu.stat) come with newlines or two-space separators.
            let parts = file.value.split(separator: "\n").flatMap { $0.split(separator: "  ") }
                .map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            for part in parts {
                let joined = current.isEmpty ? part : current + "  " + part
                if joined.unicodeScalars.count <= valueWidth || current.isEmpty {
                    current = joined
                } else {
                    lines.append(FileLine(path: first ? path : "", value: current))
                    first = false
                    current = part
                }
            }
            lines.append(FileLine(path: first ? path : "", value: current))
        }
        return lines
    }

    /// The files from line `from` on (Ctrl-F / Ctrl-B scroll them: a small terminal can't show
    /// them all, and the keys of the other views move the quota or the selection here).
    private static func drawFiles(_ detail: ContainerDetail?, from: Int, x: Int, y: Int, width: Int, height: Int,
                                  into frame: inout Frame, glyphs: Glyphs) {
        frame.fill(x: x, y: y, width: width, style: Style(.columnTitle))
        guard let detail else {
            frame.put(" KERNEL FILES", x: x, y: y, style: Style(.columnTitle), limit: width)
            frame.put(" reading" + glyphs.ellipsis, x: x, y: y + 1, style: Style(.dim), limit: width)
            return
        }
        let dir = fileLabels(detail.kernelFiles).title
        // Cut from the left: the end of the directory names the container.
        let label = " KERNEL FILES" + (dir.isEmpty ? "" : " in ")
        frame.put(label + leftFit(dir, width - label.unicodeScalars.count, glyphs), x: x, y: y,
                  style: Style(.columnTitle), limit: width)
        let all = fileLines(detail, width: width)
        let pathWidth = min(all.map { $0.path.unicodeScalars.count }.max() ?? 0, max(8, width / 2))
        let rows = height - 1
        let first = min(max(0, from), filesScrollLimit(lines: all.count, rows: rows))
        // Lines hidden above are counted on the first row, lines hidden below on the last.
        var row = y + 1
        if first > 0 {
            frame.put(" \(first) more line\(first == 1 ? "" : "s") above (Ctrl-B)", x: x, y: row, style: Style(.dim), limit: width)
            row += 1
        }
        let room = y + 1 + rows - row
        let fits = all.count - first <= room
        for line in all[first...].prefix(fits ? room : room - 1) {
            frame.put(" " + leftFit(line.path, pathWidth, glyphs), x: x, y: row, style: Style(.kernel), limit: pathWidth + 1)
            frame.put(glyphs.fit(line.value, width - pathWidth - 3), x: x + pathWidth + 3, y: row,
                      style: Style(.bold), limit: max(0, width - pathWidth - 3))
            row += 1
        }
        if !fits {
            frame.put(" +\(all.count - first - (room - 1)) more lines (Ctrl-F)", x: x, y: row, style: Style(.dim), limit: width)
        }
    }

    /// How many lines the files pane can hide above: the last screen shows the "above" row and
    /// then the last `rows - 1` lines.
    static func filesScrollLimit(lines: Int, rows: Int) -> Int {
        lines <= rows ? 0 : lines - (rows - 1)
    }

    /// The files pane's scroll limit in the detail view as drawn at `size` (the app clamps
    /// `scroll` to it, so Ctrl-B never has presses to undo past the end).
    public static func filesScrollLimit(_ state: TopState, size: TermSize) -> Int {
        guard case let .detail(name) = state.screen, let shown = state.detail, shown.name == name else { return 0 }
        let rows = paneHeight(shown, width: size.cols, height: size.rows) - 1
        return filesScrollLimit(lines: fileLines(shown, width: size.cols * 3 / 5 - 1).count, rows: rows)
    }

    /// Rows of the panes below the graphs: what their contents need, as long as the graphs keep
    /// 7 rows (5 CPU, 2 throttling).
    static func paneHeight(_ shown: ContainerDetail?, width w: Int, height: Int) -> Int {
        let free = height - 5
        let paneNeed = 1 + max(6, shown.map { max(fileLines($0, width: w * 3 / 5 - 1).count, $0.processes.count) } ?? 0)
        return min(paneNeed, max(6, free - 9))
    }

    private static func drawProcesses(_ detail: ContainerDetail?, x: Int, y: Int, width: Int, height: Int,
                                      into frame: inout Frame, glyphs: Glyphs) {
        frame.fill(x: x, y: y, width: width, style: Style(.columnTitle))
        let count = detail.map { " (\($0.processes.count))" } ?? ""
        frame.put(" PROCESSES" + count, x: x, y: y, style: Style(.columnTitle), limit: width)
        guard let detail else { return }
        let rows = height - 1
        for (i, p) in detail.processes.prefix(rows).enumerated() {
            let row = y + 1 + i
            if i == rows - 1 && detail.processes.count > rows {
                frame.put(" +\(detail.processes.count - i) more", x: x, y: row, style: Style(.dim), limit: width)
                break
            }
            let pid = Format.right(String(p.pid), 7)
            frame.put(pid, x: x, y: row, style: Style(.dim), limit: width)
            frame.put(glyphs.fit(p.command, width - 9), x: x + 8, y: row, limit: max(0, width - 8))
        }
    }

    /// `text` cut from the left so its end (the file name) stays visible.
    static func leftFit(_ text: String, _ width: Int, _ glyphs: Glyphs) -> String {
        let scalars = Array(text.unicodeScalars)
        guard width > 0 else { return "" }
        if scalars.count <= width { return text }
        let marker = glyphs.ellipsis.unicodeScalars.count
        return glyphs.ellipsis + String(String.UnicodeScalarView(scalars.suffix(max(0, width - marker))))
    }

    static func hints(_ glyphs: Glyphs) -> [(String, String)] {
        [(glyphs.leftRight, "quota"), ("H/L", glyphs.ascii ? "+-0.5" : "±0.5"), ("0", "unlimited"), ("=", "set"),
         (glyphs.upDown, "next container"), ("s", "stop/start"), ("p", "pause"), ("K", "kill"), ("d", "remove"),
         ("o", "logs"), ("e", "shell"), ("Esc", "back"), ("?", "help")]
    }
}
