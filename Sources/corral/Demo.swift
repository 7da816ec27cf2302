import ArgumentParser
import Engine
import TUI

/// Starts a few CPU burners under different quotas from the builtin busybox image and opens
/// the TUI on them, so throttling can be watched (and the quotas dragged) at once.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show CFS throttling: start demo containers under different quotas and open the TUI.",
        discussion: "Removes what it started on quit unless --keep.")

    @OptionGroup var globals: GlobalOptions
    @Flag(name: .long, help: "Leave the demo containers running on quit.") var keep = false
    @Flag(name: .long, help: "No colours (also when $NO_COLOR is set).") var noColor = false
    @Option(name: .long, help: "Seconds between refreshes (0.2..10).") var interval: Double = 1

    static let burn = "while :; do :; done"
    /// name, cores (nil = unlimited), shell script
    static let containers: [(String, Double?, String)] = [
        ("demo-unlimited", nil, burn),
        ("demo-half", 0.5, burn),
        ("demo-fifth", 0.2, burn),
        ("demo-bursty", 0.5, "while :; do timeout 3 sh -c '\(burn)'; sleep 3; done"),
    ]

    func validate() throws {
        guard interval >= 0.2, interval <= 10 else { throw ValidationError("--interval must be 0.2..10 seconds") }
    }

    func run() throws {
        let runtime = try globals.runtime()
        var started: [String] = []
        runtime.prepareNetwork(keepingOneReady: true)
        defer {
            if !keep { for name in started { try? runtime.remove(name, force: true) } }
        }
        for (name, cores, script) in Self.containers {
            if let existing = try? runtime.status(name) {
                // A demo kept from last time: reuse it if it still runs.
                if existing.state == .running || existing.state == .paused { started.append(name); continue }
                try runtime.remove(name, force: true)
            }
            var spec = ContainerSpec()
            spec.name = name
            spec.image = "busybox"
            spec.command = ["sh", "-c", script]
            spec.limits.cpu = try CPUQuota.cores(cores ?? 0)
            spec.detached = true
            let record = try runtime.create(spec)
            started.append(name)
            try runtime.startDetached(record)
        }
        // The defer above removes the demo containers on quit and on SIGINT/SIGTERM/SIGHUP.
        try exitAfter(runTop(backend: EngineTopBackend(runtime: runtime),
                             options: TopOptions(refreshInterval: interval, noColor: noColor, title: "corral demo")))
    }
}
