extension Runtime {
    /// New limits for a container (running, paused, or exited: they hold at its next start); each nil leaves that limit as it is.
    /// Everything is validated before anything is written; the record follows the kernel. All
    /// or nothing: when the kernel refuses one limit (on v1, a memory limit below what the
    /// container holds in tmpfs is EBUSY), those already written go back to the recorded values.
    /// Returns what was written where.
    @discardableResult
    public func update(_ name: String, cpu: CPUQuota? = nil, pidsMax: Int64?? = nil, memoryBytes: Int64?? = nil) throws -> [KernelWrite] {
        try ContainerName.validate(name)
        try cpu?.validate()
        if case let .some(.some(p)) = pidsMax, p < 1 { throw EngineError.invalid("--pids-limit must be ≥ 1, or 0 or -1 (unlimited)") }
        if case let .some(.some(m)) = memoryBytes, m < 4 << 20 { throw EngineError.invalid("--memory must be at least 4 MiB") }
        return try store.withLock {
            // An exited container keeps its cgroup until `rm`: written now, the limits hold at
            // its next `start` (docker's update of a stopped container).
            var record = try store.load(name)
            let recorded = record.limits
            var writes: [KernelWrite] = []
            do {
                if let cpu {
                    writes += try cgroups.setCPU(record.cgroup, cpu)
                    record.limits.cpu = cpu
                }
                if let pidsMax {
                    writes += try cgroups.setPidsLimit(record.cgroup, pidsMax)
                    record.limits.pidsMax = pidsMax
                }
                if let memoryBytes {
                    writes += try cgroups.setMemoryLimit(record.cgroup, memoryBytes)
                    record.limits.memoryBytes = memoryBytes
                }
                try store.save(record)
            } catch {
                // Every kind asked for, not only those fully written: one limit is two files
                // (quota and period; memory and memory+swap), and the first may have been taken.
                if cpu != nil { _ = try? cgroups.setCPU(record.cgroup, recorded.cpu) }
                if pidsMax != nil { _ = try? cgroups.setPidsLimit(record.cgroup, recorded.pidsMax) }
                if memoryBytes != nil { _ = try? cgroups.setMemoryLimit(record.cgroup, recorded.memoryBytes) }
                throw error
            }
            return writes
        }
    }
}
