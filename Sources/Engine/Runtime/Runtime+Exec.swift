import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// Runs `command` inside a running container: its namespaces, cgroup, root, user,
    /// capabilities and no_new_privs. Waits for it in the foreground (signals forwarded, a pty
    /// relayed with `tty`) and returns its exit code.
    public func exec(_ name: String, command: [String], tty: Bool, interactive: Bool = true, env: [String] = [], user: String? = nil, workdir: String? = nil) throws -> Int32 {
        guard let first = command.first, !first.isEmpty else { throw EngineError.invalid("exec needs a command") }
        let st = try status(name)
        guard let pid = st.pid, st.state == .running else {
            throw EngineError.conflict("container \(name) is \(st.state.rawValue), not running")
        }
        var record = st.record
        record.tty = tty
        // As docker's exec: TERM for a terminal when the container has none, the HOME of the
        // user it runs as (`-u root` in a `USER app` image gets /root), then the caller's -e.
        var containerEnv = record.env
        if let user {
            let rootfs = "/proc/\(pid)/root"
            let u = try UserSpec.resolve(user, rootfs: rootfs)
            // Only the HOME that create gave the run user: one set on purpose (-e HOME, an
            // image's ENV HOME) stays, as docker keeps it.
            let runHome = (try? UserSpec.resolve(String(record.uid), rootfs: rootfs))?.home
            if let runHome, containerEnv.contains("HOME=" + runHome) {
                containerEnv = containerEnv.filter { !$0.hasPrefix("HOME=") } + ["HOME=\(u.home)"]
            }
            record.uid = u.uid
            record.gid = u.gid
            record.groups = u.groups
        }
        record.env = try Environment.merge(defaults: tty ? ["TERM=xterm"] : [], image: containerEnv, user: env)
        if let workdir {
            try Self.checkExecWorkdir(workdir)
            record.workdir = workdir
        }
        let spawn = SpawnConfig(record: record, joinFiles: cgroups.joinFiles(record.cgroup), argv: command)
        if !interactive && !tty { spawn.c.stdin_fd = -1 }
        var err = cspawn_error()
        var pty: Int32 = -1
        let saved = ForwardedSignals.block()
        defer { ForwardedSignals.restore(saved) }
        let child = cspawn_exec(pid, &spawn.c, &pty, &err)
        guard child > 0 else { throw err.engineError }
        let status = cspawn_wait_foreground(child, pty)
        if pty >= 0 { close(pty) }
        return Self.exitCode(waitStatus: status).code
    }

    /// `exec -w`: inside the container, so no relative path (there is no current directory to
    /// be relative to). Public for the CLI, which tells it as a usage error before anything else.
    public static func checkExecWorkdir(_ workdir: String) throws {
        guard workdir.hasPrefix("/") else {
            throw EngineError.invalid("--workdir must be an absolute path, got \(ContainerName.quoted(workdir))")
        }
    }
}
