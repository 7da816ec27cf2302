import ArgumentParser
import Engine
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Live CPU use and throttling of running containers (from the kernel's counters).",
        discussion: "CPU% is 100 for one full core, like docker stats; THR% is the share of CFS periods throttled.")

    @OptionGroup var globals: GlobalOptions
    @Flag(name: .long, help: "Print one sample (over about one second) and exit.") var noStream = false
    @Flag(name: .long, help: "Print JSON (with --no-stream: one array; streaming: one array per line).") var json = false
    @Option(name: .long, parsing: .unconditional, help: "Seconds between samples.") var interval: Double = 1
    @Argument(help: "Containers to show, by name or id, whatever their state (default: every running one).") var names: [String] = []

    func validate() throws {
        guard interval >= 0.1, interval <= 3600, interval.isFinite else { throw ValidationError("--interval must be 0.1..3600 seconds") }
    }

    func run() throws {
        let runtime = try globals.runtime()
        warnAboutUnreadableContainers(runtime)
        // Names or ids as given, the container names they stand for from here on.
        let wanted = try names.map { try runtime.resolve($0) }
        for n in wanted { _ = try runtime.status(n) }
        // A terminal gets one screen redrawn in place; a pipe or file gets one frame after another.
        let redraw = !noStream && !json && isatty(STDOUT_FILENO) == 1
        // A reader that goes away (`| head`) ends the stream with exit 0 (StdoutFrame), not
        // with a death by SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var previous = runtime.sampleCPU(try containers(runtime, wanted))
        var first = true
        while true {
            usleep(useconds_t(interval * 1e6))
            let now = try containers(runtime, wanted)
            let current = runtime.sampleCPU(now)
            let rows: [StatsRow] = now.map { c in
                // Stopped (or not yet started) containers named on the command line: their row,
                // all zero, as `docker stats` shows them.
                guard let new = current[c.name] else { return StatsRow(c, rate: nil, counters: Self.noCounters) }
                let rate = previous[c.name].map { CPURate(from: $0, to: new) }
                return StatsRow(c, rate: rate, counters: new.counters)
            }
            previous = current
            var frame: String
            if json && noStream {
                frame = try JSONText.encode(rows) + "\n"
            } else if json {
                let e = JSONEncoder()
                e.outputFormatting = [.sortedKeys]
                frame = String(decoding: try e.encode(rows), as: UTF8.self) + "\n"
            } else {
                frame = Self.table(rows)
                if redraw && !first { frame = "\u{1B}[H\u{1B}[2J" + frame }
            }
            // Unbuffered: a reader of a pipe sees each frame as it is made, and a signal that
            // ends the stream loses nothing already sampled.
            try StdoutFrame.write(frame)
            first = false
            if noStream { return }
        }
    }

    private static let noCounters = CPUCounters(usageNs: 0, periods: 0, throttledPeriods: 0, throttledTimeNs: 0)

    /// Running and paused containers, or the ones named on the command line whatever their state.
    private func containers(_ runtime: Runtime, _ wanted: [String]) throws -> [ContainerStatus] {
        let all = try runtime.list()
        if wanted.isEmpty { return all.filter { $0.state == .running || $0.state == .paused } }
        return all.filter { wanted.contains($0.name) }
    }

    static func table(_ rows: [StatsRow]) -> String {
        var t = [["NAME", "STATE", "CPU%", "CPUS", "THR%", "THROTTLED", "PERIODS"]]
        for r in rows {
            t.append([r.name, r.state, Format.percent(r.cpuPercent), r.cpus.map { Format.cores($0) } ?? "∞",
                      Format.percent(r.throttledPercent), Format.duration(Double(r.throttledTimeNs) / 1e9),
                      "\(r.throttledPeriods)/\(r.periods)"])
        }
        return Format.table(t)
    }
}

/// One `stats --json` object; the field names are an interface.
struct StatsRow: Encodable {
    var name: String
    var state: String
    var cpuPercent: Double
    var throttledPercent: Double
    var usageNs: UInt64
    var periods: UInt64
    var throttledPeriods: UInt64
    var throttledTimeNs: UInt64
    @NullEncoded var cpus: Double?

    init(_ c: ContainerStatus, rate: CPURate?, counters: CPUCounters) {
        name = c.name
        state = c.state.rawValue
        cpuPercent = ((rate?.cpuPercent ?? 0) * 100).rounded() / 100
        throttledPercent = ((rate?.throttledPercent ?? 0) * 100).rounded() / 100
        usageNs = counters.usageNs
        periods = counters.periods
        throttledPeriods = counters.throttledPeriods
        throttledTimeNs = counters.throttledTimeNs
        cpus = c.record.limits.cpu.cores
    }
}

/// Output of a command that streams until it is stopped (`stats`): each frame goes to fd 1 at
/// once, past stdio's buffer, which holds a pipe's or a file's output until exit — and a
/// stream ended by a signal never reaches exit.
private enum StdoutFrame {
    /// Writes all of `text`. A reader that went away (`| head`) ends the process with exit 0,
    /// as when SIGPIPE is ignored; with SIGPIPE at its default the kernel ends it first.
    static func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + done, $0.count - done) }
            if n >= 0 {
                done += n
            } else if errno == EINTR {
                continue
            } else if errno == EPIPE {
                exit(0)
            } else {
                throw EngineError.fromErrno("write", "stdout")
            }
        }
    }
}
