import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// Blocks until the container has exited, as docker's `wait` does, and returns its status
    /// then: a running or paused one until its pid 1 has ended and its holder has recorded the
    /// exit, a created one until it has been started and has ended. Throws `.notFound` when it is
    /// removed first (an `rm -f` elsewhere).
    public func wait(_ name: String) throws -> ContainerStatus {
        while true {
            let st = try status(name)
            switch st.state {
            case .exited:
                return st
            case .running, .paused:
                if let pid = st.pid { waitForEnd(of: pid) }
                // The holder (supervisor or foreground `run`) writes `exit` once it has reaped
                // pid 1; until then the status would read "supervisor lost".
                if let holder = store.readSupervisor(name) {
                    waitForProcess(holder.pid, startTime: holder.startTime, seconds: 5) { store.readExit(name) != nil }
                }
            case .created:
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
