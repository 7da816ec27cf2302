import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// `restart`, as docker's: all stopped at once (SIGTERM, SIGKILL after `timeout`), then each
    /// started again, detached. A `--rm` container too: its holder would remove it when it
    /// stops, so for the while this process is named in its `restarting` file, and the removal
    /// that ends its run leaves it be (`isBeingRestarted`). Should it not start again, it is
    /// removed, as its stop would have. One error (or nil) per name, in order.
    public func restart(_ names: [String], timeout: Double) -> [Error?] {
        var marked: [String: ContainerRecord] = [:]
        for name in names {
            guard let record = try? store.load(name), record.autoRemove else { continue }
            if (try? store.withLock { try store.writeRestarting(name, pid: getpid(), startTime: cspawn_process_starttime(getpid())) }) != nil {
                marked[name] = record
            }
        }
        var errors = stop(names, timeout: timeout)
        for (i, name) in names.enumerated() where errors[i] == nil {
            do {
                try start(name)
            } catch {
                errors[i] = error
                if let record = marked[name] {
                    store.clearRestarting(name)
                    marked[name] = nil
                    try? remove(name, force: true, onlyID: record.id)
                }
            }
        }
        for name in marked.keys { store.clearRestarting(name) }
        return errors
    }

    /// Whether a live process other than this one is restarting the container (its `--rm`
    /// removal is then not done).
    func isBeingRestarted(_ name: String) -> Bool {
        guard let r = store.readRestarting(name), r.pid != getpid() else { return false }
        return cspawn_process_starttime(r.pid) == r.startTime
    }
}
