import Engine
import FoundationEssentials
import TUI
#if canImport(Glibc)
import Glibc
#endif

/// Adapts the Engine to the TUI's `TopBackend`: one sweep of the state root and the cgroup
/// counters per refresh, commands passed straight to the Runtime. Lives in the executable so
/// that neither library knows the other.
final class EngineTopBackend: TopBackend {
    let runtime: Runtime
    private var previousCPU: [String: CPUSample] = [:]
    private var previousHost: HostCPUTimes?
    private let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    /// The cgroup files every refresh reads, kept open between refreshes (see KnobFiles).
    private let knobs = KnobFiles()
    /// Pidfds of the running containers: one poll tells which still run (see ProcessWatch).
    private let processes = ProcessWatch()
    /// Half of each refresh's kernel reads on a second core (see SweepWorker).
    private let worker = SweepWorker.ifUseful()
    /// Each container's quoted command, by id: a record's command never changes, and quoting
    /// it scalar by scalar at every refresh of 200 rows is time the sweep doesn't need.
    private var commandTexts: [String: String] = [:]

    init(runtime: Runtime) {
        self.runtime = runtime
        // The form's new containers start without waiting for a network namespace.
        runtime.prepareNetwork(keepingOneReady: true)
    }

    func sample() throws -> TopSnapshot {
        let (all, cpu) = try knobs.reading { () throws -> ([ContainerStatus], [String: CPUSample]) in
            let all = try runtime.list(watch: processes, worker: worker, tidy: true)
            enforceStopDeadlines(all)
            return (all, runtime.sampleCPU(all, worker: worker))
        }
        let host = try? HostCPUTimes.read()
        let hostPercent = zip(previousHost, host).map { $1.busyCorePercent(since: $0) }
        let now = Self.secondsSinceBoot()
        // Kept between refreshes, filled on a miss, and cut back to the listed ids only when
        // containers have gone (as RecordCache does): no new dictionary per refresh.
        if commandTexts.count > all.count {
            let listed = Set(all.map(\.record.id))
            commandTexts = commandTexts.filter { listed.contains($0.key) }
        }
        let rows: [ContainerSample] = all.map { c in
            let rate = zip(previousCPU[c.name], cpu[c.name]).map { CPURate(from: $0, to: $1) }
            let command = commandTexts[c.record.id] ?? CommandText.line(c.record.command)
            if commandTexts[c.record.id] == nil { commandTexts[c.record.id] = command }
            return ContainerSample(
                name: c.name, id: c.record.id, state: Self.state(c.state), pid: c.pid,
                command: command, image: c.record.image ?? "", rootfs: c.record.image == nil ? c.record.rootfs : "",
                quotaCores: c.record.limits.cpu.cores, cpuPercent: rate?.cpuPercent ?? 0,
                throttledPercent: rate?.throttledPercent ?? 0, ratesKnown: rate != nil,
                throttledTimeNs: cpu[c.name]?.counters.throttledTimeNs ?? 0,
                uptimeSeconds: c.startTicks.map { max(0, now - Double($0) / ticksPerSecond) },
                exitCode: c.exitCode, exitReason: c.exitReason)
        }
        previousCPU = cpu
        previousHost = host
        return TopSnapshot(host: HostSample(cores: cores, cpuPercent: hostPercent ?? 0, cpuKnown: hostPercent != nil,
                                            cgroupMode: runtime.cgroups.mode.rawValue),
                           containers: rows)
    }

    func setQuota(name: String, cores: Double?) throws -> [TUI.KernelWrite] {
        let current = try runtime.status(name).record.limits.cpu
        let quota = try CPUQuota.cores(cores ?? 0, periodUs: current.periodUs)
        return try runtime.update(name, cpu: quota).map { TUI.KernelWrite(path: $0.path, value: $0.value) }
    }

    /// Containers sent SIGTERM by `s`, and when they get SIGKILL if still running: the screen
    /// must not freeze for the grace period, so the deadline is checked at each sweep.
    private var stopping: [String: UInt64] = [:]
    static let stopGraceNs: UInt64 = 3_000_000_000

    func stop(name: String) throws {
        let st = try runtime.status(name)
        if st.state == .paused { try runtime.resume(name) }
        try runtime.kill(name, signal: SIGTERM)
        stopping[name] = Clock.monotonicNs() + Self.stopGraceNs
    }

    private func enforceStopDeadlines(_ all: [ContainerStatus]) {
        let now = Clock.monotonicNs()
        for (name, deadline) in stopping {
            guard let c = all.first(where: { $0.name == name }), c.state == .running || c.state == .paused else {
                stopping[name] = nil
                continue
            }
            if now >= deadline {
                try? runtime.kill(name, signal: SIGKILL)
                stopping[name] = nil
            }
        }
    }
    func start(name: String) throws { try runtime.start(name) }
    func pause(name: String) throws { try runtime.pause(name) }
    func resume(name: String) throws { try runtime.resume(name) }
    func kill(name: String) throws { try runtime.kill(name, signal: SIGKILL) }
    func remove(name: String) throws { try runtime.remove(name, force: true) }

    func create(_ request: NewContainerRequest) throws -> String {
        var spec = ContainerSpec()
        spec.image = request.image
        spec.command = request.command
        spec.name = request.name
        spec.limits.cpu = try CPUQuota.cores(request.cpus ?? 0)
        spec.detached = true
        let record = try runtime.create(spec)
        try runtime.startDetached(record)
        return record.name
    }

    func logs(name: String, lines: Int) throws -> [String] {
        _ = try runtime.status(name)
        let bytes: [UInt8]
        do {
            bytes = try SmallFile.readBytes(runtime.store.logPath(name))
        } catch EngineError.system(_, _, let err) where err == ENOENT {
            return []
        }
        // The newline that ends the last line starts no line of its own: an empty log is no
        // lines (the view says "no output yet"), not one blank one.
        var text = String(decoding: LogTail.lastLines(bytes, lines), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func detail(name: String) throws -> ContainerDetail {
        let st = try runtime.status(name)
        let files = runtime.cgroups.kernelFiles(st.record.cgroup).map { KernelFileValue(path: $0.path, value: $0.value) }
        let pids = (try? runtime.cgroups.pids(st.record.cgroup)) ?? []
        let procs = pids.sorted().map { pid -> ContainerProcess in
            let raw = (try? SmallFile.readBytes("/proc/\(pid)/cmdline")) ?? []
            let cmd = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            return ContainerProcess(pid: pid, command: cmd)
        }
        return ContainerDetail(name: name, kernelFiles: files, processes: procs)
    }

    func shellArgv(name: String) throws -> [String] {
        let st = try runtime.status(name)
        guard st.state == .running else { throw EngineError.conflict("container \(name) is \(st.state.rawValue), not running") }
        return [runtime.config.selfExecutable, "--root", runtime.config.stateRoot, "exec", "-it", name, "--", "/bin/sh"]
    }

    static func state(_ s: Engine.ContainerState) -> TUI.ContainerState {
        switch s {
        case .created: return .created
        case .running: return .running
        case .paused: return .paused
        case .exited: return .exited
        }
    }

    static func secondsSinceBoot() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
