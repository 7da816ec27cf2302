import ArgumentParser
import Engine
import TUI
#if canImport(Glibc)
import Glibc
#endif

/// Starts a few CPU burners under different quotas from the builtin busybox image and opens
/// the TUI on them, so throttling can be watched (and the quotas dragged) at once.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show CFS throttling: start demo containers under different quotas and open the TUI.",
        discussion: "Removes what it started on quit unless --keep.")

    @OptionGroup var globals: GlobalOptions
    @Flag(name: .long, help: "Leave the demo containers running on quit.") var keep = false
    @Flag(name: .long, help: "No colours (also when $NO_COLOR is set).") var noColor = false
    @Option(name: .long, parsing: .unconditional, help: "Seconds between refreshes (0.2..10).") var interval: Double = 1

    static let image = "busybox"
    static let burn = "while :; do :; done"
    /// name, cores (nil = unlimited), shell script
    static let containers: [(String, Double?, String)] = [
        ("demo-unlimited", nil, burn),
        ("demo-half", 0.5, burn),
        ("demo-fifth", 0.2, burn),
        ("demo-bursty", 0.5, "while :; do timeout 3 sh -c '\(burn)'; sleep 3; done"),
    ]

    func validate() throws {
        guard interval >= 0.2, interval <= 10 else { throw ValidationError("--interval must be 0.2..10 seconds") }
    }

    func run() throws {
        // Before anything is started: without a terminal the TUI can't open, and the demo
        // would only start containers to remove them again.
        try requireTerminal()
        // From here to the end SIGINT, SIGTERM and SIGHUP are noted, not fatal, so what was
        // started is always removed first: a closed terminal sends SIGHUP more than once, the
        // last ones after the TUI has given its handlers back.
        Interruption.noteSignals()
        let runtime = try globals.runtime()
        let lock = try DemoLock(stateRoot: runtime.config.stateRoot)
        defer { lock.release() }
        let plan = try Self.plan(runtime)

        var started: [(name: String, id: String)] = []
        defer {
            // By id: a container given one of these names after ours went is not ours to remove.
            if !keep { for c in started { try? runtime.remove(c.name, force: true, onlyID: c.id) } }
        }
        runtime.prepareNetwork(keepingOneReady: true)
        for (name, cores, script) in Self.containers {
            if Interruption.signal != 0 { throw ExitCode(128 + Interruption.signal) }
            switch plan[name] {
            case .reuse(let id):
                started.append((name, id))
                // Paused since: a demo shows them burning, so they are thawed.
                if (try? runtime.status(name))?.state == .paused { try runtime.resume(name) }
                continue
            case .replace(let id):
                try runtime.remove(name, force: true, onlyID: id)
            case .create, nil:
                break
            }
            var spec = ContainerSpec()
            spec.name = name
            spec.image = Self.image
            spec.command = ["sh", "-c", script]
            spec.limits.cpu = try CPUQuota.cores(cores ?? 0)
            spec.detached = true
            let record = try runtime.create(spec)
            started.append((name, record.id))
            try runtime.startDetached(record)
        }
        if Interruption.signal != 0 { throw ExitCode(128 + Interruption.signal) }
        // The defer above removes the demo containers on quit and on SIGINT/SIGTERM/SIGHUP.
        try exitAfter(runTop(backend: EngineTopBackend(runtime: runtime),
                             options: TopOptions(refreshInterval: interval, noColor: noColor, title: "corral demo",
                                                 onQuit: keep ? "demo containers stay" : "removes the demo containers")))
    }

    /// What to do with each demo name.
    enum Step: Equatable {
        case create
        /// A demo container kept from last time (`--keep`) that still runs (paused ones are thawed).
        case reuse(id: String)
        /// A demo container kept from last time that has ended: removed and started anew.
        case replace(id: String)
    }

    /// Decides for every demo name before anything is changed, so that a name held by a
    /// container that isn't the demo's (a user's own `demo-half`) stops the demo with nothing done.
    static func plan(_ runtime: Runtime) throws -> [String: Step] {
        var steps: [String: Step] = [:]
        for (name, _, script) in containers {
            let existing: ContainerStatus
            do {
                existing = try runtime.status(name)
            } catch EngineError.notFound {
                steps[name] = .create
                continue
            }
            guard isDemo(existing.record, script: script) else {
                throw EngineError.conflict("a container named \(name) exists and is not the demo's; remove or rename it")
            }
            let runs = existing.state == .running || existing.state == .paused
            steps[name] = runs ? .reuse(id: existing.record.id) : .replace(id: existing.record.id)
        }
        return steps
    }

    /// Whether `record` is what the demo starts under its name: the builtin image and the
    /// same script.
    static func isDemo(_ record: ContainerRecord, script: String) -> Bool {
        record.image == image && record.command == ["sh", "-c", script]
    }
}

/// One demo per state root: the demo's containers have fixed names, and a second demo would
/// adopt the first's and remove them from under it on quit. An exclusive flock on
/// `<stateRoot>/.demo.lock`, held until the demo ends (the kernel drops it if the process dies).
/// O_CLOEXEC, and supervisors close what they inherit, so no container keeps it.
struct DemoLock {
    let fd: Int32

    init(stateRoot: String) throws {
        try SmallFile.makeDirectories(stateRoot, mode: 0o700)
        guard let fd = try FileLock.holdIfFree(stateRoot + "/.demo.lock") else {
            throw EngineError.conflict("another corral demo is running (state root \(stateRoot))")
        }
        self.fd = fd
    }

    func release() { close(fd) }
}
