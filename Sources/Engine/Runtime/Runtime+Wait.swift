import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// Blocks until the container has exited, as docker's `wait` does, and returns its exit code
    /// (nil with the reason when it ended without one): a running or paused one until its pid 1
    /// has ended and its holder has recorded the exit, a created one until it has been started
    /// and has ended. Throws `.notFound` when it is removed first by someone else.
    public func wait(_ name: String) throws -> (code: Int32?, reason: String?) {
        // The exit as recorded: a --rm container's holder removes it right after, maybe before
        // the next status.
        var recorded: (code: Int32, signal: Int32)?
        while true {
            let st: ContainerStatus
            do {
                st = try status(name)
            } catch EngineError.notFound where recorded != nil {
                return (recorded?.code, nil)
            }
            switch st.state {
            case .exited:
                return (st.exitCode, st.exitReason)
            case .running, .paused:
                if let pid = st.pid { waitForEnd(of: pid) }
                // The holder (supervisor or foreground `run`) writes `exit` once it has reaped
                // pid 1; until then the status would read "supervisor lost".
                if let holder = store.readSupervisor(name) {
                    waitForProcess(holder.pid, startTime: holder.startTime, seconds: 5) {
                        recorded = store.readExit(name)
                        return recorded != nil
                    }
                }
            case .created:
                // Only a live holder (the `run` or `start` making it) will ever start it.
                guard holderIsAlive(name) == true else {
                    throw EngineError.conflict("container \(name) has not been started and nothing is starting it")
                }
                usleep(20_000)
            }
        }
    }

    /// Sleeps until `pid` has ended: on a pidfd, not by polling, when the kernel has pidfds.
    private func waitForEnd(of pid: pid_t) {
        let fd = cspawn_pidfd_open(pid)
        guard fd >= 0 else {
            usleep(20_000)
            return
        }
        defer { close(fd) }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&p, 1, -1) < 0 && errno == EINTR {}
    }
}
