/// The table's columns and how they share the terminal's width: the important ones always fit
/// at 80 columns; COMMAND and then the sparkline are dropped first when it is narrower, and
/// extra width goes to the slider, the name, the command and the sparkline in turn.
enum TableColumn: CaseIterable {
    case name, state, pid, cpu, slider, quota, thr, throttledTime, uptime, command, spark

    var minWidth: Int {
        switch self {
        case .name: return 10
        case .state: return 8
        case .pid: return 7
        case .cpu: return 6
        case .slider: return 14
        case .quota: return 5
        case .thr: return 4
        case .throttledTime: return 9
        case .uptime: return 6
        case .command: return 12
        case .spark: return 12
        }
    }

    var rightAligned: Bool {
        switch self {
        case .pid, .cpu, .quota, .thr, .throttledTime, .uptime: return true
        case .name, .state, .slider, .command, .spark: return false
        }
    }

    var title: String {
        switch self {
        case .name: return "NAME"
        case .state: return "STATE"
        case .pid: return "PID"
        case .cpu: return "CPU%"
        case .slider: return "USE/QUOTA"
        case .quota: return "QUOTA"
        case .thr: return "THR%"
        case .throttledTime: return "THROTTLED"
        case .uptime: return "UPTIME"
        case .command: return "COMMAND"
        case .spark: return "CPU, 60s"
        }
    }

    /// What clicking the title sorts by.
    var sortColumn: SortColumn {
        switch self {
        case .name: return .name
        case .state: return .state
        case .pid: return .pid
        case .cpu, .spark: return .cpu
        case .slider, .quota: return .quota
        case .thr: return .throttled
        case .throttledTime: return .throttledTime
        case .uptime: return .uptime
        case .command: return .command
        }
    }

    /// Which columns are kept first when space runs out.
    static let priority: [TableColumn] = [.name, .cpu, .slider, .quota, .state, .thr, .pid,
                                          .throttledTime, .uptime, .command, .spark]
    /// Where extra width goes, stage by stage: (column, width it may grow to). The name first,
    /// a little: at 80 columns a name like "demo-bursty" is whole rather than the slider a cell wider.
    /// The command gets 40 before the sparkline grows past 30: a cut command is what a wide
    /// terminal should fix first.
    static let growth: [(TableColumn, Int)] = [(.name, 12), (.slider, 22), (.name, 14), (.command, 24), (.spark, 30),
                                               (.slider, 42), (.command, 40), (.spark, 60), (.name, 24), (.command, .max)]
}

struct ColumnLayout: Equatable {
    struct Placed: Equatable {
        var column: TableColumn
        var x: Int
        var width: Int
    }

    var columns: [Placed]

    func placed(_ column: TableColumn) -> Placed? { columns.first { $0.column == column } }

    /// Columns for a terminal `width` wide, one space between neighbours.
    static func layout(width: Int) -> ColumnLayout {
        var included: Set<TableColumn> = []
        var used = -1  // n columns need n-1 separators
        for column in TableColumn.priority {
            let need = column.minWidth + 1
            if used + need <= width {
                included.insert(column)
                used += need
            } else if column == .command || column == .spark {
                break  // keep the lower priorities out too, so the sparkline never appears without the command
            }
        }
        var widths: [TableColumn: Int] = [:]
        for column in included { widths[column] = column.minWidth }
        var spare = width - used
        for (column, limit) in TableColumn.growth where spare > 0 {
            guard let current = widths[column], current < limit else { continue }
            let add = min(spare, limit - current)
            widths[column] = current + add
            spare -= add
        }
        var x = 0
        var placed: [Placed] = []
        for column in TableColumn.allCases {
            guard let w = widths[column] else { continue }
            placed.append(Placed(column: column, x: x, width: w))
            x += w + 1
        }
        return ColumnLayout(columns: placed)
    }
}
