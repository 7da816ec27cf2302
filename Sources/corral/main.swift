import ArgumentParser
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// corral's own top level instead of `Corral.main()`: every failure is one line,
/// `corral: error: ...`, on stderr, and a non-zero exit.
func runCorral() -> Never {
    let args = Array(CommandLine.arguments.dropFirst())
    do {
        var command = try Corral.parseAsRoot(args)
        try command.run()
        exit(0)
    } catch let exitCode as ExitCode {
        exit(exitCode.rawValue)
    } catch let error as EngineError {
        fail(error.description)
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
        fail(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message, code: code.rawValue)
    }
}

func fail(_ message: String, code: Int32 = 1) -> Never {
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
