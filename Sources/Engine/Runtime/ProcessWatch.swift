#if canImport(Glibc)
import Glibc
#endif
import CSpawn

/// Pidfds of the containers a long-running lister (`corral top`) has seen running. Telling that
/// one is still running otherwise takes three files per container and refresh (`exit`, `pid`,
/// `/proc/<pid>/stat`); with a pidfd per container, one `poll` over all of them answers for every
/// container at once. A pidfd names one process, not a pid number, so a recycled pid can't fool
/// it; a process that has ended (zombie or reaped) polls readable and goes back to the full check.
/// One per lister.
public final class ProcessWatch {
    public struct Process: Equatable {
        public let containerID: String
        public let pid: pid_t
        public let startTime: UInt64
        fileprivate let fd: Int32
    }

    private var watched: [String: Process] = [:]
    /// `watch` is called from both threads of a split refresh (SweepWorker).
    private let lock = Mutex()
    /// Leaves room for KnobFiles and everything else under the descriptor limit; past it the
    /// containers that don't fit are checked through their files as before.
    private let limit: Int

    public init() {
        limit = DescriptorBudget.share(4)
    }

    deinit {
        for p in watched.values { close(p.fd) }
    }

    /// The watched processes that are still running, by container name. Forgets the ended ones.
    func running() -> [String: Process] {
        lock.locked(pollWatched)
    }

    private func pollWatched() -> [String: Process] {
        guard !watched.isEmpty else { return [:] }
        let entries = Array(watched)
        var fds = entries.map { pollfd(fd: $0.value.fd, events: Int16(POLLIN), revents: 0) }
        while poll(&fds, nfds_t(fds.count), 0) < 0 {
            guard errno == EINTR else { return [:] }  // nothing known: every container takes the full check
        }
        var out: [String: Process] = [:]
        for (i, (name, process)) in entries.enumerated() {
            if fds[i].revents == 0 {
                out[name] = process
            } else {
                close(process.fd)
                watched[name] = nil
            }
        }
        return out
    }

    /// Watches a container's pid 1, just seen running with this start time.
    func watch(_ name: String, containerID: String, pid: pid_t, startTime: UInt64) {
        guard lock.locked({ watched[name] == nil && watched.count < limit }) else { return }
        let fd = cspawn_pidfd_open(pid)
        guard fd >= 0 else { return }
        // The pid may have been recycled between the check that saw it running and the open.
        guard cspawn_process_starttime(pid) == startTime else {
            close(fd)
            return
        }
        let added = lock.locked { () -> Bool in
            guard watched[name] == nil else { return false }
            watched[name] = Process(containerID: containerID, pid: pid, startTime: startTime, fd: fd)
            return true
        }
        if !added { close(fd) }
    }

    /// Stops watching every container but these (removed meanwhile).
    func retain(only names: Set<String>) {
        lock.locked {
            for (name, p) in watched where !names.contains(name) {
                close(p.fd)
                watched[name] = nil
            }
        }
    }
}
