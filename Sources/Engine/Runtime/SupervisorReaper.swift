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
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    func add(_ pid: pid_t) {
        pthread_mutex_lock(&lock)
        pids.append(pid)
        pthread_mutex_unlock(&lock)
    }

    /// Collects the supervisors that have ended (or were already collected by someone's
    /// `waitpid(-1)`); never blocks.
    func reap() {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard !pids.isEmpty else { return }
        pids.removeAll { pid in
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            return r == pid || (r < 0 && errno == ECHILD)
        }
    }
}
