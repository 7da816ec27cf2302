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

    func run() throws {
        let runtime = try globals.runtime()
        let shown = try runtime.list().filter { all || $0.state == .running || $0.state == .paused }
        if json {
            print(try JSONText.encode(shown.map(ContainerJSON.init)))
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
                c.record.command.joined(separator: " "),
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
    var pid: Int32?
    var command: [String]
    var image: String?
    var cpuQuotaUs: Int64
    var cpuPeriodUs: Int64
    var cpus: Double?
    var pidsLimit: Int64?
    var memoryBytes: Int64?
    var created: String
    var exitCode: Int32?
    var exitReason: String?
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

    enum CodingKeys: String, CodingKey {
        case name, id, state, pid, command, image, cpuQuotaUs, cpuPeriodUs, cpus, pidsLimit, memoryBytes, created, exitCode, exitReason, cgroup
    }

    // Absent values are written as null, not left out: consumers test `exitCode == null`.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(id, forKey: .id)
        try c.encode(state, forKey: .state)
        try c.encode(pid, forKey: .pid)
        try c.encode(command, forKey: .command)
        try c.encode(image, forKey: .image)
        try c.encode(cpuQuotaUs, forKey: .cpuQuotaUs)
        try c.encode(cpuPeriodUs, forKey: .cpuPeriodUs)
        try c.encode(cpus, forKey: .cpus)
        try c.encode(pidsLimit, forKey: .pidsLimit)
        try c.encode(memoryBytes, forKey: .memoryBytes)
        try c.encode(created, forKey: .created)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(exitReason, forKey: .exitReason)
        try c.encode(cgroup, forKey: .cgroup)
    }
}

enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }
}
