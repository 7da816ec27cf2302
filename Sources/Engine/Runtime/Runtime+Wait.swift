import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// Blocks until the container has exited, as docker's `wait` does, and returns its exit code
    /// (nil with the reason when it ended without one): a running or paused one until its pid 1
    /// has ended and its holder has recorded the exit, a created one until it has been started
    /// and has ended. Throws `.notFound` when it is removed first by someone else.
    /// `watch`: taken before an earlier name was waited for (see `exitWatch`).
    public func wait(_ name: String, watch: ExitWatch? = nil) throws -> (code: Int32?, reason: String?) {
        // How it ended, as its holder recorded it or else as the kernel keeps it for pid 1's
        // pidfd: a --rm container's holder removes the container right after writing `exit`,
        // often before the next status (a waiter polling for the file can miss it).
        var ended: Int32?
        while true {
            let st: ContainerStatus
            do {
                st = try status(name)
            } catch EngineError.notFound where (ended ?? watch?.code) != nil {
                return (ended ?? watch?.code, nil)
            }
            switch st.state {
            case .exited:
                return (st.exitCode, st.exitReason)
            case .running, .paused:
                // Read before the end: afterwards a --rm holder may have removed it already.
                let holder = store.readSupervisor(name)
                let end = exitWatch(of: st)
                waitForEnd(end.pidfd)
                // The holder (supervisor or foreground `run`) writes `exit` once it has reaped
                // pid 1 (until then `status` calls the container running).
                if let holder {
                    waitForProcess(holder.pid, startTime: holder.startTime, seconds: 5) {
                        ended = store.readExit(name)?.code ?? ended
                        return ended != nil
                    }
                }
                ended = ended ?? end.code
            case .created:
                // Only a live holder (the `run` or `start` making it) will ever start it.
                guard holderIsAlive(name) == true else {
                    throw EngineError.conflict("container \(name) has not been started and nothing is starting it")
                }
                usleep(20_000)
            }
        }
    }

    /// A pidfd for the container's pid 1, or -1 (no pidfds, or the pid is gone or no longer
    /// the process `status` saw: it ended and the number went to another). Ended but not yet
    /// reaped (a start time of 0) is still ours, and its pidfd will have the exit status.
    private func openPidfd(_ pid: pid_t, startTime: UInt64?) -> Int32 {
        let fd = cspawn_pidfd_open(pid)
        guard fd >= 0 else { return -1 }
        if let startTime, startTime != 0 {
            let now = cspawn_process_starttime(pid)
            if now != 0 && now != startTime {
                close(fd)
                return -1
            }
        }
        return fd
    }

    /// What `wait` needs to tell how a container ended even once it is gone (a --rm one):
    /// the code when it has ended already, else its pid 1's pidfd. Taken for every name before
    /// the first is waited for, as a --rm container may end, and go, while `wait` is still on
    /// an earlier one. nil when the container is not there.
    public func exitWatch(_ name: String) -> ExitWatch? {
        guard let st = try? status(name) else { return nil }
        return exitWatch(of: st)
    }

    private func exitWatch(of st: ContainerStatus) -> ExitWatch {
        switch st.state {
        case .exited: return ExitWatch(code: st.exitCode, pidfd: -1)
        case .running, .paused: return ExitWatch(code: nil, pidfd: st.pid.map { openPidfd($0, startTime: st.startTicks) } ?? -1)
        case .created: return ExitWatch(code: nil, pidfd: -1)
        }
    }

    /// Whether this kernel keeps a reaped process's exit status for its pidfds (Linux 6.15:
    /// `PIDFD_INFO_EXIT`), which `wait` falls back on once a `--rm` container is gone.
    public static var kernelKeepsExitStatus: Bool { cspawn_pidfd_keeps_exit_status() == 1 }

    /// Sleeps until the process behind `pidfd` has ended: on the pidfd, not by polling, when
    /// the kernel has pidfds.
    private func waitForEnd(_ pidfd: Int32) {
        guard pidfd >= 0 else {
            usleep(20_000)
            return
        }
        var p = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        while poll(&p, 1, -1) < 0 && errno == EINTR {}
    }
}

/// See `Runtime.exitWatch`. Holds a pidfd until released.
public final class ExitWatch {
    private let known: Int32?
    /// -1 when there is none.
    let pidfd: Int32

    init(code: Int32?, pidfd: Int32) {
        known = code
        self.pidfd = pidfd
    }

    deinit { if pidfd >= 0 { close(pidfd) } }

    /// The code it ended with: known when the watch was taken, or now from the kernel once
    /// pid 1 has been reaped (nil before that, or without PIDFD_INFO_EXIT).
    public var code: Int32? {
        if let known { return known }
        var status: Int32 = 0
        guard pidfd >= 0, cspawn_pidfd_exit_status(pidfd, &status) == 0 else { return nil }
        return Runtime.exitCode(waitStatus: status).code
    }
}
