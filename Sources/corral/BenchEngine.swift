import ArgumentParser
import Engine
import TUI
#if canImport(Glibc)
import Glibc
#endif

/// `corral bench-engine`: the in-process numbers of `make bench` (scripts/bench.sh), measured
/// the way the TUI meets them. `start` creates and starts containers through the Engine API in
/// this one process, as the TUI's new-container form does; `sweep` times what one refresh of
/// `corral top` costs: the backend's sweep of every container, and laying out one frame.
/// Prints one JSON object of raw timings (µs) on stdout. Hidden: a tool, not a verb.
struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine",
        abstract: "Time Engine API starts, or stats sweeps and frames (for scripts/bench.sh).",
        shouldDisplay: false)

    @OptionGroup var globals: GlobalOptions

    @Option(name: .long, help: "Start N detached containers through the Engine API, timing each.")
    var start: Int?

    @Option(name: .long, help: "Name prefix of the started containers (NAME-0, NAME-1, ...).")
    var prefix = "bench-api"

    @Option(name: .long, help: ArgumentHelp("Root filesystem of the started containers.", valueName: "dir"))
    var rootfs: String?

    @Option(name: .long, help: "Time K refreshes of the top backend over every container.")
    var sweep: Int?

    @Option(name: .long, help: "Terminal size the frame is laid out for (COLSxROWS).")
    var size = "160x50"

    @Argument(help: "The started containers' command.")
    var command: [String] = ["/bin/sleep", "100000"]

    func validate() throws {
        guard (start == nil) != (sweep == nil) else { throw ValidationError("give --start N or --sweep K") }
        if start != nil, rootfs == nil { throw ValidationError("--start needs --rootfs") }
    }

    func run() throws {
        let runtime = try globals.runtime()
        if let n = start {
            let starts = try timedStarts(runtime, n)
            print(Self.json(["startUs": starts]))
        } else if let k = sweep {
            let (sweeps, frames, count) = try timedRefreshes(runtime, k)
            print(Self.json(["sweepUs": sweeps, "frameUs": frames, "containers": [Double(count)]]))
        }
    }

    /// create + startDetached, as EngineTopBackend.create does for the TUI's form.
    private func timedStarts(_ runtime: Runtime, _ n: Int) throws -> [Double] {
        var out: [Double] = []
        runtime.prepareNetwork(keepingOneReady: true)   // as EngineTopBackend does
        for i in 0..<n {
            var spec = ContainerSpec()
            spec.name = "\(prefix)-\(i)"
            spec.rootfs = rootfs
            spec.command = command
            spec.detached = true
            let t0 = Clock.monotonicNs()
            let record = try runtime.create(spec)
            try runtime.startDetached(record)
            out.append(Double(Clock.monotonicNs() - t0) / 1000)
        }
        return out
    }

    /// One refresh of `corral top`: the backend's sample (state root + cgroup counters of every
    /// container), then the reducer and the layout of one frame (the curses paint is left out).
    private func timedRefreshes(_ runtime: Runtime, _ k: Int) throws -> ([Double], [Double], Int) {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2 else { throw ValidationError("--size must be COLSxROWS") }
        let term = TermSize(cols: parts[0], rows: parts[1])
        let caps = TUI.Capabilities(utf8: true, colors: 256)
        let backend = EngineTopBackend(runtime: runtime)
        var state = TopState(title: "corral top", refreshInterval: 1)
        _ = state.apply(.snapshot(try backend.sample(), at: 0))
        var sweeps: [Double] = [], frames: [Double] = []
        var count = 0
        for i in 1...max(1, k) {
            let t0 = Clock.monotonicNs()
            let snapshot = try backend.sample()
            let t1 = Clock.monotonicNs()
            _ = state.apply(.snapshot(snapshot, at: Double(i)))
            let rows = Render.viewportRows(state, size: term)
            if rows != state.viewportRows { _ = state.apply(.viewport(rows: rows)) }
            let frame = Render.frame(state, size: term, caps: caps)
            let t2 = Clock.monotonicNs()
            precondition(frame.width == term.cols)
            sweeps.append(Double(t1 - t0) / 1000)
            frames.append(Double(t2 - t1) / 1000)
            count = snapshot.containers.count
        }
        return (sweeps, frames, count)
    }

    /// {"key": [1.5, ...], ...}, values to 0.1 µs.
    private static func json(_ fields: [String: [Double]]) -> String {
        let body = fields.keys.sorted().map { key in
            "\"\(key)\": [" + fields[key]!.map { "\(($0 * 10).rounded() / 10)" }.joined(separator: ", ") + "]"
        }
        return "{" + body.joined(separator: ", ") + "}"
    }
}
