/// The columns the table can be sorted by, in the order `<`/`>`/F6 cycle through them.
public enum SortColumn: String, CaseIterable, Equatable, Sendable {
    case name, state, pid, cpu, quota, throttled, throttledTime, uptime, command

    /// Numbers read best largest first; text alphabetically.
    var descendingByDefault: Bool {
        switch self {
        case .name, .state, .command: return false
        case .pid, .cpu, .quota, .throttled, .throttledTime, .uptime: return true
        }
    }

    public var label: String {
        switch self {
        case .name: return "name"
        case .state: return "state"
        case .pid: return "pid"
        case .cpu: return "cpu%"
        case .quota: return "quota"
        case .throttled: return "thr%"
        case .throttledTime: return "throttled"
        case .uptime: return "uptime"
        case .command: return "command"
        }
    }

    func next(_ offset: Int) -> SortColumn {
        let all = SortColumn.allCases
        let i = all.firstIndex(of: self)!
        return all[((i + offset) % all.count + all.count) % all.count]
    }

    /// Whether the row shows a value in this column (the table draws "-" otherwise): rows
    /// without one go last in either direction, as in htop, not among the zeros.
    func hasValue(_ c: ContainerSample) -> Bool {
        switch self {
        case .cpu, .throttled: return c.showsRates
        case .pid, .throttledTime, .uptime: return c.state.isLive
        case .name, .state, .quota, .command: return true
        }
    }

    /// true when `a` belongs before `b` in this column's natural direction (ties are left to the caller).
    func ordered(_ a: ContainerSample, _ b: ContainerSample) -> Bool? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Bool? { x == y ? nil : (x < y) }
        switch self {
        case .name: return cmp(a.name, b.name)
        case .state: return cmp(a.state.sortRank, b.state.sortRank)
        case .pid: return cmp(a.pid ?? -1, b.pid ?? -1)
        case .cpu: return cmp(a.cpuPercent, b.cpuPercent)
        // unlimited is the largest quota
        case .quota: return cmp(a.quotaCores ?? .infinity, b.quotaCores ?? .infinity)
        case .throttled: return cmp(a.throttledPercent, b.throttledPercent)
        case .throttledTime: return cmp(a.throttledTimeNs, b.throttledTimeNs)
        case .uptime: return cmp(a.uptimeSeconds ?? -1, b.uptimeSeconds ?? -1)
        case .command: return cmp(a.command, b.command)
        }
    }
}

extension ContainerState {
    var sortRank: Int {
        switch self {
        case .running: return 0
        case .paused: return 1
        case .created: return 2
        case .exited: return 3
        }
    }
}

/// Sorting and filtering of the table's rows: pure, so the reducer and the view agree on the order.
enum RowOrder {
    /// The containers matching `filter` (case-insensitive substring of name, image, command or
    /// state, or the start of the id; not the rootfs path, which the table doesn't show and
    /// which all containers run on one directory share), sorted by `column` (reversed when
    /// `reversed`), ties broken by name so rows never swap places between refreshes.
    static func rows(_ containers: [ContainerSample], filter: String, column: SortColumn,
                     reversed: Bool) -> [ContainerSample] {
        let needle = filter.trimmingSpaces().lowercased()
        let kept = needle.isEmpty ? containers : containers.filter { c in
            c.name.lowercased().contains(needle) || c.image.lowercased().contains(needle)
                || c.command.lowercased().contains(needle) || c.state.rawValue.contains(needle)
                || c.id.hasPrefix(needle)
        }
        let descending = column.descendingByDefault != reversed
        return kept.sorted { a, b in
            let (aHas, bHas) = (column.hasValue(a), column.hasValue(b))
            if aHas != bHas { return aHas }
            if let before = column.ordered(a, b) { return descending ? !before : before }
            if a.name != b.name { return a.name < b.name }
            return a.id < b.id
        }
    }
}
