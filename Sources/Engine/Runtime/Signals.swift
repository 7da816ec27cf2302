#if canImport(Glibc)
import Glibc
#endif

/// Signal names as `kill` and docker take them: "TERM", "SIGTERM", "15".
public enum Signals {
    static let table: [(String, Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL), ("TRAP", SIGTRAP),
        ("ABRT", SIGABRT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("KILL", SIGKILL), ("USR1", SIGUSR1),
        ("SEGV", SIGSEGV), ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM), ("TERM", SIGTERM),
        ("STKFLT", SIGSTKFLT), ("CHLD", SIGCHLD), ("CONT", SIGCONT), ("STOP", SIGSTOP), ("TSTP", SIGTSTP),
        ("TTIN", SIGTTIN), ("TTOU", SIGTTOU), ("URG", SIGURG), ("XCPU", SIGXCPU), ("XFSZ", SIGXFSZ),
        ("VTALRM", SIGVTALRM), ("PROF", SIGPROF), ("WINCH", SIGWINCH), ("IO", SIGIO), ("PWR", SIGPWR),
        ("SYS", SIGSYS),
    ]

    public static func parse(_ text: String) throws -> Int32 {
        if let n = Int32(text) {
            guard n >= 1 && n <= 64 else { throw EngineError.invalid("invalid signal \(ContainerName.quoted(text)): must be 1..64") }
            return n
        }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        guard let hit = table.first(where: { $0.0 == name }) else {
            throw EngineError.invalid("invalid signal \(ContainerName.quoted(text))")
        }
        return hit.1
    }

    public static func name(_ sig: Int32) -> String {
        table.first(where: { $0.1 == sig }).map { "SIG" + $0.0 } ?? "signal \(sig)"
    }
}
