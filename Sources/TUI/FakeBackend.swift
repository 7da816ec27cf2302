/// A backend with simulated containers: CPU loads that want so many cores, quotas that cap them,
/// the machine's cores shared between them, throttling when a load wants more than its quota.
/// For the tests and for trying the screen without containers (`corral top --fake`).
/// It writes nothing: `setQuota` reports the writes the Engine would make on cgroup v1.
public final class FakeBackend: TopBackend {
    /// How much CPU a simulated container wants over time.
    public enum Load: Equatable, Sendable {
        /// Always wants this many cores (a busy loop wants 1).
        case constant(Double)
        /// Alternates between `high` and `low` cores every `period` seconds.
        case bursty(period: Double, high: Double, low: Double)
    }

    public struct Spec: Equatable, Sendable {
        public var name: String
        public var image: String
        public var command: String
        public var quota: Double?
        public var load: Load
        public var state: ContainerState

        public init(name: String, image: String = "busybox", command: String, quota: Double?, load: Load,
                    state: ContainerState = .running) {
            self.name = name
            self.image = image
            self.command = command
            self.quota = quota
            self.load = load
            self.state = state
        }
    }

    /// Something like what `corral demo` starts, plus one paused and one exited container.
    public static let demoSpecs: [Spec] = [
        Spec(name: "burner", command: "sh -c 'while :; do :; done'", quota: nil, load: .constant(1)),
        Spec(name: "half", command: "sh -c 'while :; do :; done'", quota: 0.5, load: .constant(1)),
        Spec(name: "fifth", command: "sh -c 'while :; do :; done'", quota: 0.2, load: .constant(1)),
        Spec(name: "bursty", command: "sh -c 'while :; do timeout 5 sh -c \"while :; do :; done\"; sleep 5; done'",
             quota: 0.6, load: .bursty(period: 5, high: 1, low: 0.02)),
        Spec(name: "sleeper", command: "sleep 3600", quota: 0.25, load: .constant(0.01), state: .paused),
        Spec(name: "oneshot", command: "echo done", quota: nil, load: .constant(0), state: .exited),
    ]

    private struct Sim {
        var sample: ContainerSample
        var load: Load
        var startedAt: Double
        var usageNs: UInt64 = 0
        var periods: UInt64 = 0
        var throttledPeriods: UInt64 = 0
    }

    private var sims: [Sim] = []
    private let hostCores: Int
    private let cgroupMode: String
    private let clock: () -> Double
    private var lastSample: Double?
    private var nextPid: Int32 = 4100
    private var nextId = 1
    private var random: UInt64 = 0x9e3779b97f4a7c15

    /// When set, `setQuota` fails with this message, as a kernel refusing the write would.
    public var refuseQuotaWrites: String?
    /// Every command received, e.g. "setQuota half 0.55", "stop web", in order (for tests).
    public private(set) var commands: [String] = []

    public init(hostCores: Int = 2, cgroupMode: String = "hybrid", specs: [Spec] = FakeBackend.demoSpecs,
                clock: @escaping () -> Double = monotonicSeconds) {
        self.hostCores = max(1, hostCores)
        self.cgroupMode = cgroupMode
        self.clock = clock
        let now = clock()
        for spec in specs { add(spec, at: now) }
    }

    private func add(_ spec: Spec, at now: Double) {
        let pid = nextPid
        nextPid += 7
        let id = hexId(nextId)
        nextId += 1
        let live = spec.state.isLive
        let sample = ContainerSample(
            name: spec.name, id: id, state: spec.state, pid: live ? pid : nil, command: spec.command,
            image: spec.image, quotaCores: spec.quota, uptimeSeconds: live ? 0 : nil,
            exitCode: spec.state == .exited ? 0 : nil)
        sims.append(Sim(sample: sample, load: spec.load, startedAt: now))
    }

    // MARK: - TopBackend

    public func sample() throws -> TopSnapshot {
        let now = clock()
        let dt = lastSample.map { max(0, now - $0) } ?? 0
        lastSample = now

        // What each running container would use under its own quota...
        var wanted: [Double] = sims.map { sim in
            guard sim.sample.state == .running else { return 0 }
            return min(demand(sim.load, at: now - sim.startedAt), sim.sample.quotaCores ?? .infinity)
        }
        // ...and the machine's cores shared out fairly when they don't all fit.
        wanted = FakeBackend.fairShares(wanted, cores: Double(hostCores))

        var hostBusy = 0.0
        for i in sims.indices {
            var s = sims[i].sample
            guard s.state.isLive else {
                s.cpuPercent = 0
                s.throttledPercent = 0
                s.uptimeSeconds = nil
                sims[i].sample = s
                continue
            }
            s.uptimeSeconds = now - sims[i].startedAt
            if s.state == .paused {
                s.cpuPercent = 0
                s.throttledPercent = 0
                sims[i].sample = s
                continue
            }
            let want = demand(sims[i].load, at: now - sims[i].startedAt)
            // Measured use wobbles a little, but never above the quota (the kernel sees to that).
            let noise = 1 - nextRandom() * 0.04
            let used = max(0, wanted[i] * noise)
            s.cpuPercent = used * 100
            hostBusy += used
            let periods = UInt64(dt * 10)  // 100 ms periods
            sims[i].periods += periods
            sims[i].usageNs += UInt64(used * dt * 1e9)
            if let quota = s.quotaCores, want > quota * 1.02 {
                s.throttledPercent = min(100, 92 + nextRandom() * 8)
                sims[i].throttledPeriods += UInt64(Double(periods) * s.throttledPercent / 100)
                s.throttledTimeNs += UInt64(max(0, want - quota) * dt * 1e9)
            } else {
                s.throttledPercent = 0
            }
            sims[i].sample = s
        }
        let host = HostSample(cores: hostCores, cpuPercent: min(Double(hostCores), hostBusy + 0.05) * 100,
                              cgroupMode: cgroupMode)
        return TopSnapshot(host: host, containers: sims.map(\.sample))
    }

    public func setQuota(name: String, cores: Double?) throws -> [KernelWrite] {
        let i = try index(of: name)
        commands.append("setQuota \(name) \(cores.map { Format.cores($0) } ?? "unlimited")")
        let dir = "/sys/fs/cgroup/cpu/corral/\(name)/"
        if let refusal = refuseQuotaWrites {
            throw TopError("write \(dir)cpu.cfs_quota_us: \(refusal)")
        }
        sims[i].sample.quotaCores = cores
        let quota = cores.map { String(Int(($0 * 100_000).rounded())) } ?? "-1"
        return [KernelWrite(path: dir + "cpu.cfs_period_us", value: "100000"),
                KernelWrite(path: dir + "cpu.cfs_quota_us", value: quota)]
    }

    public func stop(name: String) throws {
        let i = try index(of: name)
        commands.append("stop \(name)")
        guard sims[i].sample.state.isLive else {
            throw TopError("\(name) is not running")
        }
        exit(i, code: 143)
    }

    public func start(name: String) throws {
        let i = try index(of: name)
        commands.append("start \(name)")
        guard sims[i].sample.state == .created || sims[i].sample.state == .exited else {
            throw TopError("\(name) is already \(sims[i].sample.state.rawValue)")
        }
        sims[i].sample.state = .running
        sims[i].sample.pid = nextPid
        nextPid += 7
        sims[i].sample.exitCode = nil
        sims[i].startedAt = clock()
    }

    public func pause(name: String) throws {
        let i = try index(of: name)
        commands.append("pause \(name)")
        guard sims[i].sample.state == .running else { throw TopError("\(name) is not running") }
        sims[i].sample.state = .paused
    }

    public func resume(name: String) throws {
        let i = try index(of: name)
        commands.append("resume \(name)")
        guard sims[i].sample.state == .paused else { throw TopError("\(name) is not paused") }
        sims[i].sample.state = .running
    }

    public func kill(name: String) throws {
        let i = try index(of: name)
        commands.append("kill \(name)")
        guard sims[i].sample.state.isLive else {
            throw TopError("\(name) is not running")
        }
        exit(i, code: 137)
    }

    public func remove(name: String) throws {
        let i = try index(of: name)
        commands.append("remove \(name)")
        sims.remove(at: i)
    }

    public func create(_ request: NewContainerRequest) throws -> String {
        let name = request.name ?? "fake-\(nextId)"
        commands.append("create \(name)")
        if sims.contains(where: { $0.sample.name == name }) { throw TopError("a container named \(name) exists") }
        let command = request.command.isEmpty ? "sh" : request.command.joined(separator: " ")
        let busy = command.contains("while") || command.contains("yes") || command.contains("md5sum")
        add(Spec(name: name, image: request.image, command: command, quota: request.cpus,
                 load: .constant(busy ? 1 : 0.01)), at: clock())
        return name
    }

    public func logs(name: String, lines: Int) throws -> [String] {
        let i = try index(of: name)
        let s = sims[i].sample
        let ticks = Int((clock() - sims[i].startedAt).rounded(.down))
        let all = (0...max(0, ticks)).map { t in
            "[\(Format.duration(Double(t)))] \(s.name): \(s.command) (tick \(t))"
        }
        return Array(all.suffix(lines))
    }

    public func detail(name: String) throws -> ContainerDetail {
        let sim = sims[try index(of: name)]
        let cpu = "/sys/fs/cgroup/cpu/corral/\(name)/"
        let quota = sim.sample.quotaCores.map { String(Int(($0 * 100_000).rounded())) } ?? "-1"
        let frozen = sim.sample.state == .paused ? "FROZEN" : "THAWED"
        let pids = sim.sample.pid.map { [$0, $0 + 1] } ?? []
        return ContainerDetail(name: name, kernelFiles: [
            KernelFileValue(path: cpu + "cpu.cfs_period_us", value: "100000"),
            KernelFileValue(path: cpu + "cpu.cfs_quota_us", value: quota),
            KernelFileValue(path: cpu + "cpu.stat",
                            value: "nr_periods \(sim.periods)  nr_throttled \(sim.throttledPeriods)  throttled_time \(sim.sample.throttledTimeNs)"),
            KernelFileValue(path: "/sys/fs/cgroup/cpuacct/corral/\(name)/cpuacct.usage", value: String(sim.usageNs)),
            KernelFileValue(path: "/sys/fs/cgroup/freezer/corral/\(name)/freezer.state", value: frozen),
            KernelFileValue(path: cpu + "cgroup.procs", value: pids.map(String.init).joined(separator: " ")),
        ], processes: pids.enumerated().map { i, pid in
            ContainerProcess(pid: pid, command: i == 0 ? sim.sample.command : "sleep 1")
        })
    }

    public func shellArgv(name: String) throws -> [String] {
        _ = try index(of: name)
        return ["/bin/sh", "-c",
                "echo \"fake backend: this is a host shell standing in for \(name); exit to go back\"; exec /bin/sh -i"]
    }

    // MARK: - simulation

    private func index(of name: String) throws -> Int {
        guard let i = sims.firstIndex(where: { $0.sample.name == name }) else {
            throw TopError("no container named \(name)")
        }
        return i
    }

    private func exit(_ i: Int, code: Int32) {
        sims[i].sample.state = .exited
        sims[i].sample.pid = nil
        sims[i].sample.exitCode = code
        sims[i].sample.cpuPercent = 0
        sims[i].sample.throttledPercent = 0
        sims[i].sample.uptimeSeconds = nil
    }

    private func demand(_ load: Load, at t: Double) -> Double {
        switch load {
        case let .constant(cores): return cores
        case let .bursty(period, high, low):
            return Int((t / max(period, 0.1)).rounded(.down)) % 2 == 0 ? high : low
        }
    }

    /// Max-min fair shares of `cores`, as CFS gives equal-weight groups: whoever wants less than
    /// an equal share gets all of it, the rest split what is left.
    static func fairShares(_ wants: [Double], cores: Double) -> [Double] {
        var shares = [Double](repeating: 0, count: wants.count)
        var left = cores
        var open = wants.indices.filter { wants[$0] > 0 }.sorted { wants[$0] < wants[$1] }
        while let i = open.first {
            let equal = left / Double(open.count)
            shares[i] = min(wants[i], equal)
            left -= shares[i]
            open.removeFirst()
        }
        return shares
    }

    /// A deterministic pseudo-random number in 0..<1 (xorshift), so test runs are repeatable.
    private func nextRandom() -> Double {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return Double(random >> 11) / Double(1 << 53)
    }

    private func hexId(_ n: Int) -> String {
        let digits = Array("0123456789abcdef")
        var value = UInt64(n) &* 0x9e3779b97f4a7c15
        var out = ""
        for _ in 0..<16 {
            out.append(digits[Int(value & 0xf)])
            value >>= 4
        }
        return out
    }
}
