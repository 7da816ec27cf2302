import ArgumentParser
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// corral's own top level instead of `Corral.main()`: every failure is one line,
/// `corral: error: ...`, on stderr, and a non-zero exit.
func runCorral() -> Never {
    let args = AttachedShortValues.split(hoistGlobalOptions(Array(CommandLine.arguments.dropFirst())))
    let verb = args.first
    do {
        // `run` is known without asking ArgumentParser, whose configurations of all the verbs
        // cost a `run` 45 µs.
        if let verb = args.first, verb != "run", !verb.hasPrefix("-"), verb != "help",
           !Corral.configuration.subcommands.contains(where: { $0.configuration.commandName == verb }) {
            fail("unknown command \(ContainerName.quoted(verb)) (see corral --help)", code: failureCode(verb: verb, usage: true))
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
        fail(error.description, code: failureCode(verb: verb, code: error.exitCode))
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
        fail(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message,
             code: failureCode(verb: verb, usage: code == .validationFailure, code: code.rawValue))
    }
}

/// `corral --root DIR <verb>`: options given before the verb apply to every verb (and to the
/// `corral rm` a supervisor runs for --rm), so they become the environment variables the verbs
/// already read, and the rest parses as usual.
func hoistGlobalOptions(_ args: [String]) -> [String] {
    func environmentVariable(for option: String) -> String? {
        switch option {
        case "--root": return "CORRAL_ROOT"
        case "--cgroup-parent": return "CORRAL_CGROUP_PARENT"
        default: return nil
        }
    }
    // The verb of a usage error here is the word after the failing option and its value (not
    // the first "run" anywhere: a container may be called that).
    var rest = args[...]
    while let first = rest.first, first.hasPrefix("--") {
        let parts = first.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let variable = environmentVariable(for: parts[0]) else { break }
        let value: String
        if parts.count == 2 {
            value = parts[1]
            rest = rest.dropFirst()
        } else {
            guard rest.count >= 2 else { fail("option \(first) needs a value", code: failureCode(verb: nil, usage: true)) }
            value = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        guard !value.isEmpty else { fail("option \(parts[0]) needs a non-empty value", code: failureCode(verb: rest.first, usage: true)) }
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

/// What corral exits with when it fails (not the container). `run`'s exit code is otherwise
/// the container's, so as docker it gives 125 for every failure of corral's own (bad options,
/// no such image, a cgroup it can't make) and a script can tell that from a container that
/// exited 1; both pass on 126/127 for a command that could not be run. Other verbs: 64
/// (EX_USAGE) for a usage error, else 1.
func failureCode(verb: String?, usage: Bool = false, code: Int32 = 1) -> Int32 {
    if usage { return verb == "run" ? 125 : 64 }
    if code != 1 && code != 0 { return code }
    return verb == "run" ? 125 : 1
}

func fail(_ message: String, code: Int32) -> Never {
    let line = "corral: error: " + message.replacingNewlines() + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
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
