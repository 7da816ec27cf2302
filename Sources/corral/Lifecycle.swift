import ArgumentParser
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// `--time S` of `stop` and `restart`: the grace between SIGTERM and SIGKILL.
struct GraceOption: ParsableArguments {
    // .unconditional: "-1" is read as the (refused) value it is, not as a missing one.
    @Option(name: .shortAndLong, parsing: .unconditional, help: "Seconds to wait before SIGKILL.") var time: Double = 10

    func validate() throws {
        guard time >= 0, time.isFinite, time <= 86400 else { throw ValidationError("--time must be 0..86400 seconds") }
    }
}

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop a container: SIGTERM, then SIGKILL after --time seconds.")
    @OptionGroup var globals: GlobalOptions
    @OptionGroup var grace: GraceOption
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        let runtime = try globals.runtime()
        // All at once: one grace period for all, as docker's.
        var next = ResolvedNames.acting(on: names, runtime: runtime) { runtime.stop($0, timeout: grace.time) }.makeIterator()
        try EachNamed.run(names, verb: "stop") { _ in if let error = next.next() ?? nil { throw error } }
    }
}

/// Verbs that act on all their containers in one Engine call (`stop`, `restart`).
enum ResolvedNames {
    /// Resolves each name or id given, calls `act` once with the containers found, and returns
    /// per name given, in order, why it could not be resolved or acted on, or nil.
    static func acting(on names: [String], runtime: Runtime, _ act: ([String]) -> [Error?]) -> [Error?] {
        var outcomes: [Error?] = names.map { _ in nil }
        var resolved: [(index: Int, name: String)] = []
        for (i, given) in names.enumerated() {
            do { resolved.append((i, try runtime.resolve(given))) } catch { outcomes[i] = error }
        }
        for (r, error) in zip(resolved, act(resolved.map(\.name))) { outcomes[r.index] = error }
        return outcomes
    }
}

struct Restart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Stop containers (SIGTERM, SIGKILL after --time seconds), then start them again.")
    @OptionGroup var globals: GlobalOptions
    @OptionGroup var grace: GraceOption
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        let runtime = try globals.runtime()
        var next = ResolvedNames.acting(on: names, runtime: runtime) { runtime.restart($0, timeout: grace.time) }.makeIterator()
        try EachNamed.run(names, verb: "restart") { _ in if let error = next.next() ?? nil { throw error } }
    }
}

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start an exited container again, detached, with the same layer and limits.")
    @OptionGroup var globals: GlobalOptions
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        let runtime = try globals.runtime()
        try EachNamed.run(names, verb: "start") { try runtime.start(try runtime.resolve($0)) }
    }
}

struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Block until containers have exited, then print their exit codes, one a line.")
    @OptionGroup var globals: GlobalOptions
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        let runtime = try globals.runtime()
        // Every container watched before the first is waited for: a --rm one that ends while
        // an earlier one is still being waited for is gone by its turn.
        var watches: [String: ExitWatch] = [:]
        for name in names {
            if let resolved = try? runtime.resolve(name), let watch = runtime.exitWatch(resolved) { watches[name] = watch }
        }
        try EachNamed.runPrinting(names, verb: "wait") { name in
            let end: (code: Int32?, reason: String?)
            do {
                end = try runtime.wait(try runtime.resolve(name), watch: watches[name])
            } catch EngineError.notFound where watches[name]?.code != nil {
                end = (watches[name]?.code, nil)
            }
            guard let code = end.code else {
                throw EngineError.conflict("container \(name) ended without running (\(end.reason ?? "no exit code"))")
            }
            return String(code)
        }
    }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Send a signal to a container's pid 1 (default SIGKILL).")
    @OptionGroup var globals: GlobalOptions
    @Option(name: .shortAndLong, help: "Signal name or number.") var signal: String = "KILL"
    @Argument(help: "Container names or ids.") var names: [String]

    func validate() throws {
        do { _ = try Signals.parse(signal) } catch let error as EngineError { throw ValidationError(error.description) }
    }

    func run() throws {
        let sig = try Signals.parse(signal)
        let runtime = try globals.runtime()
        try EachNamed.run(names, verb: "kill") { try runtime.kill(try runtime.resolve($0), signal: sig) }
    }
}

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Freeze every process of a container (cgroup freezer).")
    @OptionGroup var globals: GlobalOptions
    @Argument(help: "Container names or ids.") var names: [String]
    func run() throws {
        let runtime = try globals.runtime()
        try EachNamed.run(names, verb: "pause") { try runtime.pause(try runtime.resolve($0)) }
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Thaw a paused container.")
    @OptionGroup var globals: GlobalOptions
    @Argument(help: "Container names or ids.") var names: [String]
    func run() throws {
        let runtime = try globals.runtime()
        try EachNamed.run(names, verb: "resume") { try runtime.resume(try runtime.resolve($0)) }
    }
}

struct Rm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a container (its cgroups, mounts and state).")
    @OptionGroup var globals: GlobalOptions
    @Flag(name: .shortAndLong, help: "Kill it first if it is running.") var force = false
    /// What a `--rm` container's supervisor runs when the container ended: remove it only if
    /// the name still belongs to that container.
    @Option(name: .customLong("if-id"), help: .hidden) var ifID: String?
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        let runtime = try globals.runtime()
        if let ifID {
            // The supervisor's own removal names the container exactly, and says nothing.
            for name in names { try runtime.remove(name, force: force, onlyID: ifID, unlessRestarting: true) }
            return
        }
        try EachNamed.run(names, verb: "rm") { name in
            let target = try runtime.resolveWithID(name)
            try runtime.remove(target.name, force: force, onlyID: target.id)
        }
    }
}

struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change containers' CPU, pids or memory limits while they run.")
    @OptionGroup var globals: GlobalOptions
    @OptionGroup var limits: LimitOptions
    @Flag(name: .shortAndLong, help: "Print each kernel file written and its new value.") var verbose = false
    @Argument(help: "Container names or ids.") var names: [String]

    /// What can be told wrong without the container is a usage error (exit 64): no limit given,
    /// or a value that is no limit whatever the container's present ones.
    func validate() throws {
        let limits = self.limits.values
        guard limits.touchesCPU || limits.pidsLimit != nil || limits.memoryText != nil else {
            throw ValidationError("update needs --cpus, --cpu-quota, --cpu-period, --pids-limit or --memory")
        }
        do {
            if limits.touchesCPU { _ = try limits.cpuQuota(current: .unlimited) }
            _ = try limits.pids()
            _ = try limits.memoryLimit()
        } catch let error as EngineError {
            throw ValidationError(error.description)
        }
    }

    /// Each container in turn, its name printed when done (as docker's).
    func run() throws {
        let runtime = try globals.runtime()
        let limits = self.limits.values
        try EachNamed.run(names, verb: "update") { given in
            let name = try runtime.resolve(given)
            let current = try runtime.status(name)
            let cpu = limits.touchesCPU ? try limits.cpuQuota(current: current.record.limits.cpu) : nil
            let writes = try runtime.update(name, cpu: cpu, pidsMax: try limits.pids(), memoryBytes: try limits.memoryLimit())
            if verbose { for w in writes { print("\(w.path) ← \(w.value)") } }
        }
    }
}

/// docker's way with a verb given several containers (or images): each in turn, its name (as given)
/// printed when done, a failure reported on a line of its own without stopping the others;
/// the command fails if any failed. With one name its error is the command's error.
enum EachNamed {
    static func run(_ names: [String], verb: String, needs: String = "a container name or id",
                    _ body: (String) throws -> Void) throws {
        try runPrinting(names, verb: verb, needs: needs) { name in
            try body(name)
            return name
        }
    }

    /// The same, printing what `body` returns for each instead of its name (`wait`: exit codes),
    /// each line as soon as it is known: a script reads the first before the last is done.
    static func runPrinting(_ names: [String], verb: String, needs: String = "a container name or id",
                            _ body: (String) throws -> String) throws {
        guard !names.isEmpty else { throw ValidationError("\(verb) needs \(needs)") }
        func line(_ text: String) {
            print(text)
            fflush(stdout)
        }
        if names.count == 1 {
            line(try body(names[0]))
            return
        }
        var failed = false
        for name in names {
            do {
                line(try body(name))
            } catch {
                report(error)
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
