#if canImport(Glibc)
import Glibc
#endif

/// The supervisors this process forked (`startDetached`), reaped once they end. A supervisor
/// is the caller's child rather than double-forked to init: the second fork copied the whole
/// caller a second time on every start. A short-lived caller (`corral run -d`) exits and init
/// inherits them; a long-running one (the TUI, the bench) collects them here, at each start
/// and listing, so none stays a zombie for long.
final class SupervisorReaper {
    private var pids: [pid_t] = []
    private let lock = Mutex()

    func add(_ pid: pid_t) {
        lock.locked { pids.append(pid) }
    }

    /// Collects the supervisors that have ended (or were already collected by someone's
    /// `waitpid(-1)`); never blocks.
    func reap() {
        lock.locked {
            pids.removeAll { pid in
                var status: Int32 = 0
                let r = waitpid(pid, &status, WNOHANG)
                return r == pid || (r < 0 && errno == ECHILD)
            }
        }
    }
}
