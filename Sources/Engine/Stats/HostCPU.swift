#if canImport(Glibc)
import Glibc
#endif

/// The machine's CPU time from /proc/stat's "cpu" line, for the TUI header.
public struct HostCPUTimes: Equatable, Sendable {
    /// user + nice + system + idle + iowait + irq + softirq + steal, in jiffies (guest time is
    /// already inside user and nice).
    public var totalJiffies: UInt64
    /// idle + iowait.
    public var idleJiffies: UInt64
    /// Number of "cpuN" lines: the online CPUs.
    public var cpuCount: Int

    public init(totalJiffies: UInt64, idleJiffies: UInt64, cpuCount: Int) {
        self.totalJiffies = totalJiffies
        self.idleJiffies = idleJiffies
        self.cpuCount = cpuCount
    }

    public static let path = "/proc/stat"

    public static func read(path: String = HostCPUTimes.path) throws -> HostCPUTimes {
        let text = try SmallFile.read(path)
        guard let t = parse(text) else { throw EngineError.system(step: "parse", path: path, errno: EINVAL) }
        return t
    }

    /// nil when there is no well-formed aggregate "cpu" line.
    public static func parse(_ text: String) -> HostCPUTimes? {
        var times: HostCPUTimes?
        var cpus = 0
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") {
            let fields = line.split(separator: " ")
            if fields[0] == "cpu" {
                let v = fields.dropFirst().prefix(8).map { UInt64($0) }
                guard v.count >= 4, !v.contains(nil) else { return nil }
                let n = v.map { $0! }
                let idle = n[3] + (n.count > 4 ? n[4] : 0)
                times = HostCPUTimes(totalJiffies: n.reduce(0, +), idleJiffies: idle, cpuCount: 0)
            } else if fields[0].dropFirst(3).allSatisfy(\.isNumber) {
                cpus += 1
            }
        }
        times?.cpuCount = cpus
        return times
    }

    /// Share of the whole machine busy since `old`: 0...100 (100 = every CPU busy).
    public func busyPercent(since old: HostCPUTimes) -> Double {
        let total = totalJiffies >= old.totalJiffies ? totalJiffies - old.totalJiffies : 0
        let idle = idleJiffies >= old.idleJiffies ? idleJiffies - old.idleJiffies : 0
        guard total > 0 else { return 0 }
        return Double(total - min(idle, total)) / Double(total) * 100
    }

    /// The same in containers' units (100 = one core), so the header and the rows compare.
    public func busyCorePercent(since old: HostCPUTimes) -> Double {
        busyPercent(since: old) * Double(max(cpuCount, 1))
    }
}
