import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// A `cspawn_config` built from a record, with the memory it points at. Keep this object
/// alive across the cspawn call (and, in a forked supervisor, forever).
final class SpawnConfig {
    let pool = CStringPool()
    var c = cspawn_config()

    init(record: ContainerRecord, joinFiles: [String], argv: [String]? = nil) {
        c.rootfs = pool.string(record.rootfs)
        c.hostname = pool.string(record.hostname)
        c.share_host_net = record.network == .host ? 1 : 0
        c.argv = pool.array(argv ?? record.command)
        c.envp = pool.array(record.env)
        c.workdir = pool.string(record.workdir)
        c.uid = record.uid
        c.gid = record.gid
        let groups = record.groups ?? [record.gid]
        c.groups = pool.values(groups)
        c.ngroups = Int32(groups.count)
        let caps = record.capabilities.compactMap(Capabilities.number)
        c.caps = pool.values(caps)
        c.ncaps = Int32(caps.count)
        c.tty = record.tty ? 1 : 0
        c.cgroup_join = pool.array(joinFiles)
        c.stdin_fd = 0
        c.stdout_fd = 1
        c.stderr_fd = 2
        c.log_max_bytes = 0
    }

    func setSupervision(store: StateStore, name: String, logMaxBytes: Int64, onExit: [String]?) {
        c.title = pool.string("corral-supervisor " + name)
        c.pid_file = pool.string(store.pidPath(name))
        c.exit_file = pool.string(store.exitPath(name))
        c.log_file = pool.string(store.logPath(name))
        c.log_max_bytes = logMaxBytes
        c.on_exit_argv = onExit.map { pool.array($0) }
    }
}

extension cspawn_error {
    /// The C side's (errno, step, path) as an EngineError.
    var engineError: EngineError {
        var copy = self
        let step = withUnsafePointer(to: &copy.step) { $0.withMemoryRebound(to: CChar.self, capacity: 64) { String(cString: $0) } }
        let path = withUnsafePointer(to: &copy.path) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
        if step == "exec", err == ENOENT {
            return .cannotRun("exec \(path): no such file or command in the container", exitCode: 127)
        }
        // The command can't be started where it was asked to run: docker's 126 too.
        if step == "chdir to workdir" {
            let reason = String(cString: strerror(err))
            return .cannotRun("workdir \(path): \(reason) (errno \(err))", exitCode: 126)
        }
        if step == "exec", [EACCES, ENOEXEC, EISDIR, ENOTDIR, EPERM].contains(err) {
            let reason = String(cString: strerror(err))
            return .cannotRun("exec \(path): \(reason) (errno \(err))", exitCode: 126)
        }
        return .system(step: step, path: path, errno: err)
    }
}
