/// A cgroup's cumulative counters and the monotonic time they were read at.
public struct CPUSample: Equatable, Sendable {
    public var counters: CPUCounters
    public var wallNs: UInt64

    public init(counters: CPUCounters, wallNs: UInt64) {
        self.counters = counters
        self.wallNs = wallNs
    }
}
