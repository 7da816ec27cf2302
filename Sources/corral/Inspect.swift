import ArgumentParser
import Engine

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print everything corral knows of containers as a JSON array: how each was made, its state, and its cgroup files as the kernel has them now.")
    @OptionGroup var globals: GlobalOptions
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        guard !names.isEmpty else { throw ValidationError("inspect needs a container name or id") }
        let runtime = try globals.runtime()
        var found: [InspectJSON] = []
        var failed = false
        for name in names {
            do {
                let st = try runtime.status(try runtime.resolve(name))
                found.append(InspectJSON(st, stateDirectory: runtime.store.directory(st.name),
                                         kernelFiles: runtime.cgroups.kernelFiles(st.record.cgroup)))
            } catch {
                // As docker's: the ones found are printed, each missing one is an error line.
                if names.count == 1 { throw error }
                report(error)
                failed = true
            }
        }
        if !found.isEmpty { print(try JSONText.encode(found)) }
        if failed { throw ExitCode(1) }
    }
}

/// One container in `inspect`: the `ps --json` fields and the rest of its record, its state
/// directory, and its cgroup files (path → content, read now).
struct InspectJSON: Encodable {
    var summary: ContainerJSON
    var hostname: String
    var network: String
    var env: [String]
    var workdir: String
    var uid: UInt32
    var gid: UInt32
    var groups: [UInt32]
    var capabilities: [String]
    var rootfs: String
    var rootfsIsOverlay: Bool
    var detached: Bool
    var autoRemove: Bool
    var tty: Bool
    var interactive: Bool
    var stateDirectory: String
    var kernelFiles: [String: String]

    init(_ c: ContainerStatus, stateDirectory: String, kernelFiles: [KernelFile]) {
        let r = c.record
        summary = ContainerJSON(c)
        hostname = r.hostname
        network = r.network.rawValue
        env = r.env
        workdir = r.workdir
        uid = r.uid
        gid = r.gid
        groups = r.groups ?? [r.gid]
        capabilities = r.capabilities
        rootfs = r.rootfs
        rootfsIsOverlay = r.rootfsIsOverlay
        detached = r.detached
        autoRemove = r.autoRemove
        tty = r.tty
        interactive = r.interactive
        self.stateDirectory = stateDirectory
        self.kernelFiles = Dictionary(kernelFiles.map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private enum Keys: String, CodingKey {
        case hostname, network, env, workdir, uid, gid, groups, capabilities, rootfs, rootfsIsOverlay
        case detached, autoRemove, tty, interactive, stateDirectory, kernelFiles
    }

    /// One flat object: the summary's fields beside the rest.
    func encode(to encoder: Encoder) throws {
        try summary.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(hostname, forKey: .hostname)
        try c.encode(network, forKey: .network)
        try c.encode(env, forKey: .env)
        try c.encode(workdir, forKey: .workdir)
        try c.encode(uid, forKey: .uid)
        try c.encode(gid, forKey: .gid)
        try c.encode(groups, forKey: .groups)
        try c.encode(capabilities, forKey: .capabilities)
        try c.encode(rootfs, forKey: .rootfs)
        try c.encode(rootfsIsOverlay, forKey: .rootfsIsOverlay)
        try c.encode(detached, forKey: .detached)
        try c.encode(autoRemove, forKey: .autoRemove)
        try c.encode(tty, forKey: .tty)
        try c.encode(interactive, forKey: .interactive)
        try c.encode(stateDirectory, forKey: .stateDirectory)
        try c.encode(kernelFiles, forKey: .kernelFiles)
    }
}
