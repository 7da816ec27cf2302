/// v2 `cpu` controller: "<quota|max> <period>" in cpu.max, usage and throttling in cpu.stat.
enum V2CPU {
    static let maxFile = "cpu.max"
    static let statFile = "cpu.stat"
    static let unlimited = "max"

    static let shownFiles = [maxFile, statFile]

    /// One write sets both, so there is no order to get wrong.
    static func apply(_ quota: CPUQuota, in dir: String) throws -> [KernelWrite] {
        let q = quota.quotaUs.map { String($0) } ?? unlimited
        let w = KernelWrite(path: dir + "/" + maxFile, value: q + " " + String(quota.periodUs))
        try SmallFile.write(w.path, w.value)
        return [w]
    }

    static func readQuota(in dir: String) throws -> CPUQuota {
        let path = dir + "/" + maxFile
        guard let q = parseMax(try KernelRead.text(path)) else { throw KernelRead.parseError(path) }
        return q
    }

    /// "max 100000" → unlimited, "30000 100000" → 30000 µs per 100000 µs.
    static func parseMax(_ text: String) -> CPUQuota? {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let period = Int64(parts[1]), period > 0 else { return nil }
        if parts[0] == Substring(unlimited) { return CPUQuota(quotaUs: nil, periodUs: period) }
        guard let quota = Int64(parts[0]), quota > 0 else { return nil }
        return CPUQuota(quotaUs: quota, periodUs: period)
    }

    /// usage_usec, nr_periods, nr_throttled, throttled_usec — µs turned into ns like v1's.
    /// The throttling keys exist only while the cpu controller is enabled for the group.
    static func readCounters(in dir: String) throws -> CPUCounters {
        var c = CPUCounters(usageNs: 0, periods: 0, throttledPeriods: 0, throttledTimeNs: 0)
        try KernelRead.keyed(dir + "/" + statFile) { key, value in
            if key.matches("usage_usec") { c.usageNs = value &* 1000 }
            else if key.matches("nr_periods") { c.periods = value }
            else if key.matches("nr_throttled") { c.throttledPeriods = value }
            else if key.matches("throttled_usec") { c.throttledTimeNs = value &* 1000 }
        }
        return c
    }
}
