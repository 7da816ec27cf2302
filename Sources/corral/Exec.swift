import ArgumentParser
import Engine

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "exec", abstract: "Run a command inside a running container.")
    @OptionGroup var globals: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep stdin open.") var interactive = false
    @Flag(name: .shortAndLong, help: "Give the command a pseudo-terminal.") var tty = false
    @Option(name: [.short, .long], help: ArgumentHelp("Set an environment variable (K alone: its value here, if set).", valueName: "K=V")) var env: [String] = []
    @Option(name: [.short, .long], help: ArgumentHelp("Run as this user.", valueName: "uid[:gid]")) var user: String?
    @Option(name: [.short, .long], help: ArgumentHelp("Working directory inside.", valueName: "dir")) var workdir: String?
    @Argument(help: "Container name.") var name: String
    @Argument(parsing: .captureForPassthrough, help: "-- CMD [ARG...]") var command: [String] = []

    private var commandLine: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    /// Usage errors (exit 64), told before the container is looked at.
    func validate() throws {
        guard let first = commandLine.first, !first.isEmpty else {
            throw ValidationError("exec needs a command: corral exec NAME -- CMD [ARG...]")
        }
        do {
            if let workdir { try Runtime.checkExecWorkdir(workdir) }
            _ = try Environment.merge(defaults: [], image: [], user: EnvFromHost.resolve(env))
        } catch let error as EngineError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        try TerminalCheck.inputIsATerminal(tty: tty, interactive: interactive)
        // CVE-2019-5736: join from a sealed copy, never from the binary on disk.
        try SealedSelf.reexecFromSealedCopy()
        let cmd = commandLine
        let runtime = try globals.runtime()
        let code = try runtime.exec(try runtime.resolve(name), command: cmd, tty: tty, interactive: interactive,
                                    env: EnvFromHost.resolve(env), user: user, workdir: workdir)
        if code != 0 { throw ContainerExit(code: code) }
    }
}
