#if canImport(Glibc)
import Glibc
#endif

/// The signals a foreground container gets from its caller (cspawn_wait_foreground forwards
/// them while it waits).
enum ForwardedSignals {
    static let all = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

    static func block() -> sigset_t {
        var set = sigset_t(), old = sigset_t()
        sigemptyset(&set)
        for s in all { sigaddset(&set, s) }
        sigprocmask(SIG_BLOCK, &set, &old)
        return old
    }

    /// The calling thread's mask (sigprocmask is per thread in a threaded process).
    static func restore(_ old: sigset_t) {
        var old = old
        sigprocmask(SIG_SETMASK, &old, nil)
    }
}
