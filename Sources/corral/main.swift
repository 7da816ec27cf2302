import ArgumentParser
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// corral's own top level instead of `Corral.main()`: every failure is one line,
/// `corral: error: ...`, on stderr, and a non-zero exit.
func runCorral() -> Never {
    let args = AttachedShortValues.split(hoistGlobalOptions(Array(CommandLine.arguments.dropFirst())))
    // docker's convention for `run`, whose exit code is otherwise the container's: 125 when
    // corral itself failed (bad options, no such image, a cgroup it can't make), so a script
    // can tell that from a container that exited 1.
    if args.first == "run" { corralFailureCode = 125 }
    do {
        // `run` is known without asking ArgumentParser, whose configurations of all the verbs
        // cost a `run` 45 µs.
        if let verb = args.first, verb != "run", !verb.hasPrefix("-"), verb != "help",
           !Corral.configuration.subcommands.contains(where: { $0.configuration.commandName == verb }) {
            fail("unknown command \(ContainerName.quoted(verb)) (see corral --help)", code: 64)
        }
        if args.first == "run", let request = RunFastParse.parse(Array(args.dropFirst())) {
            try request.execute()
        } else {
            var command = try Corral.parseAsRoot(args)
            try command.run()
        }
        exit(0)
    } catch let exitCode as ExitCode {
        exit(exitCode.rawValue)
    } catch let error as EngineError {
        if Interruption.signal != 0 {
            report(error)
            Interruption.endBySignal()
        }
        fail(error.description, code: error.exitCode == 1 ? nil : error.exitCode)
    } catch let error as ContainerExit {
        exit(error.code)
    } catch {
        let code = Corral.exitCode(for: error)
        if code == .success {
            // --help, --version: ArgumentParser's full text on stdout.
            print(Corral.fullMessage(for: error))
            exit(0)
        }
        let message = Corral.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        // ArgumentParser's usage errors exit 64 (EX_USAGE), as `run`'s own reading of its
        // options does too, except that `run` reserves 125 for every failure of corral's.
        fail(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message,
             code: corralFailureCode == 125 ? 125 : code.rawValue)
    }
}

/// `corral --root DIR <verb>`: options given before the verb apply to every verb (and to the
/// `corral rm` a supervisor runs for --rm), so they become the environment variables the verbs
/// already read, and the rest parses as usual.
func hoistGlobalOptions(_ args: [String]) -> [String] {
    let globals = ["--root": "CORRAL_ROOT", "--cgroup-parent": "CORRAL_CGROUP_PARENT"]
    // A usage error: 64, or for `run` the 125 of every failure of corral's own. `verb`: the
    // word after the failing option and its value (not the first "run" anywhere: a container
    // may be called that).
    func usageCode(verb: String?) -> Int32 { verb == "run" ? 125 : 64 }
    var rest = args[...]
    while let first = rest.first, first.hasPrefix("--") {
        let parts = first.split(separator: "=", maxSplits: 1).map(String.init)
        guard let variable = globals[parts[0]] else { break }
        let value: String
        if parts.count == 2 {
            value = parts[1]
            rest = rest.dropFirst()
        } else {
            guard rest.count >= 2 else { fail("option \(first) needs a value", code: usageCode(verb: nil)) }
            value = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        guard !value.isEmpty else { fail("option \(parts[0]) needs a non-empty value", code: usageCode(verb: rest.first)) }
        setenv(variable, value, 1)
    }
    return Array(rest)
}

/// One line on stderr for something the user should know that is not a failure.
func warn(_ message: String) {
    let line = "corral: warning: " + message.replacingNewlines() + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// One `corral: error:` line for an error, without ending the process (a verb given several
/// containers goes on with the next).
func report(_ error: Error) {
    var message = (error as? EngineError)?.description
        ?? Corral.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    if message.hasPrefix("Error: ") { message.removeFirst(7) }
    let line = "corral: error: " + message.replacingNewlines() + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// The exit code of a failure of corral's own (not the container's): 1, or 125 for `run`.
nonisolated(unsafe) var corralFailureCode: Int32 = 1

func fail(_ message: String, code: Int32? = nil) -> Never {
    let line = "corral: error: " + message.replacingNewlines() + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    let code = code ?? corralFailureCode
    exit(code == 0 ? 1 : code)
}

/// A container's own exit code, passed out through `run` without printing anything.
struct ContainerExit: Error {
    var code: Int32
}

extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" ? " " : $0 })
    }
}

runCorral()
