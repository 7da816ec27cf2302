import CSpawn

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP during work that must undo what it half made — an image
/// import writes a tree that is only published whole: noted instead of ending the process, and
/// checked between steps, so the work throws, removes its tree, and the command exits 128+signal.
public enum Interruption {
    public static func noteSignals() { cspawn_note_signals() }

    /// The signal that arrived since `noteSignals`, or 0.
    public static var signal: Int32 { cspawn_noted_signal() }

    static func check(_ context: String) throws {
        let sig = signal
        if sig != 0 { throw EngineError.conflict("\(context): interrupted by signal \(sig); nothing was kept") }
    }
}
