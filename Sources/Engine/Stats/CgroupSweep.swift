#if canImport(Glibc)
import Glibc
#endif

/// Reads the CPU counters of many cgroups in one pass, stamping each with the time it was read.
/// The TUI draws a whole frame from one sweep; a group that fails (removed meanwhile) is
/// reported on its own and doesn't spoil the rest.
public struct CgroupSweep: Sendable {
    public struct Result: Sendable {
        public var samples: [CgroupPath: CPUSample]
        public var failures: [CgroupPath: EngineError]

        public init(samples: [CgroupPath: CPUSample] = [:], failures: [CgroupPath: EngineError] = [:]) {
            self.samples = samples
            self.failures = failures
        }

        public var counters: [CgroupPath: CPUCounters] { samples.mapValues(\.counters) }

        /// Rates for the groups present in both sweeps.
        public func rates(since previous: Result) -> [CgroupPath: CPURate] {
            var out: [CgroupPath: CPURate] = [:]
            out.reserveCapacity(samples.count)
            for (group, now) in samples {
                if let before = previous.samples[group] { out[group] = CPURate(from: before, to: now) }
            }
            return out
        }
    }

    public let driver: CgroupDriver

    public init(driver: CgroupDriver) { self.driver = driver }

    public func run(_ groups: [CgroupPath]) -> Result {
        var result = Result()
        result.samples.reserveCapacity(groups.count)
        for group in groups {
            do {
                let counters = try driver.readCPU(group)
                result.samples[group] = CPUSample(counters: counters, wallNs: Clock.monotonicNs())
            } catch let e as EngineError {
                result.failures[group] = e
            } catch {
                result.failures[group] = .system(step: "read cpu counters", path: group.description, errno: EIO)
            }
        }
        return result
    }
}
