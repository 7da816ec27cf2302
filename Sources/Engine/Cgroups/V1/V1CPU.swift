#if canImport(Glibc)
import Glibc
#endif

/// v1 `cpu` controller: CFS bandwidth (quota per period) and its throttling counters.
enum V1CPU {
    static let name = "cpu"
    static let quotaFile = "cpu.cfs_quota_us"
    static let periodFile = "cpu.cfs_period_us"
    static let statFile = "cpu.stat"
    static let unlimited = "-1"

    static let shownFiles = [quotaFile, periodFile, statFile]

    /// runc's order: the period first, then the quota. A smaller period can be refused (EINVAL)
    /// because old quota / new period would exceed the parent's ratio; then the quota goes
    /// first and the period after it.
    static func apply(_ quota: CPUQuota, in dir: String) throws -> [KernelWrite] {
        let periodPath = dir + "/" + periodFile
        let quotaPath = dir + "/" + quotaFile
        let period = KernelWrite(path: periodPath, value: String(quota.periodUs))
        let limit = KernelWrite(path: quotaPath, value: quota.quotaUs.map { String($0) } ?? unlimited)
        var written: [KernelWrite] = []
        var periodPending = false
        do {
            try SmallFile.write(period.path, period.value)
            written.append(period)
        } catch EngineError.system(_, _, let err) where err == EINVAL {
            periodPending = true
        }
        try SmallFile.write(limit.path, limit.value)
        written.append(limit)
        if periodPending {
            try SmallFile.write(period.path, period.value)
            written.append(period)
        }
        return written
    }

    static func readQuota(in dir: String) throws -> CPUQuota {
        let quotaPath = dir + "/" + quotaFile
        let periodPath = dir + "/" + periodFile
        let q = try KernelRead.text(quotaPath)
        guard let quota = Int64(q) else { throw KernelRead.parseError(quotaPath) }
        let period = try KernelRead.number(periodPath)
        return CPUQuota(quotaUs: quota < 0 ? nil : quota, periodUs: Int64(clamping: period))
    }

    /// nr_periods, nr_throttled and throttled_time (ns) into `counters`.
    static func readThrottling(in dir: String, into counters: inout CPUCounters) throws {
        var c = counters
        try KernelRead.keyed(dir + "/" + statFile) { key, value in
            if key.matches("nr_periods") { c.periods = value }
            else if key.matches("nr_throttled") { c.throttledPeriods = value }
            else if key.matches("throttled_time") { c.throttledTimeNs = value }
        }
        counters = c
    }
}
