/// The seam between the TUI and whatever runs containers. The TUI knows nothing of cgroup files
/// or the kernel: it asks a `TopBackend` for one sweep of numbers per refresh and forwards the
/// user's commands. `corral top` passes an adapter over the Engine; tests and `--fake` pass
/// `FakeBackend`.
///
/// All calls are made from the TUI's single thread, one at a time; a call blocks the screen while
/// it runs, so each should return quickly (a `stop` should not wait many seconds).
/// Errors may be of any type: the TUI shows `"\(error)"` in its status line, so an error's
/// description should be one line (EngineError's is).
public protocol TopBackend: AnyObject {
    /// One sweep over every container plus the host. Called once per refresh (and right after a
    /// lifecycle command), never once per row: the CPU and throttling percentages are for the
    /// interval since the previous sweep.
    func sample() throws -> TopSnapshot

    /// Sets `name`'s CPU quota to `cores` (nil = unlimited) at once, and returns what was written
    /// where, in order, so the screen can show how the kernel does it. Throws if the kernel
    /// refuses a write.
    func setQuota(name: String, cores: Double?) throws -> [KernelWrite]

    /// Stops a running or paused container (SIGTERM, then SIGKILL after a short grace).
    func stop(name: String) throws
    /// Starts a created or exited container again.
    func start(name: String) throws
    /// Freezes every process of a running container.
    func pause(name: String) throws
    /// Thaws a paused container.
    func resume(name: String) throws
    /// Sends SIGKILL to the container.
    func kill(name: String) throws
    /// Removes the container, killing it first if it still runs (the TUI asks before calling).
    func remove(name: String) throws
    /// Creates and starts a container; returns its name (generated when the request has none).
    func create(_ request: NewContainerRequest) throws -> String

    /// The last `lines` lines of the container's output, oldest first.
    func logs(name: String, lines: Int) throws -> [String]
    /// Everything the detail view shows that a sweep does not carry.
    func detail(name: String) throws -> ContainerDetail
    /// The argv of a host command that opens an interactive shell inside the container; the TUI
    /// runs it on the terminal with curses stepped aside and waits for it.
    func shellArgv(name: String) throws -> [String]
}

/// A container's lifecycle state as the table shows it.
public enum ContainerState: String, CaseIterable, Sendable {
    case created, running, paused, exited

    /// Running or paused: it has a pid, an uptime and CPU counters.
    public var isLive: Bool { self == .running || self == .paused }
}

/// One container in one sweep.
public struct ContainerSample: Equatable, Sendable {
    public var name: String
    public var id: String
    public var state: ContainerState
    /// Host pid of the container's init; nil when it is not running.
    public var pid: Int32?
    /// The command line, for display.
    public var command: String
    /// The image it was made from; "" for one run on a directory (`rootfs`).
    public var image: String
    /// The directory it runs on, for one made without an image; "" otherwise.
    public var rootfs: String
    /// CPU quota in cores (0.5 = half a core); nil = unlimited.
    public var quotaCores: Double?
    /// CPU used over the last interval; 100 = one full core (a 2-core machine tops out at 200).
    public var cpuPercent: Double
    /// Share of scheduler periods in which the container was throttled over the last interval, 0...100.
    public var throttledPercent: Double
    /// False while there is only one sample of a running container (the first sweep that sees
    /// it): a rate needs two, so `cpuPercent` and `throttledPercent` are not measurements yet and
    /// are shown as "-" rather than as a 0 the container never had.
    public var ratesKnown: Bool
    /// Live, with CPU% and throttled% measured over an interval: what the screen shows as numbers.
    public var showsRates: Bool { state.isLive && ratesKnown }
    /// Total time the container's cgroup spent throttled, in nanoseconds. The cgroup lives from
    /// create to rm, so this counts every run of a restarted container.
    public var throttledTimeNs: UInt64
    /// Seconds since the container started; nil when it is not running.
    public var uptimeSeconds: Double?
    /// Exit status once it has exited (128+n for death by signal n); nil otherwise.
    public var exitCode: Int32?
    /// Why it exited, when there is more to say than the code ("killed by the OOM killer").
    public var exitReason: String?

    public init(name: String, id: String, state: ContainerState, pid: Int32? = nil,
                command: String = "", image: String = "", rootfs: String = "", quotaCores: Double? = nil,
                cpuPercent: Double = 0, throttledPercent: Double = 0, ratesKnown: Bool = true,
                throttledTimeNs: UInt64 = 0, uptimeSeconds: Double? = nil, exitCode: Int32? = nil,
                exitReason: String? = nil) {
        self.name = name
        self.id = id
        self.state = state
        self.pid = pid
        self.command = command
        self.image = image
        self.rootfs = rootfs
        self.quotaCores = quotaCores
        self.cpuPercent = cpuPercent
        self.throttledPercent = throttledPercent
        self.ratesKnown = ratesKnown
        self.throttledTimeNs = throttledTimeNs
        self.uptimeSeconds = uptimeSeconds
        self.exitCode = exitCode
        self.exitReason = exitReason
    }
}

/// The machine, in the same sweep.
public struct HostSample: Equatable, Sendable {
    /// Online CPUs; the quota sliders are scaled to this.
    public var cores: Int
    /// CPU used by the whole machine over the last interval; 100 = one core, like the containers'.
    public var cpuPercent: Double
    /// False on the first sweep: like a container's, the machine's rate needs two samples.
    public var cpuKnown: Bool
    /// "v1", "v2" or "hybrid".
    public var cgroupMode: String

    public init(cores: Int, cpuPercent: Double, cpuKnown: Bool = true, cgroupMode: String) {
        self.cores = max(1, cores)
        self.cpuPercent = cpuPercent
        self.cpuKnown = cpuKnown
        self.cgroupMode = cgroupMode
    }
}

/// One sweep: every container plus the host.
public struct TopSnapshot: Equatable, Sendable {
    public var host: HostSample
    public var containers: [ContainerSample]

    public init(host: HostSample, containers: [ContainerSample]) {
        self.host = host
        self.containers = containers
    }
}

/// One file write done for a command, e.g. path "/sys/fs/cgroup/cpu/corral/web/cpu.cfs_quota_us",
/// value "30000". Shown as `cpu.cfs_quota_us ← 30000`.
public struct KernelWrite: Equatable, Sendable {
    public var path: String
    public var value: String

    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }
}

/// What the new-container form asks for.
public struct NewContainerRequest: Equatable, Sendable {
    public var image: String
    /// Empty = the image's default command.
    public var command: [String]
    /// nil = let the backend pick a name.
    public var name: String?
    /// CPU quota in cores; nil = unlimited.
    public var cpus: Double?

    public init(image: String, command: [String], name: String?, cpus: Double?) {
        self.image = image
        self.command = command
        self.name = name
        self.cpus = cpus
    }
}

/// A kernel file and its current contents (a multi-line file such as cpu.stat may keep its newlines).
public struct KernelFileValue: Equatable, Sendable {
    public var path: String
    public var value: String

    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }
}

/// A process inside the container, as seen from the host.
public struct ContainerProcess: Equatable, Sendable {
    public var pid: Int32
    public var command: String

    public init(pid: Int32, command: String) {
        self.pid = pid
        self.command = command
    }
}

/// What the detail view shows beyond the sweep: the kernel files behind the numbers, and the processes.
public struct ContainerDetail: Equatable, Sendable {
    public var name: String
    public var kernelFiles: [KernelFileValue]
    public var processes: [ContainerProcess]

    public init(name: String, kernelFiles: [KernelFileValue], processes: [ContainerProcess]) {
        self.name = name
        self.kernelFiles = kernelFiles
        self.processes = processes
    }
}
