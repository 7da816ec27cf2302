#if canImport(Glibc)
import Glibc
#endif

/// The v2 core files every cgroup has: which controllers it offers, which it hands down to
/// its children, its processes, and kill-all.
enum V2Core {
    static let controllersFile = "cgroup.controllers"
    static let subtreeControlFile = "cgroup.subtree_control"
    static let procsFile = "cgroup.procs"
    static let killFile = "cgroup.kill"

    /// What corral's groups need enabled in every ancestor.
    static let wanted = ["cpu", "pids", "memory"]

    static let shownFiles = [procsFile]

    /// Enables in `parent`'s cgroup.subtree_control each wanted controller the parent offers
    /// (its cgroup.controllers) and hasn't enabled yet; one write, e.g. "+cpu +pids +memory".
    static func enableControllers(in parent: String) throws -> KernelWrite? {
        let offered = try words(parent + "/" + controllersFile)
        let enabled = try words(parent + "/" + subtreeControlFile)
        let missing = wanted.filter { offered.contains($0) && !enabled.contains($0) }
        guard !missing.isEmpty else { return nil }
        let w = KernelWrite(path: parent + "/" + subtreeControlFile,
                            value: missing.map { "+" + $0 }.joined(separator: " "))
        try SmallFile.write(w.path, w.value)
        return w
    }

    /// cgroup.kill (kernel ≥ 5.14) kills every task in the group and below, forks included.
    /// Returns false when the kernel has no cgroup.kill.
    static func kill(in dir: String) throws -> Bool {
        do {
            try SmallFile.write(dir + "/" + killFile, "1")
            return true
        } catch EngineError.system(let step, _, let err) where step == "open" && err == ENOENT {
            guard SmallFile.isDirectory(dir) else { throw EngineError.system(step: "open", path: dir, errno: ENOENT) }
            return false
        }
    }

    private static func words(_ path: String) throws -> [String] {
        try KernelRead.text(path).split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }
}
