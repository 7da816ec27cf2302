#if canImport(Glibc)
import Glibc
#endif

/// cgroup v1: one hierarchy per controller (or per set of comounted controllers, like
/// "cpu,cpuacct"), each with its own copy of the group's directory.
public struct CgroupV1Driver: CgroupDriver {
    /// The controllers corral drives; others (cpuset, devices, ...) are left alone.
    public static let controllers = [V1CPU.name, V1CPUAcct.name, V1Freezer.name, PidsController.name, V1Memory.name]

    public let mode: CgroupMode
    /// Controller name → mount point of its hierarchy, only for the controllers corral drives.
    public let mounts: [String: String]
    /// Distinct mount points of those controllers, cpu's first, so a comounted hierarchy gets
    /// one directory, not two.
    public let hierarchies: [String]

    /// `mounts`: controller → mount point ("cpu" → "/sys/fs/cgroup/cpu"). A key naming several
    /// comounted controllers ("cpu,cpuacct") counts for each of them. A controller that is not
    /// mounted fails when it is used (`.notFound`); CgroupDetector only picks v1 with cpu and
    /// cpuacct present.
    public init(mounts: [String: String], mode: CgroupMode = .v1) {
        var m: [String: String] = [:]
        for (key, dir) in mounts {
            for ctl in key.split(separator: ",") where Self.controllers.contains(String(ctl)) {
                m[String(ctl)] = dir.count > 1 && dir.hasSuffix("/") ? String(dir.dropLast()) : dir
            }
        }
        var seen: [String] = []
        for ctl in Self.controllers {
            if let dir = m[ctl], !seen.contains(dir) { seen.append(dir) }
        }
        self.mode = mode
        self.mounts = m
        self.hierarchies = seen
    }

    /// The group's directory in `controller`'s hierarchy.
    public func directory(_ group: CgroupPath, controller: String) throws -> String {
        guard let root = mounts[controller] else {
            throw EngineError.notFound("cgroup v1 \(controller) controller is not mounted")
        }
        return root + "/" + group.relative
    }

    @discardableResult
    public func create(_ group: CgroupPath) throws -> [String] {
        var made: [String] = []
        do {
            for root in hierarchies {
                made += try CgroupTree.makeGroup(root: root, relative: group.relative)
            }
            return made
        } catch {
            // All or nothing: a group in some hierarchies but not others would be a leak.
            CgroupTree.unmake(made)
            throw error
        }
    }

    public func directories(_ group: CgroupPath) -> [String] {
        hierarchies.map { $0 + "/" + group.relative }
    }

    /// `tasks`, not `cgroup.procs`: a process of one thread that writes "0" there moves whole,
    /// and without the kernel's lock on every thread group, whose first taker after a quiet
    /// spell waits out an RCU grace period: 7.3 ms against 0.16 ms for five writes here
    /// (bench/FINDINGS.md, eighth round) — the better part of a lone `corral run`.
    public func joinFiles(_ group: CgroupPath) -> [String] {
        directories(group).map { $0 + "/tasks" }
    }

    public func remove(_ group: CgroupPath) throws {
        try CgroupTree.check(group.relative)
        let deadline = Clock.monotonicNs() + CgroupTree.removeWaitNs
        var firstError: Error?
        for root in hierarchies {
            do { try CgroupTree.removeGroup(root + "/" + group.relative, deadlineNs: deadline) }
            catch { if firstError == nil { firstError = error } }
        }
        if let e = firstError { throw e }
    }

    public func exists(_ group: CgroupPath) -> Bool {
        (try? directory(group, controller: V1CPU.name)).map(SmallFile.isDirectory) ?? false
    }

    @discardableResult
    public func setCPU(_ group: CgroupPath, _ quota: CPUQuota) throws -> [KernelWrite] {
        try quota.validate()
        return try V1CPU.apply(quota, in: directory(group, controller: V1CPU.name))
    }

    public func readCPUQuota(_ group: CgroupPath) throws -> CPUQuota {
        try V1CPU.readQuota(in: directory(group, controller: V1CPU.name))
    }

    public func readCPU(_ group: CgroupPath) throws -> CPUCounters {
        var c = CPUCounters(usageNs: 0, periods: 0, throttledPeriods: 0, throttledTimeNs: 0)
        c.usageNs = try V1CPUAcct.readUsageNs(in: directory(group, controller: V1CPUAcct.name))
        try V1CPU.readThrottling(in: directory(group, controller: V1CPU.name), into: &c)
        return c
    }

    @discardableResult
    public func setPidsLimit(_ group: CgroupPath, _ limit: Int64?) throws -> [KernelWrite] {
        try PidsController.apply(limit, in: directory(group, controller: PidsController.name))
    }

    @discardableResult
    public func setMemoryLimit(_ group: CgroupPath, _ bytes: Int64?) throws -> [KernelWrite] {
        try V1Memory.apply(bytes, in: directory(group, controller: V1Memory.name))
    }

    public func oomKills(_ group: CgroupPath) throws -> UInt64 {
        try V1Memory.oomKills(in: directory(group, controller: V1Memory.name))
    }

    public func freeze(_ group: CgroupPath) throws {
        try V1Freezer.freeze(in: directory(group, controller: V1Freezer.name))
    }

    public func thaw(_ group: CgroupPath) throws {
        try V1Freezer.thaw(in: directory(group, controller: V1Freezer.name))
    }

    public func isFrozen(_ group: CgroupPath) throws -> Bool {
        try V1Freezer.isFrozen(in: directory(group, controller: V1Freezer.name))
    }

    public func pids(_ group: CgroupPath) throws -> [pid_t] {
        try KernelRead.pids(directory(group, controller: V1CPU.name) + "/cgroup.procs")
    }

    /// v1 has no cgroup.kill: signal each pid. The group is frozen meanwhile (when a freezer is
    /// mounted) so a forking process can't add pids behind the list being signalled.
    public func killAll(_ group: CgroupPath, signal: Int32) throws {
        try CgroupTree.check(group.relative)
        let procs = try directory(group, controller: V1CPU.name) + "/cgroup.procs"
        // A group with no process left (every `--rm` removal) has no one to fork into it while
        // we look, so the freeze, its two reads and the thaw would only cost time.
        guard try !KernelRead.pids(procs).isEmpty else { return }
        let canFreeze = mounts[V1Freezer.name] != nil
        let wasFrozen = canFreeze ? ((try? isFrozen(group)) ?? false) : false
        let froze = canFreeze && !wasFrozen && (try? freeze(group)) != nil
        defer {
            // A frozen task acts on SIGKILL only once thawed; other signals leave a paused
            // group paused.
            if froze || (wasFrozen && signal == SIGKILL) { try? thaw(group) }
        }
        try CgroupTree.signal(KernelRead.pids(procs), signal, procsFile: procs)
    }

    public func kernelFiles(_ group: CgroupPath) -> [KernelFile] {
        var out: [KernelFile] = []
        let shown: [(String, [String])] = [
            (V1CPU.name, V1CPU.shownFiles), (V1CPUAcct.name, V1CPUAcct.shownFiles),
            (V1Freezer.name, V1Freezer.shownFiles), (PidsController.name, PidsController.shownFiles),
            (V1Memory.name, V1Memory.shownFiles),
        ]
        for (ctl, names) in shown {
            if let dir = try? directory(group, controller: ctl) { out += CgroupTree.shown(dir, names) }
        }
        if let dir = try? directory(group, controller: V1CPU.name) { out += CgroupTree.shown(dir, ["cgroup.procs"]) }
        return out
    }
}
