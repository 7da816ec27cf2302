import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// `restart`, as docker's: all stopped at once (SIGTERM, SIGKILL after `timeout`), then each
    /// started again, detached. A running `--rm` container too: its holder would remove it when
    /// it stops, so from before the stop until its new run begins (`start` ends the mark) this
    /// process is named in its `restarting` file, and the removal that ends the old run leaves
    /// it be (`isBeingRestarted`); the new run's end removes it as usual. One that does not
    /// start again is removed as its stop would have, unless something else is starting or
    /// running it. One error (or nil) per name, in order.
    public func restart(_ names: [String], timeout: Double) -> [Error?] {
        var errors: [Error?] = names.map { _ in nil }
        var marked: [String: ContainerRecord] = [:]
        for (i, name) in names.enumerated() {
            do {
                if let record = try markRestarting(name) { marked[name] = record }
            } catch {
                errors[i] = error
            }
        }
        let toStop = names.indices.filter { errors[$0] == nil }
        for (i, error) in zip(toStop, stop(toStop.map { names[$0] }, timeout: timeout)) { errors[i] = error }
        for (i, name) in names.enumerated() where errors[i] == nil {
            do {
                try start(name)
            } catch {
                errors[i] = error
                guard let record = marked[name] else { continue }
                endRestarting(name)
                // Not when it is being started or run by something else (`start` said so).
                if case EngineError.conflict = error { continue }
                try? remove(name, force: false, onlyID: record.id)
            }
        }
        for name in marked.keys { endRestarting(name) }
        return errors
    }

    /// Names this process in a running or paused `--rm` container's `restarting` file; its
    /// record, or nil for any other container (nothing to keep from a removal). Refused while
    /// another live process is restarting it: each would clear the other's mark.
    private func markRestarting(_ name: String) throws -> ContainerRecord? {
        try store.withLock {
            let st = try status(name)
            guard st.record.autoRemove, st.state == .running || st.state == .paused else { return nil }
            if let other = store.readRestarting(name), isBeingRestarted(name) {
                throw EngineError.conflict("container \(name) is being restarted already (pid \(other.pid))")
            }
            try store.writeRestarting(name, pid: getpid(), startTime: cspawn_process_starttime(getpid()))
            return st.record
        }
    }

    /// Removes the `restarting` file if it names this process.
    func endRestarting(_ name: String) {
        guard let r = store.readRestarting(name), r.pid == getpid() else { return }
        store.clearRestarting(name)
    }

    /// Whether a live process other than this one is restarting the container (its `--rm`
    /// removal is then not done).
    func isBeingRestarted(_ name: String) -> Bool {
        guard let r = store.readRestarting(name), r.pid != getpid() else { return false }
        return cspawn_process_starttime(r.pid) == r.startTime
    }
}
