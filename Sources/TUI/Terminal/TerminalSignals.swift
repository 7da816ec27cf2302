import CTerminalSignals

/// The signal handlers that keep the terminal usable (Sources/CTerminalSignals).
enum TerminalSignals {
    /// SIGINT/SIGTERM/SIGHUP set a flag read by `takeQuitSignal`; crash signals restore the
    /// terminal and re-raise. Saves the handlers in place before.
    static func install() { cts_install_signal_handlers() }

    /// Puts back the handlers saved by `install`.
    static func restore() { cts_restore_signal_handlers() }

    /// The quit signal received since the last call, if any.
    static func takeQuitSignal() -> Int32? {
        let sig = cts_take_quit_signal()
        return sig == 0 ? nil : Int32(sig)
    }
}
