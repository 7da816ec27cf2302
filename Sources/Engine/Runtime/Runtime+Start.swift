import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// The log of a detached container is cut to its newest half past this size.
    public static let logMaxBytes: Int64 = 8 << 20

    /// Starts making the network namespace of the next `--net none` start on another thread
    /// now (SpareNetns), so that the start finds it made. `keepingOneReady`: after each start
    /// make the next one (for a caller that starts containers now and then, like the TUI).
    public func prepareNetwork(keepingOneReady: Bool = false) {
        spareNetns.prepare(keepingOneReady: keepingOneReady)
    }

    /// The prepared namespace for this record's start, if it has `--net none` and one is
    /// made: the caller closes it once the start is over (the container holds its own).
    private func joinSpareNetns(_ spawn: SpawnConfig, _ record: ContainerRecord) -> Int32? {
        guard record.network == .none, let fd = spareNetns.take() else { return nil }
        spawn.c.join_netns = 1
        spawn.c.netns_fd = fd
        return fd
    }

    /// Runs a created container in this process's foreground: its stdio is ours (or a pty
    /// relayed through ours with `tty`), signals we get are forwarded to it, and its exit code
    /// is returned. With `autoRemove` the container is removed afterwards.
    public func runForeground(_ record: ContainerRecord) throws -> Int32 {
        try runForeground(record, creating: nil)
    }

    /// `create`, then `runForeground`, the two overlapping: the container sets up its
    /// namespaces and mounts on one core while this process makes its record and cgroups on the
    /// other, and enters the cgroups at the start gate (cspawn.h) once they exist — before
    /// anything it runs can use CPU or fork. Bad input still fails in `plan`, before any of it;
    /// a name taken or a cgroup refused ends the half-made container at the gate. An image's
    /// overlay must be mounted before the container binds it: such a start is made in turn.
    public func runForeground(_ spec: ContainerSpec) throws -> Int32 {
        let plan = try plan(spec)
        guard plan.imageRootfs == nil else { return try runForeground(create(plan)) }
        // The usual refusal, before the container touches the rootfs (it makes missing mount
        // points there); `create` checks again under the lock.
        guard !store.exists(plan.name) else { throw Self.nameTaken(plan.name) }
        return try runForeground(plan.record, creating: plan)
    }

    private func runForeground(_ record: ContainerRecord, creating plan: Plan?) throws -> Int32 {
        let spawn = SpawnConfig(record: record, joinFiles: cgroups.joinFiles(record.cgroup))
        if !record.interactive && !record.tty { spawn.c.stdin_fd = -1 }
        // Through the gate the namespace follows the clone (startThroughGate).
        let netns = plan == nil ? joinSpareNetns(spawn, record) : nil
        defer { if let netns { close(netns) } }
        var err = cspawn_error()
        var pty: Int32 = -1
        // Blocked until cspawn_wait_foreground forwards them: a Ctrl-C in between must reach
        // the container, not end corral and orphan it.
        let saved = ForwardedSignals.block()
        defer { ForwardedSignals.restore(saved) }
        // This process is the container's holder (recorded by `create`): while it lives it
        // records the exit and does the --rm removal; once it is gone (SIGKILL) a tidying
        // listing removes an --rm container (removeAbandonedAutoRemovals).
        let pid: pid_t
        if let plan {
            pid = try startThroughGate(spawn, plan, signalMask: saved, &pty, &err)
        } else {
            pid = cspawn_start(&spawn.c, &pty, &err)
        }
        guard pid > 0 else {
            try? removeAfterFailedStart(record)
            throw err.engineError
        }
        try? store.writePid(record.name, pid: pid, startTime: cspawn_process_starttime(pid))
        let status = cspawn_wait_foreground(pid, pty)
        if pty >= 0 { close(pty) }
        let (code, sig) = Self.exitCode(waitStatus: status)
        try? store.writeExit(record.name, code: code, signal: sig)
        if record.autoRemove { try? removeReaped(record) }
        return code
    }

    /// cspawn_start with the start gate, `create(plan)` on another thread meanwhile (this one
    /// waits in clone until the container has exec'd or failed). Throws what `create` threw —
    /// it has undone its own work, and the container ended at the gate or before it; -1 when
    /// the container failed after `create` succeeded (`err` says why; the caller removes the
    /// container). `signalMask`: the mask before this thread blocked the forwarded signals —
    /// `create` runs under it, so a Ctrl-C while it waits for the lock ends corral as it did
    /// before the container existed.
    ///
    /// A `--net none` container's namespace (SpareNetns, begun at program start) goes through
    /// the gate too, first: the container waits for it only before it mounts /sys, not this
    /// thread before it clones (back to back, the namespace was often still being made, the
    /// kernel busy tearing down the previous run's).
    private func startThroughGate(_ spawn: SpawnConfig, _ plan: Plan, signalMask: sigset_t,
                                  _ pty: inout Int32, _ err: inout cspawn_error) throws -> pid_t {
        var gate: [Int32] = [-1, -1]
        guard cspawn_gate_pair(&gate) == 0 else { throw EngineError.fromErrno("socketpair") }
        defer { close(gate[0]); close(gate[1]) }
        spawn.c.gate = 1
        spawn.c.gate_fd = gate[1]
        spawn.c.gate_peer_fd = gate[0]
        let sendsNetns = plan.record.network == .none
        spawn.c.netns_at_gate = sendsNetns ? 1 : 0
        // Read here, not on the thread: `spawn.c` is in use by cspawn_start meanwhile.
        let joinFiles = spawn.c.cgroup_join
        let creating = try JoinableThread { [self] () -> Result<ContainerRecord, Error> in
            ForwardedSignals.restore(signalMask)   // this thread's mask only
            if sendsNetns {
                // None ready (none prepared, or it could not be made): the container makes its own.
                let netns = spareNetns.take()
                var sendError = cspawn_error()
                let sent = cspawn_gate_send_netns(gate[0], netns ?? -1, &sendError)
                if let netns { close(netns) }
                guard sent == 0 else {
                    shutdown(gate[0], Int32(SHUT_RDWR))   // calls the start off; nothing made yet
                    return .failure(sendError.engineError)
                }
            }
            let made = Result { try create(plan) }
            guard case .success(let record) = made else {
                shutdown(gate[0], Int32(SHUT_RDWR))   // calls the start off
                return made
            }
            var openError = cspawn_error()
            guard cspawn_gate_open(gate[0], joinFiles, &openError) == 0 else {
                try? removeAfterFailedStart(record)
                return .failure(openError.engineError)
            }
            return made
        }
        let pid = cspawn_start(&spawn.c, &pty, &err)
        // On a failed `create` the container ended at the gate or before it (cspawn_start has
        // reaped it and returned -1): it gets no further without the go-ahead.
        if case .failure(let error) = creating.join() { throw error }
        return pid
    }

    /// Starts a created container under its own supervisor process and returns once the
    /// container's program has been exec'd (or throws why it could not be). The supervisor is
    /// this process's child until this process exits; the Runtime reaps it (SupervisorReaper),
    /// and a caller's own `waitpid(-1, ...)` may too.
    @discardableResult
    public func startDetached(_ record: ContainerRecord, removeOnFailure: Bool = true) throws -> pid_t {
        let spawn = SpawnConfig(record: record, joinFiles: cgroups.joinFiles(record.cgroup))
        spawn.c.stdin_fd = -1
        spawn.c.hold_stdin = record.interactive && !record.tty ? 1 : 0   // a pty is stdin with -t
        let onExit = record.autoRemove
            ? [config.selfExecutable, "--root", config.stateRoot, "rm", "-f", "--if-id", record.id, record.name] : nil
        spawn.setSupervision(store: store, name: record.name, logMaxBytes: Self.logMaxBytes, onExit: onExit)
        let netns = joinSpareNetns(spawn, record)
        defer { if let netns { close(netns) } }

        var fds: [Int32] = [0, 0]
        guard Self.cloexecPipe(&fds) else { throw EngineError.fromErrno("pipe") }
        supervisors.reap()
        let supervisor = fork()
        if supervisor == 0 {
            close(fds[0])
            cspawn_supervise(&spawn.c, fds[1])
        }
        if supervisor < 0 {
            let e = EngineError.fromErrno("fork")
            close(fds[0]); close(fds[1])
            if removeOnFailure { try? removeAfterFailedStart(record) }
            throw e
        }
        supervisors.add(supervisor)
        close(fds[1])
        // Before the container can run (and end): a listing must see a live holder from the
        // start, or it would take an --rm container that ended at once for an abandoned one.
        try? store.writeSupervisor(record.name, pid: supervisor, startTime: cspawn_process_starttime(supervisor))
        var pid: pid_t = -1
        var startError = cspawn_error()
        let ok = cspawn_read_notify(fds[0], &pid, &startError) == 0
        close(fds[0])
        if ok { return pid }
        // The supervisor reported (or died with) a failed start and is ending. Reaped here, not
        // left to whoever inherits it: a parent that is a subreaper and doesn't reap (a test
        // runner) kept each one a zombie, counted against its pids limit. Killed first, in case
        // what it sent was not a report it ends after.
        Glibc.kill(supervisor, SIGKILL)
        while waitpid(supervisor, nil, 0) < 0 && errno == EINTR {}
        supervisors.reap()
        if removeOnFailure { try? removeAfterFailedStart(record) }
        throw startError.engineError
    }

    /// docker's convention: the code, or 128 + the signal that killed it.
    static func exitCode(waitStatus s: Int32) -> (code: Int32, signal: Int32) {
        let sig = s & 0x7f
        if sig == 0 { return ((s >> 8) & 0xff, 0) }
        return (128 + sig, sig)
    }

    /// Only while the name is still this record's: a `rm -f` and a new `run` of the same name
    /// may have come in between.
    func removeAfterFailedStart(_ record: ContainerRecord) throws {
        try store.withLock {
            // Also when the container is gone already (a tidying `ps` or an `rm -f` got the
            // lock first): the parents this process made go if empty.
            defer { cgroupParents.removeEmpty(above: cgroups.directories(record.cgroup)) }
            guard (try? store.load(record.name))?.id == record.id else { return }
            try destroy(record, keepingSpare: false)
        }
    }

    /// pipe(2) with both ends close-on-exec (Glibc's Swift overlay has no pipe2).
    static func cloexecPipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }
}

extension Runtime {
    /// Starts an exited (or never started) container again, detached, with the same record:
    /// same writable layer, same cgroup and limits, like `docker start`. A running container is
    /// left as it is (its pid returned), as docker and podman do, so `start` can be repeated.
    @discardableResult
    public func start(_ name: String) throws -> pid_t {
        // All of it under the store lock: two `start`s at once must not both see "exited" and
        // each run the container.
        try store.withLock { () throws -> pid_t in
            var st = try status(name)
            if st.state == .running, let pid = st.pid { return pid }
            guard st.state == .exited || st.state == .created else {
                throw EngineError.conflict("container \(name) is paused; `corral resume \(name)` thaws it")
            }
            // Killed just now: pid 1 is a zombie its supervisor hasn't reaped yet. Its `exit`
            // file would land on top of the new run's state.
            if let s = store.readSupervisor(name), s.pid != getpid() {
                waitForProcess(s.pid, startTime: s.startTime, seconds: 2)
                if cspawn_process_starttime(s.pid) == s.startTime {
                    throw EngineError.conflict("container \(name) is still stopping; try again")
                }
            }
            // The old run has ended: this process's restart of it (if any) is over, and the new
            // run's end must remove a --rm container as usual.
            endRestarting(name)
            let lastExit = store.readExit(name)
            let lastOOMKillsBefore = store.readOOMKillsBefore(name)
            // This process holds it until the supervisor takes over: killed in between, the
            // container is known abandoned rather than "created" for good.
            try store.writeSupervisor(name, pid: getpid(), startTime: cspawn_process_starttime(getpid()))
            try store.writeOOMKillsBefore(name, (try? cgroups.oomKills(st.record.cgroup)) ?? 0)
            unlink(store.exitPath(name))
            unlink(store.pidPath(name))
            st.record.detached = true
            do {
                return try startDetached(st.record, removeOnFailure: false)
            } catch {
                // Not started: it is still the container that exited, with its code.
                if let lastExit { try? store.writeExit(name, code: lastExit.code, signal: lastExit.signal) }
                try? store.writeOOMKillsBefore(name, lastOOMKillsBefore)
                throw error
            }
        }
    }
}
