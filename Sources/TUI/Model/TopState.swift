/// Which full-screen view is showing.
public enum Screen: Equatable, Sendable {
    case table
    /// The detail view of the named container.
    case detail(String)
    /// The logs of the named container.
    case logs(String)
}

/// What is drawn over the screen and takes the keys first.
public enum Overlay: Equatable, Sendable {
    case none
    case help
    case form(NewContainerForm)
    /// "Remove <name>? y/N"
    case confirmRemove(String)
    /// The `/` prompt (the table filters as it is typed in).
    case filter(TextField)
    /// The `=` prompt for the named container.
    case quota(name: String, TextField)
}

/// The status line: what the last command did, in particular what a quota change wrote where.
public enum StatusMessage: Equatable, Sendable {
    case none
    case info(String)
    case error(String)
    /// A stop of `name` was sent and it still ran at the sweep after: "stopping NAME" until a
    /// sweep finds it stopped ("stopped NAME"); a container that ignores SIGTERM runs on until
    /// the grace period's SIGKILL.
    case stopping(String)
    /// The kernel writes of the last quota change of `name` to `cores` (nil = unlimited).
    case writes(name: String, cores: Double?, [KernelWrite])
}

/// Everything the screen shows, as a value. Only `apply(_:)` changes it; `render` draws it.
public struct TopState: Equatable, Sendable {
    /// What `+`/`-` step through: the same 0.2..10 s that `--interval` takes.
    public static let refreshChoices: [Double] = [0.2, 0.5, 1, 2, 3, 5, 10]

    public var title: String
    /// The last sweep.
    public var snapshot: TopSnapshot
    /// When the last sweep was taken (monotonic seconds); the graphs end here.
    public var now: Double = 0
    /// Per container id.
    public var history: [String: History] = [:]

    /// The selected container, by name so the selection follows it when rows move.
    public var selectedName: String?
    public var sortColumn: SortColumn = .name
    public var sortReversed = false
    public var filter = ""

    public var screen: Screen = .table
    public var overlay: Overlay = .none
    public var status: StatusMessage = .none { didSet { statusSweeps = 0 } }
    /// Sweeps since `status` was set: an info or error line goes once it has been shown for
    /// `statusLifetime` seconds of sweeps, so it doesn't stand beside what later keys did.
    /// Counted in sweeps, not from the last sweep's time: a message set after a long step
    /// (a shell) would otherwise look old at once. The kernel writes of a quota change stay
    /// until the next message: they are what the demo is there to show.
    public var statusSweeps = 0
    public static let statusLifetime: Double = 8

    /// Seconds between sweeps.
    public var refreshInterval: Double
    /// How many table rows fit (set by the app from the layout); keeps the selection scrolled into view.
    public var viewportRows = 20
    /// First table row shown.
    public var tableScroll = 0
    /// Lines scrolled up from the end of the logs (0 = follow), or down from the top of help/detail.
    public var scroll = 0

    public var detail: ContainerDetail?
    public var logLines: [String] = []
    /// The container whose slider the mouse is dragging.
    public var dragging: String?
    public var quitRequested = false
    /// Between the terminal's paste brackets: what arrives is text, for a text field or nowhere.
    public var pasting = false
    /// The help's words for what `q` does to the containers (see TopOptions.onQuit).
    public static let containersStay = "containers stay"
    public var onQuit = TopState.containersStay

    public init(title: String, refreshInterval: Double,
                snapshot: TopSnapshot = TopSnapshot(host: HostSample(cores: 1, cpuPercent: 0, cgroupMode: "?"),
                                                    containers: [])) {
        self.title = title
        self.refreshInterval = refreshInterval
        self.snapshot = snapshot
    }

    /// The table's rows: filtered and sorted.
    public var rows: [ContainerSample] {
        RowOrder.rows(snapshot.containers, filter: filter, column: sortColumn, reversed: sortReversed)
    }

    public var selectedIndex: Int? {
        guard let selectedName else { return nil }
        return rows.firstIndex { $0.name == selectedName }
    }

    public func container(named name: String) -> ContainerSample? {
        snapshot.containers.first { $0.name == name }
    }

    /// The container the quota and lifecycle keys act on: the detail view's, else the selected row's.
    public var target: ContainerSample? {
        switch screen {
        case let .detail(name), let .logs(name): return container(named: name)
        case .table: return selectedName.flatMap { container(named: $0) }
        }
    }
}
