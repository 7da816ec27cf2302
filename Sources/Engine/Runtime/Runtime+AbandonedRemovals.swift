import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// `--rm` containers that have ended while nobody was left to remove them: their holder (the
    /// supervisor, or the CLI of a foreground run) was killed, so the container died with it
    /// (PDEATHSIG) and the removal it would have done never came. docker's daemon removes such
    /// a container anyway; here a tidying listing does, if the store lock is free now (a
    /// `start` or `rm` holding it may be acting on one). Returns the names removed.
    func removeAbandonedAutoRemovals(_ listed: [ContainerStatus]) -> Set<String> {
        let failed = failedRemovalsLock.locked { () -> Set<String> in
            // Forget containers removed since (by hand, or by a later listing).
            if !failedRemovals.isEmpty { failedRemovals.formIntersection(listed.map(\.record.id)) }
            return failedRemovals
        }
        let candidates = listed.filter {
            $0.record.autoRemove && $0.state == .exited && !failed.contains($0.record.id) && holderIsAlive($0.record.name) != true
                && !isBeingRestarted($0.record.name)
        }
        guard !candidates.isEmpty, let lock = try? FileLock.holdIfFree(store.lockPath) else { return [] }
        defer { close(lock) }
        var removed: Set<String> = []
        for c in candidates {
            // Again under the lock: it may have been removed, or started anew, meanwhile.
            guard let record = try? store.load(c.record.name), record.id == c.record.id,
                  status(of: record).state == .exited, holderIsAlive(record.name) != true,
                  !isBeingRestarted(record.name) else { continue }
            if (try? destroy(record)) != nil {
                removed.insert(record.name)
            } else {
                _ = failedRemovalsLock.locked { failedRemovals.insert(record.id) }
            }
        }
        return removed
    }
}
