/// What happened between two samples of one cgroup. Pure arithmetic, the same as `docker stats`
/// and systemd-cgtop: CPU% = Δusage / Δwall × 100, so 100 is one full core and a 2-core
/// machine tops out at 200; throttled% = Δnr_throttled / Δnr_periods × 100.
public struct CPURate: Equatable, Sendable {
    public var cpuPercent: Double
    /// Share of the CFS periods that ran out of quota; 0 when no period elapsed (unlimited or idle).
    public var throttledPercent: Double
    public var intervalNs: UInt64
    public var usageNs: UInt64
    public var periods: UInt64
    public var throttledPeriods: UInt64
    public var throttledTimeNs: UInt64

    /// A counter that went backwards (the group was re-created under the same path) counts as
    /// no change, never as a negative or wrapped-around huge rate.
    public init(from old: CPUSample, to new: CPUSample) {
        intervalNs = Self.delta(old.wallNs, new.wallNs)
        usageNs = Self.delta(old.counters.usageNs, new.counters.usageNs)
        periods = Self.delta(old.counters.periods, new.counters.periods)
        throttledPeriods = min(Self.delta(old.counters.throttledPeriods, new.counters.throttledPeriods), periods)
        throttledTimeNs = Self.delta(old.counters.throttledTimeNs, new.counters.throttledTimeNs)
        cpuPercent = intervalNs == 0 ? 0 : Double(usageNs) / Double(intervalNs) * 100
        throttledPercent = periods == 0 ? 0 : Double(throttledPeriods) / Double(periods) * 100
    }

    static func delta(_ old: UInt64, _ new: UInt64) -> UInt64 { new >= old ? new - old : 0 }
}
