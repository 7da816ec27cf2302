import ArgumentParser
import Engine
#if canImport(Glibc)
import Glibc
#endif

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command in a new container.",
        discussion: """
            corral run [options] IMAGE [-- CMD [ARG...]]      (image from the store; busybox is builtin)
            corral run [options] --rootfs DIR -- CMD [ARG...] (a directory as the root)
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var options: ContainerOptions

    @Flag(name: .shortAndLong, help: "Run in the background under a supervisor; print the container's name.")
    var detach = false

    @Flag(name: .long, help: "Remove the container when it exits.")
    var rm = false

    @Flag(name: .shortAndLong, help: "Keep stdin open (attach it to the container).")
    var interactive = false

    @Flag(name: .shortAndLong, help: "Give the container a pseudo-terminal.")
    var tty = false

    @Argument(parsing: .captureForPassthrough, help: "IMAGE, then -- and the command.")
    var imageAndCommand: [String] = []

    var request: RunRequest {
        RunRequest(globals: globals.values, container: options.values, detach: detach, rm: rm,
                   interactive: interactive, tty: tty, imageAndCommand: imageAndCommand)
    }

    mutating func run() throws {
        // The passthrough argument would swallow a help flag given where the image goes.
        if let first = imageAndCommand.first, first == "-h" || first == "--help" {
            throw CleanExit.helpRequest(self)
        }
        try request.execute()
    }
}

/// Everything `corral run` was asked, as plain values: filled by ArgumentParser (`Run`) or, for
/// the common spellings, by RunFastParse; carried out by one function either way.
struct RunRequest: Equatable {
    var globals = Globals()
    var container = ContainerValues()
    var detach = false
    var rm = false
    var interactive = false
    var tty = false
    var imageAndCommand: [String] = []

    func execute() throws {
        try TerminalCheck.inputIsATerminal(tty: tty, interactive: interactive && !detach)
        LockWaitNotice.install()
        var spec = try container.spec()
        // Made on the other core while this one reads the cgroup layout, writes the record and
        // makes the cgroups (a bad input below ends it unused: closed, nothing left); begun
        // before main when the command line did not ask for the host's network (early_netns.c).
        let spareNetns = SpareNetns.adoptingEarlyStart()
        if spec.network == .none { spareNetns.prepare() } else { spareNetns.discard() }
        var rest = imageAndCommand
        if let first = rest.first, first != "--" {
            // Where the image goes: an option ArgumentParser did not know lands here.
            if first.hasPrefix("-") {
                throw EngineError.invalid("unknown option \(ContainerName.quoted(first)) (see corral run --help)")
            }
            guard container.rootfs == nil else {
                throw EngineError.invalid("give an image or --rootfs, not both (put the command after --)")
            }
            spec.image = first
            rest.removeFirst()
        }
        if rest.first == "--" { rest.removeFirst() }
        spec.command = rest
        spec.detached = detach
        spec.autoRemove = rm
        spec.tty = tty
        spec.interactive = interactive
        let runtime = try globals.runtime(spareNetns: spareNetns)
        if detach {
            let record = try runtime.create(spec)
            try runtime.startDetached(record)
            print(record.name)
            return
        }
        let code = try runtime.runForeground(spec)
        if code != 0 { throw ContainerExit(code: code) }
    }
}
