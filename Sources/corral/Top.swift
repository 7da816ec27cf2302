import ArgumentParser
import Engine
import TUI

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Full-screen view of every container's CPU and throttling, with live quota sliders.",
        discussion: "Keys: ↑↓/jk select, Ctrl-F/B page, ←→/hl quota ±0.05 core, H/L ±0.5, 0/u unlimited, = exact, Enter details, n new, s stop/start, p pause, K kill, d remove, o logs, e shell, / filter, < > sort, + - refresh, ? help, q quit.")

    @OptionGroup var globals: GlobalOptions
    @Option(name: .long, parsing: .unconditional, help: "Seconds between refreshes (0.2..10).") var interval: Double = 1
    @Flag(name: .long, help: "No colours (also when $NO_COLOR is set).") var noColor = false
    @Flag(name: .long, help: .hidden) var fake = false

    func validate() throws {
        guard interval >= 0.2, interval <= 10 else { throw ValidationError("--interval must be 0.2..10 seconds") }
    }

    func run() throws {
        let options = TopOptions(refreshInterval: interval, noColor: noColor, title: "corral top")
        if fake {
            try exitAfter(runTop(backend: FakeBackend(), options: options))
            return
        }
        try exitAfter(runTop(backend: EngineTopBackend(runtime: globals.runtime()), options: options))
    }
}

/// `corral top` ended by SIGINT/SIGTERM/SIGHUP exits 128+signal, as a shell expects.
func exitAfter(_ exit: TopExit) throws {
    if case .signal(let sig) = exit { throw ExitCode(128 + sig) }
}
