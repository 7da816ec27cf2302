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
/// directory, and its cgroup files (path → content, read now), in one flat object.
struct InspectJSON: Encodable {
    let status: ContainerStatus
    let stateDirectory: String
    let kernelFiles: [KernelFile]

    init(_ status: ContainerStatus, stateDirectory: String, kernelFiles: [KernelFile]) {
        self.status = status
        self.stateDirectory = stateDirectory
        self.kernelFiles = kernelFiles
    }

    private enum Keys: String, CodingKey {
        case hostname, network, env, workdir, uid, gid, groups, capabilities, rootfs, rootfsIsOverlay
        case detached, autoRemove, tty, interactive, stateDirectory, kernelFiles
    }

    func encode(to encoder: Encoder) throws {
        try ContainerJSON(status).encode(to: encoder)
        let r = status.record
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(r.hostname, forKey: .hostname)
        try c.encode(r.network.rawValue, forKey: .network)
        try c.encode(r.env, forKey: .env)
        try c.encode(r.workdir, forKey: .workdir)
        try c.encode(r.uid, forKey: .uid)
        try c.encode(r.gid, forKey: .gid)
        try c.encode(r.groups ?? [r.gid], forKey: .groups)
        try c.encode(r.capabilities, forKey: .capabilities)
        try c.encode(r.rootfs, forKey: .rootfs)
        try c.encode(r.rootfsIsOverlay, forKey: .rootfsIsOverlay)
        try c.encode(r.detached, forKey: .detached)
        try c.encode(r.autoRemove, forKey: .autoRemove)
        try c.encode(r.tty, forKey: .tty)
        try c.encode(r.interactive, forKey: .interactive)
        try c.encode(stateDirectory, forKey: .stateDirectory)
        try c.encode(Dictionary(kernelFiles.map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first }),
                     forKey: .kernelFiles)
    }
}
