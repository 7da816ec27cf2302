import ArgumentParser
import Engine
import FoundationEssentials

struct Ps: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers (running ones; -a for all).")

    @OptionGroup var globals: GlobalOptions

    @Flag(name: .shortAndLong, help: "Show all containers, not only running and paused ones.")
    var all = false

    @Flag(name: .long, help: "Print a JSON array.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print only the ids (for `corral rm -f $(corral ps -aq)`).")
    var quiet = false

    @Flag(name: .long, help: "Do not shorten the command.")
    var noTrunc = false

    /// Where COMMAND is cut without --no-trunc.
    static let commandWidth = 40

    func validate() throws {
        if quiet && json { throw ValidationError("--quiet and --json: give one of them") }
    }

    func run() throws {
        let runtime = try globals.runtime()
        let shown = try runtime.list(tidy: true).filter { all || $0.state == .running || $0.state == .paused }
        warnAboutUnreadableContainers(runtime)
        if json {
            print(try JSONText.encode(shown.map(ContainerJSON.init)))
            return
        }
        if quiet {
            for c in shown { print(c.record.id) }
            return
        }
        var rows = [["NAME", "ID", "STATE", "PID", "CPUS", "CREATED", "COMMAND"]]
        for c in shown {
            var state = c.state.rawValue
            if let code = c.exitCode { state += " (\(code))" }
            if let why = c.exitReason { state += " " + why }
            rows.append([
                c.name, c.record.id, state, c.pid.map(String.init) ?? "-",
                c.record.limits.cpu.cores.map { Format.cores($0) } ?? "∞",
                Format.age(since: c.record.created) + " ago",
                noTrunc ? CommandText.line(c.record.command) : CommandText.line(c.record.command, limit: Self.commandWidth),
            ])
        }
        print(Format.table(rows), terminator: "")
    }
}

/// The `ps --json` object; field names are an interface other tools rely on.
struct ContainerJSON: Encodable {
    var name: String
    var id: String
    var state: String
    @NullEncoded var pid: Int32?
    var command: [String]
    @NullEncoded var image: String?
    var cpuQuotaUs: Int64
    var cpuPeriodUs: Int64
    @NullEncoded var cpus: Double?
    @NullEncoded var pidsLimit: Int64?
    @NullEncoded var memoryBytes: Int64?
    var created: String
    @NullEncoded var exitCode: Int32?
    @NullEncoded var exitReason: String?
    var cgroup: String

    init(_ c: ContainerStatus) {
        name = c.name
        id = c.record.id
        state = c.state.rawValue
        pid = c.pid
        command = c.record.command
        image = c.record.image
        cpuQuotaUs = c.record.limits.cpu.quotaUs ?? -1
        cpuPeriodUs = c.record.limits.cpu.periodUs
        cpus = c.record.limits.cpu.cores
        pidsLimit = c.record.limits.pidsMax
        memoryBytes = c.record.limits.memoryBytes
        created = c.record.created.formatted(.iso8601)
        exitCode = c.exitCode
        exitReason = c.exitReason
        cgroup = c.record.cgroup.description
    }
}

enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        // An empty array pretty-printed is "[\n\n]"; jq and people expect "[]".
        if let array = value as? [Any], array.isEmpty { return "[]" }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }
}
