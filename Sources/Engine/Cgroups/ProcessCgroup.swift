import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// The cgroup a running process is in, from `/proc/<pid>/cgroup`. `rm -f` of a container whose
/// record can't be read goes by it: the record is what names the cgroup parent, and the
/// container may have been made under another `--cgroup-parent` than the one given now.
enum ProcessCgroup {
    /// The group in the hierarchy that holds the cpu controller (`N:cpu,cpuacct:/corral/web`
    /// on v1, `0::/corral/web` on v2); nil for the root or a text without it.
    static func parse(_ text: String, mode: CgroupMode) -> CgroupPath? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",")
            let isCPU = mode == .v2 ? fields[0] == "0" && fields[1].isEmpty : controllers.contains("cpu")
            guard isCPU else { continue }
            let path = CgroupPath(String(fields[2]))
            return path.relative.isEmpty ? nil : path
        }
        return nil
    }

    /// The group of the process `pid`, if it still is the one that started at `startTime`
    /// (a pid number can be reused) and its group's last part is `name`, as every container's is.
    static func of(pid: pid_t, startTime: UInt64, named name: String, mode: CgroupMode) -> CgroupPath? {
        guard let text = try? SmallFile.readIfPresent("/proc/\(pid)/cgroup"),
              cspawn_process_starttime(pid) == startTime,
              let group = parse(text, mode: mode),
              group.relative.split(separator: "/").last.map(String.init) == name
        else { return nil }
        return group
    }
}
