import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP during work that must undo what it half made — an image
/// import writes a tree that is only published whole: noted instead of ending the process, and
/// checked between steps, so the work throws and removes its tree, and then the command ends by
/// that signal (`endBySignal`) as a shell expects of a command it interrupted.
public enum Interruption {
    public static func noteSignals() { cspawn_note_signals() }

    /// The signal that arrived since `noteSignals`, or 0.
    public static var signal: Int32 { cspawn_noted_signal() }

    /// Dies of the noted signal (a shell running a loop of commands stops at a child killed by
    /// SIGINT, not at one that merely exited 130). Returns only if none was noted.
    public static func endBySignal() {
        let sig = signal
        guard sig != 0 else { return }
        Glibc.signal(sig, SIG_DFL)
        raise(sig)
        exit(128 + sig)
    }

    public static func check(_ context: String) throws {
        let sig = signal
        if sig != 0 { throw EngineError.conflict("\(context): interrupted by signal \(sig); nothing was kept") }
    }
}
