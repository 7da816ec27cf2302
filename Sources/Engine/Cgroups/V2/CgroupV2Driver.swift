#if canImport(Glibc)
import Glibc
#endif

/// cgroup v2: one unified hierarchy; a group is one directory holding every controller's files.
public struct CgroupV2Driver: CgroupDriver {
    public var mode: CgroupMode { .v2 }
    /// The cgroup2 mount point, e.g. "/sys/fs/cgroup".
    public let root: String

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public func directory(_ group: CgroupPath) -> String { root + "/" + group.relative }

    /// A child only gets the files of controllers its parent enabled in cgroup.subtree_control,
    /// so every ancestor, from the root down, hands down cpu, pids and memory before the next
    /// directory is made.
    @discardableResult
    public func create(_ group: CgroupPath) throws -> [String] {
        try CgroupTree.makeGroup(root: root, relative: group.relative) { parent in
            _ = try V2Core.enableControllers(in: parent)
        }
    }

    public func directories(_ group: CgroupPath) -> [String] {
        [directory(group)]
    }

    /// cgroup.procs: v2's `cgroup.threads` moves a thread only within its domain.
    public func joinFiles(_ group: CgroupPath) -> [String] {
        procsFiles(group)
    }

    public func remove(_ group: CgroupPath) throws {
        try CgroupTree.check(group.relative)
        try CgroupTree.removeGroup(directory(group), deadlineNs: Clock.monotonicNs() + CgroupTree.removeWaitNs)
    }

    public func exists(_ group: CgroupPath) -> Bool {
        SmallFile.isDirectory(directory(group))
    }

    @discardableResult
    public func setCPU(_ group: CgroupPath, _ quota: CPUQuota) throws -> [KernelWrite] {
        try quota.validate()
        return try V2CPU.apply(quota, in: directory(group))
    }

    public func readCPUQuota(_ group: CgroupPath) throws -> CPUQuota {
        try V2CPU.readQuota(in: directory(group))
    }

    public func readCPU(_ group: CgroupPath) throws -> CPUCounters {
        try V2CPU.readCounters(in: directory(group))
    }

    @discardableResult
    public func setPidsLimit(_ group: CgroupPath, _ limit: Int64?) throws -> [KernelWrite] {
        try PidsController.apply(limit, in: directory(group))
    }

    @discardableResult
    public func setMemoryLimit(_ group: CgroupPath, _ bytes: Int64?) throws -> [KernelWrite] {
        try V2Memory.apply(bytes, in: directory(group))
    }

    public func oomKills(_ group: CgroupPath) throws -> UInt64 {
        try V2Memory.oomKills(in: directory(group))
    }

    public func freeze(_ group: CgroupPath) throws { try V2Freezer.freeze(in: directory(group)) }
    public func thaw(_ group: CgroupPath) throws { try V2Freezer.thaw(in: directory(group)) }
    public func isFrozen(_ group: CgroupPath) throws -> Bool { try V2Freezer.isFrozen(in: directory(group)) }

    public func pids(_ group: CgroupPath) throws -> [pid_t] {
        try KernelRead.pids(directory(group) + "/" + V2Core.procsFile)
    }

    /// SIGKILL goes through cgroup.kill, which no fork can outrun; other signals (and SIGKILL on
    /// kernels before 5.14) go to each pid, with the group frozen meanwhile.
    public func killAll(_ group: CgroupPath, signal: Int32) throws {
        try CgroupTree.check(group.relative)
        let dir = directory(group)
        if signal == SIGKILL, try V2Core.kill(in: dir) { return }
        let procs = dir + "/" + V2Core.procsFile
        let wasFrozen = (try? isFrozen(group)) ?? false
        let froze = !wasFrozen && (try? freeze(group)) != nil
        defer { if froze || (wasFrozen && signal == SIGKILL) { try? thaw(group) } }
        try CgroupTree.signal(KernelRead.pids(procs), signal, procsFile: procs)
    }

    public func kernelFiles(_ group: CgroupPath) -> [KernelFile] {
        CgroupTree.shown(directory(group),
                         V2CPU.shownFiles + V2Freezer.shownFiles + PidsController.shownFiles
                             + V2Memory.shownFiles + V2Core.shownFiles)
    }
}
