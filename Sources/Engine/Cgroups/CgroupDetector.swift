/// Which cgroup hierarchies the machine has, decided from the mount table.
public enum CgroupLayout: Equatable, Sendable {
    /// cgroup2 holds the cpu controller: the unified hierarchy's mount point.
    case v2(root: String)
    /// Only v1 hierarchies: controller → mount point.
    case v1(mounts: [String: String])
    /// v1 hierarchies hold cpu; a cgroup2 mount exists beside them without it.
    case hybrid(mounts: [String: String], unified: String)

    public var mode: CgroupMode {
        switch self {
        case .v2: return .v2
        case .v1: return .v1
        case .hybrid: return .hybrid
        }
    }
}

/// Picks the driver at run time. Pure over the mountinfo text plus one read (the cgroup2
/// mount's cgroup.controllers), both injectable, so tests feed it other machines' tables.
public enum CgroupDetector {
    public static let mountinfoPath = "/proc/self/mountinfo"

    /// v1 controller names as they appear in a cgroup mount's super options; everything else
    /// there ("rw", "name=systemd", "clone_children", ...) is not a controller. A switch, not a
    /// Set of strings hashed at every start.
    static func isV1Controller(_ option: String) -> Bool {
        switch option {
        case "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio",
             "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc":
            return true
        default:
            return false
        }
    }

    /// The driver for this machine, from /proc/self/mountinfo.
    public static func detect() throws -> CgroupDriver {
        try detect(mountinfo: SmallFile.read(mountinfoPath))
    }

    /// `readFile` reads a cgroup2 mount's cgroup.controllers (nil when unreadable).
    public static func detect(mountinfo: String,
                              readFile: (String) -> String? = { try? SmallFile.read($0) }) throws -> CgroupDriver {
        switch try layout(mountinfo: mountinfo, readFile: readFile) {
        case .v2(let root): return CgroupV2Driver(root: root)
        case .v1(let mounts): return CgroupV1Driver(mounts: mounts, mode: .v1)
        case .hybrid(let mounts, _): return CgroupV1Driver(mounts: mounts, mode: .hybrid)
        }
    }

    public static func layout(mountinfo: String,
                              readFile: (String) -> String? = { try? SmallFile.read($0) }) throws -> CgroupLayout {
        var v1: [String: String] = [:]
        var unified: [String] = []
        for m in MountinfoEntry.parse(mountinfo) {
            switch m.fsType {
            case "cgroup2":
                unified.append(m.mountPoint)
            case "cgroup":
                // The same hierarchy can be mounted twice (bind mounts); the first one wins.
                for opt in m.superOptions where isV1Controller(opt) && v1[opt] == nil {
                    v1[opt] = m.mountPoint
                }
            default:
                continue
            }
        }
        for root in unified {
            let offered = readFile(root + "/cgroup.controllers")?.split(whereSeparator: { $0 == " " || $0 == "\n" }) ?? []
            if offered.contains("cpu") { return .v2(root: root) }
        }
        guard v1["cpu"] != nil, v1["cpuacct"] != nil else {
            throw EngineError.notFound(
                "no usable cgroup cpu controller: no cgroup2 mount offers cpu and no v1 cpu + cpuacct hierarchy is mounted")
        }
        if let u = unified.first { return .hybrid(mounts: v1, unified: u) }
        return .v1(mounts: v1)
    }
}
