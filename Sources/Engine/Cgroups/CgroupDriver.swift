#if canImport(Glibc)
import Glibc
#endif

/// Which cgroup layout the machine has. Hybrid = v1 controllers (cpu, cpuacct, freezer, pids,
/// memory) next to a cgroup2 mount without them; corral drives the v1 side there.
public enum CgroupMode: String, Codable, Sendable {
    case v1, v2, hybrid
}

/// A container's cgroup, relative to each hierarchy's root: e.g. "corral/web".
public struct CgroupPath: Hashable, Codable, Sendable, CustomStringConvertible {
    public var relative: String
    public init(_ relative: String) { self.relative = relative.trimmingSlashes() }
    public init(parent: String, name: String) { self.init(parent.trimmingSlashes() + "/" + name) }
    public var description: String { "/" + relative }
}

/// One value the Engine wrote into a kernel file, so the front ends can show what was
/// written where ("cpu.cfs_quota_us ← 30000").
public struct KernelWrite: Equatable, Sendable {
    public var path: String
    public var value: String
    public init(path: String, value: String) { self.path = path; self.value = value }
    /// The file's own name, for a status line.
    public var fileName: String { String(path.split(separator: "/").last ?? "") }
}

/// A kernel file and its current content, for the detail view.
public struct KernelFile: Equatable, Sendable {
    public var path: String
    public var value: String
    public init(path: String, value: String) { self.path = path; self.value = value }
}

/// The kernel's cumulative CPU counters for one cgroup.
public struct CPUCounters: Equatable, Sendable {
    public var usageNs: UInt64
    public var periods: UInt64
    public var throttledPeriods: UInt64
    public var throttledTimeNs: UInt64
    public init(usageNs: UInt64, periods: UInt64, throttledPeriods: UInt64, throttledTimeNs: UInt64) {
        self.usageNs = usageNs; self.periods = periods
        self.throttledPeriods = throttledPeriods; self.throttledTimeNs = throttledTimeNs
    }
}

/// One protocol, one driver per cgroup version. Drivers only touch files below their roots,
/// so tests point them at a fake tree.
public protocol CgroupDriver: Sendable {
    var mode: CgroupMode { get }

    /// Creates the group in every hierarchy (parents as needed; on v2 it enables +cpu +pids
    /// +memory in the parents' cgroup.subtree_control). Creating an existing group is an error
    /// (`EEXIST`), so two containers never share one. Returns the directories it made, the
    /// group's own and any parents, outermost first in each hierarchy.
    @discardableResult
    func create(_ group: CgroupPath) throws -> [String]
    /// The group's directory in each hierarchy.
    func directories(_ group: CgroupPath) -> [String]
    /// The files a new container's process writes "0" (itself) to, to enter the group, one per
    /// hierarchy (cspawn_config.cgroup_join).
    func joinFiles(_ group: CgroupPath) -> [String]
    /// Removes the group in every hierarchy; a missing group is fine. Retries EBUSY briefly
    /// (the kernel empties a cgroup a moment after its last task dies).
    func remove(_ group: CgroupPath) throws
    /// Whether the group exists in the hierarchy that holds the cpu controller.
    func exists(_ group: CgroupPath) -> Bool

    /// Writes quota and period (runc's order and EINVAL retry on v1; "max"/"<q> <p>" on v2).
    @discardableResult
    func setCPU(_ group: CgroupPath, _ quota: CPUQuota) throws -> [KernelWrite]
    func readCPUQuota(_ group: CgroupPath) throws -> CPUQuota
    func readCPU(_ group: CgroupPath) throws -> CPUCounters

    /// nil = unlimited ("max").
    @discardableResult
    func setPidsLimit(_ group: CgroupPath, _ limit: Int64?) throws -> [KernelWrite]
    /// nil = unlimited. On v1 also sets memory.memsw.limit_in_bytes when it exists, so swap
    /// can't be used to escape the cap.
    @discardableResult
    func setMemoryLimit(_ group: CgroupPath, _ bytes: Int64?) throws -> [KernelWrite]
    /// How many times the OOM killer has killed in this group (v1 memory.oom_control
    /// oom_kill, v2 memory.events oom_kill).
    func oomKills(_ group: CgroupPath) throws -> UInt64

    func freeze(_ group: CgroupPath) throws
    func thaw(_ group: CgroupPath) throws
    func isFrozen(_ group: CgroupPath) throws -> Bool

    /// Pids in the group (from the cpu hierarchy's cgroup.procs).
    func pids(_ group: CgroupPath) throws -> [pid_t]
    /// Sends `signal` to every process in the group: v2 SIGKILL through cgroup.kill, otherwise
    /// each pid in cgroup.procs (with the group frozen meanwhile, so forks can't slip by).
    func killAll(_ group: CgroupPath, signal: Int32) throws
    /// The files worth showing a person, with their current content (missing ones skipped).
    func kernelFiles(_ group: CgroupPath) -> [KernelFile]
}

extension String {
    func trimmingSlashes() -> String {
        var s = Substring(self)
        while s.hasPrefix("/") { s = s.dropFirst() }
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
}

extension CgroupDriver {
    /// The cgroup.procs files of the group, one per hierarchy.
    public func procsFiles(_ group: CgroupPath) -> [String] {
        directories(group).map { $0 + "/cgroup.procs" }
    }
}
