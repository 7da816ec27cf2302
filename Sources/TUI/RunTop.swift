#if canImport(Glibc)
import Glibc
#endif

/// How `runTop` starts.
public struct TopOptions: Equatable, Sendable {
    /// Seconds between sweeps (the `+`/`-` keys change it while running).
    public var refreshInterval: Double
    /// Draw without colour (attributes only), as the `NO_COLOR` environment variable also does.
    public var noColor: Bool
    /// Shown at the left of the title bar, e.g. "corral top" or "corral demo".
    public var title: String
    /// What quitting does to the containers, as the help says it ("containers stay" for `top`;
    /// the demo removes its own).
    public var onQuit: String

    public init(refreshInterval: Double = 1, noColor: Bool = false, title: String = "corral top",
                onQuit: String = TopState.containersStay) {
        self.refreshInterval = refreshInterval
        self.noColor = noColor
        self.title = title
        self.onQuit = onQuit
    }
}

/// How the screen was left.
public enum TopExit: Equatable, Sendable {
    /// The user quit (q / F10).
    case quit
    /// SIGINT, SIGTERM or SIGHUP arrived; the terminal has been restored. The caller may clean
    /// up and then exit with 128+signal.
    case signal(Int32)
}

/// Throws (the error `runTop` would) unless stdin and stdout are terminals. For a caller that
/// sets things up before `runTop` and must not when it would fail (the demo starts containers).
public func requireTerminal() throws {
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
        throw TopError("needs a terminal: stdin and stdout must be a tty")
    }
}

/// Runs the full-screen `corral top` on the terminal until the user quits or a quit signal
/// arrives, and gives the terminal back as it found it (also on crash signals). Single-threaded:
/// every backend call is made from this thread. Containers are left as they are.
/// Throws when stdin/stdout is not a terminal or curses can't start.
@discardableResult
public func runTop(backend: TopBackend, options: TopOptions) throws -> TopExit {
    let screen = try CursesScreen(noColor: options.noColor)
    TerminalSignals.install()
    defer {
        screen.close()
        TerminalSignals.restore()
    }
    let app = TopApp(backend: backend, screen: screen, options: options)
    return app.run()
}
