extension Runtime {
    /// One CPU sample of each live container's cgroup (one read pass over the kernel files),
    /// keyed by container name. Front ends keep the previous sweep and ask for rates.
    /// `worker`: a second thread that reads half of the groups (SweepWorker).
    public func sampleCPU(_ containers: [ContainerStatus], worker: SweepWorker? = nil) -> [String: CPUSample] {
        let live = containers.filter { $0.state == .running || $0.state == .paused }
        let groups = live.map(\.record.cgroup)
        let sweep = CgroupSweep(driver: cgroups)
        var samples: [CgroupPath: CPUSample]
        if let worker, groups.count >= SweepWorker.minimumSplit {
            let half = groups.count / 2
            let (first, second) = worker.split({ sweep.run(Array(groups[..<half])) }, { sweep.run(Array(groups[half...])) })
            samples = first.samples
            samples.merge(second.samples) { a, _ in a }
        } else {
            samples = sweep.run(groups).samples
        }
        var out: [String: CPUSample] = [:]
        out.reserveCapacity(live.count)
        for c in live {
            if let s = samples[c.record.cgroup] { out[c.name] = s }
        }
        return out
    }
}
