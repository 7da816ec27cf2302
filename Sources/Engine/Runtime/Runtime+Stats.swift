extension Runtime {
    /// One CPU sample of each live container's cgroup (one read pass over the kernel files),
    /// keyed by container name. Front ends keep the previous sweep and ask for rates.
    public func sampleCPU(_ containers: [ContainerStatus]) -> [String: CPUSample] {
        let live = containers.filter { $0.state == .running || $0.state == .paused }
        let result = CgroupSweep(driver: cgroups).run(live.map(\.record.cgroup))
        var out: [String: CPUSample] = [:]
        for c in live {
            if let s = result.samples[c.record.cgroup] { out[c.name] = s }
        }
        return out
    }
}
