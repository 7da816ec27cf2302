#if canImport(Glibc)
import Glibc
#endif

/// A CPU bandwidth limit: `quotaUs` of CPU time per `periodUs` of wall time, as the kernel's
/// CFS bandwidth control takes it. `quotaUs == nil` means unlimited.
public struct CPUQuota: Equatable, Hashable, Codable, Sendable {
    public static let defaultPeriodUs: Int64 = 100_000
    public static let periodRange: ClosedRange<Int64> = 1_000...1_000_000
    public static let minQuotaUs: Int64 = 1_000
    /// The kernel's `max_cfs_runtime` (2^44 - 1 µs, about 203 days): a larger quota is EINVAL.
    public static let maxQuotaUs: Int64 = (1 << 44) - 1

    public var quotaUs: Int64?
    public var periodUs: Int64

    public static let unlimited = CPUQuota(quotaUs: nil, periodUs: defaultPeriodUs)

    /// Validates: period in 1000...1000000 µs, quota nil or 1000 µs ... 2^44 - 1 µs.
    public init(quotaUs: Int64?, periodUs: Int64 = CPUQuota.defaultPeriodUs) {
        self.quotaUs = quotaUs
        self.periodUs = periodUs
    }

    /// Docker's `--cpus F`: F cores = F × period of quota; 0 means unlimited. Like docker's, at
    /// most the machine's CPUs (`online`); the least is what a 1000 µs quota gives.
    public static func cores(_ cores: Double, periodUs: Int64 = defaultPeriodUs,
                             online: Int = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) throws -> CPUQuota {
        guard cores.isFinite, cores >= 0 else {
            throw EngineError.invalid("--cpus must be a number ≥ 0, got \(cores)")
        }
        if cores == 0 { return CPUQuota(quotaUs: nil, periodUs: periodUs) }
        // sysconf failing (online < 1) still gets a bound: the product below must fit an Int64.
        guard cores <= Double(online >= 1 ? online : 1024) else {
            throw EngineError.invalid("--cpus \(cores) is more than this machine's \(online) CPUs (0 = unlimited)")
        }
        let q = CPUQuota(quotaUs: Int64((cores * Double(periodUs)).rounded()), periodUs: periodUs)
        try CPUQuota(quotaUs: nil, periodUs: periodUs).validate()   // the period
        if let quota = q.quotaUs, quota < minQuotaUs {
            let least = Double(minQuotaUs) / Double(periodUs)
            throw EngineError.invalid("--cpus \(cores) is below the least the kernel takes: \(least) with a \(periodUs) µs period")
        }
        return q
    }


    /// Throws `.invalid` when the kernel would refuse these values, before anything is written.
    public func validate() throws {
        guard Self.periodRange.contains(periodUs) else {
            throw EngineError.invalid("cpu period must be 1000..1000000 µs, got \(periodUs)")
        }
        if let q = quotaUs, q < Self.minQuotaUs {
            throw EngineError.invalid("cpu quota must be ≥ 1000 µs or -1 (unlimited), got \(q)")
        }
        if let q = quotaUs, q > Self.maxQuotaUs {
            throw EngineError.invalid("cpu quota must be at most \(Self.maxQuotaUs) µs (the kernel's limit) or -1 (unlimited), got \(q)")
        }
    }

    /// Cores this quota allows, nil when unlimited.
    public var cores: Double? {
        quotaUs.map { Double($0) / Double(periodUs) }
    }
}
