import CSpawn
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// SIGTERM to the container's pid 1, then SIGKILL to the whole cgroup after `timeout`
    /// seconds if it is still running. Returns once it has exited.
    public func stop(_ name: String, timeout: Double = 10) throws {
        if let error = stop([name], timeout: timeout)[0] { throw error }
    }

    /// `stop` of several containers at once, as docker's: all get SIGTERM first and share the
    /// one grace period, so stopping 30 takes `timeout`, not 30 times it. One error (or nil)
    /// per name, in order.
    public func stop(_ names: [String], timeout: Double) -> [Error?] {
        guard timeout >= 0, timeout.isFinite else {
            return names.map { _ in EngineError.invalid("--time must be ≥ 0") }
        }
        var errors: [Error?] = Array(repeating: nil, count: names.count)
        var signalled: [(index: Int, status: ContainerStatus, pid: pid_t)] = []
        for (i, name) in names.enumerated() {
            do {
                let st = try status(name)
                guard let pid = st.pid, st.state == .running || st.state == .paused else { continue }
                if st.state == .paused { try cgroups.thaw(st.record.cgroup) }
                _ = Glibc.kill(pid, SIGTERM)
                signalled.append((i, st, pid))
            } catch {
                errors[i] = error
            }
        }
        let deadline = Clock.monotonicNs() + UInt64(timeout * 1e9)
        for (i, st, pid) in signalled {
            let left = Double(deadline > Clock.monotonicNs() ? deadline - Clock.monotonicNs() : 0) / 1e9
            guard !waitForExit(names[i], seconds: left) else { continue }
            try? cgroups.killAll(st.record.cgroup, signal: SIGKILL)
            _ = Glibc.kill(pid, SIGKILL)
        }
        for (i, st, _) in signalled {
            guard waitForExit(names[i], seconds: 5) else {
                errors[i] = EngineError.conflict("container \(names[i]) did not exit after SIGKILL")
                continue
            }
            // A --rm container is gone when stop returns, as with docker: its name is free again.
            if st.record.autoRemove { waitForRemoval(st.record, seconds: 5) }
        }
        return errors
    }

    /// Until the container's holder has removed it (no record of that id under its name any
    /// more), or has ended without (it was killed, or its `rm` failed): a supervisor execs into
    /// that `rm`, keeping its pid and start time; a foreground `run` removes it itself. No
    /// holder recorded (an older corral's foreground run), or this process: no wait.
    func waitForRemoval(_ record: ContainerRecord, seconds: Double) {
        guard let s = store.readSupervisor(record.name), s.pid != getpid() else { return }
        waitForProcess(s.pid, startTime: s.startTime, seconds: seconds) {
            supervisors.reap()
            return (try? store.load(record.name))?.id != record.id
        }
    }

    public func kill(_ name: String, signal: Int32) throws {
        let st = try status(name)
        guard let pid = st.pid, st.state == .running || st.state == .paused else {
            throw EngineError.conflict("container \(name) is not running")
        }
        guard Glibc.kill(pid, signal) == 0 else { throw EngineError.fromErrno("kill", "pid \(pid)") }
        // A frozen task acts on no signal until thawed, SIGKILL included; docker thaws a
        // paused container it kills. Other signals stay pending until `resume`.
        if signal == SIGKILL && st.state == .paused {
            // killAll thaws a frozen group after a SIGKILL; the thaw is for a driver that didn't.
            try? cgroups.killAll(st.record.cgroup, signal: SIGKILL)
            try? cgroups.thaw(st.record.cgroup)
        }
    }

    public func pause(_ name: String) throws {
        let st = try status(name)
        guard st.state == .running else { throw EngineError.conflict("container \(name) is \(st.state.rawValue), not running") }
        try cgroups.freeze(st.record.cgroup)
    }

    public func resume(_ name: String) throws {
        let st = try status(name)
        guard st.state == .paused else { throw EngineError.conflict("container \(name) is \(st.state.rawValue), not paused") }
        try cgroups.thaw(st.record.cgroup)
    }

    /// The `--rm` removal by the holder that has just reaped the container's pid 1 — and with it
    /// every process of its pid namespace, which the kernel ends before pid 1 can be reaped. So
    /// it skips what `remove` asks first (state, freezer, the processes left in the cgroup, pid
    /// files, `/proc/<pid>/stat`; ~0.1 ms a `run --rm`) unless the cgroup won't go, or a
    /// `start` has given the container another holder meanwhile: then `destroy` as `rm -f` does
    /// (a process moved into the cgroup from outside is killed). Acts only while the name is
    /// still this container's, as `remove(onlyID:)`.
    func removeReaped(_ record: ContainerRecord) throws {
        try store.withLock {
            guard (try? records.load(record.name, from: store))?.id == record.id, !isBeingRestarted(record.name) else { return }
            guard store.readSupervisor(record.name)?.pid == getpid(), (try? removeEnded(record)) != nil else {
                try destroy(record)
                return
            }
        }
    }

    /// The end of every removal, once nothing of the container runs: its layer's mount, its
    /// cgroups, its state directory.
    /// `keepingSpare`: see `StateStore.discard`.
    private func removeEnded(_ record: ContainerRecord, keepingSpare: Bool = true) throws {
        if record.rootfsIsOverlay { try Overlay.unmountIfMounted(record.rootfs) }
        try cgroups.remove(record.cgroup)
        try store.discard(record.name, keepingSpare: keepingSpare)
    }

    /// Removes a container: its processes (with `force`), its writable layer and mount, its
    /// cgroup in every hierarchy and its state directory.
    ///
    /// `onlyID`: remove it only while the name still belongs to the container of that id, else
    /// do nothing. For removals that act on a container after it ended (`--rm`): by then a
    /// `rm -f` and a new `run --name` may have given the name to another container.
    /// `unlessRestarting`: nor while a `restart` is bringing it back (the removal a `--rm`
    /// container's supervisor runs when the container has ended).
    public func remove(_ name: String, force: Bool, onlyID: String? = nil, unlessRestarting: Bool = false) throws {
        try ContainerName.validate(name)
        try checkNotImageStore(name)
        try store.withLock {
            let record: ContainerRecord
            do {
                record = try records.load(name, from: store)
                if let onlyID, record.id != onlyID { return }
                if unlessRestarting && isBeingRestarted(name) { return }
            } catch EngineError.notFound where onlyID != nil {
                return
            } catch EngineError.invalid where force && onlyID == nil {
                // A corrupt state file: clean what the name implies.
                try destroyByName(name)
                return
            } catch EngineError.notFound where force && SmallFile.exists(store.directory(name))
                        && name != RuntimeConfig.imageStoreInStateRoot {
                // A dir without state.json: a create or rm killed half-way. (Not the directory a
                // moved root keeps its images in, when this command's are elsewhere.)
                try destroyByName(name)
                return
            }
            let st = status(of: record)
            if st.state == .running || st.state == .paused {
                guard force else {
                    throw EngineError.conflict("container \(name) is \(st.state.rawValue); stop it first or use rm -f")
                }
            }
            // Created and its holder alive: a `run` or `start` is starting it right now.
            if st.state == .created, !force, holderIsAlive(name) == true {
                throw EngineError.conflict("container \(name) is being started; wait for it, or use rm -f")
            }
            try destroy(record)
        }
    }

    /// Kills whatever is left, waits for the supervisor, unmounts, removes cgroup and state.
    /// Runs under the store lock.
    func destroy(_ record: ContainerRecord, keepingSpare: Bool = true) throws {
        if cgroups.exists(record.cgroup) {
            try? cgroups.thaw(record.cgroup)
            try? cgroups.killAll(record.cgroup, signal: SIGKILL)
        }
        if let p = store.readPid(record.name), cspawn_process_starttime(p.pid) == p.startTime {
            _ = Glibc.kill(p.pid, SIGKILL)
            waitForProcess(p.pid, startTime: p.startTime, seconds: 5)
        }
        // The supervisor writes `exit` once the container's pid 1 is reaped; it must not write
        // it into a directory a new container of this name may own by then. After that its
        // only step left is the `--rm` removal it execs into, which waits for the store lock
        // we hold (and carries the id, so it leaves a new container alone): not waited for.
        if let s = store.readSupervisor(record.name), s.pid != getpid() {
            waitForProcess(s.pid, startTime: s.startTime, seconds: 2) { store.readExit(record.name) != nil }
        }
        try removeEnded(record, keepingSpare: keepingSpare)
    }

    /// A container's directory is removed whole: it must not be (or hold) the image store,
    /// which a moved state root keeps at `<root>/images-store`.
    func checkNotImageStore(_ name: String) throws {
        func normal(_ path: String) -> String {
            "/" + PathParts.join(path.split(separator: "/").filter { $0 != "." })
        }
        let dir = normal(store.directory(name)), images = normal(config.imagesRoot)
        guard images != dir, !images.hasPrefix(dir + "/") else {
            throw EngineError.invalid("container name \(name) is taken: \(dir) is the image store")
        }
    }

    /// `rm -f` of a container whose state file can't be read: its cgroup is at the default
    /// place under our parent, its overlay (if any) at `<dir>/rootfs`.
    func destroyByName(_ name: String) throws {
        var groups = [CgroupPath(parent: config.cgroupParent, name: name)]
        // Made under another --cgroup-parent: its running init says where.
        if let initProcess = store.readPid(name),
           let group = ProcessCgroup.of(pid: initProcess.pid, startTime: initProcess.startTime, named: name, mode: cgroups.mode),
           !groups.contains(group) {
            groups.append(group)
        }
        for group in groups where cgroups.exists(group) {
            try? cgroups.thaw(group)
            try? cgroups.killAll(group, signal: SIGKILL)
            try cgroups.remove(group)
        }
        // As `destroy` does: a supervisor writes `exit` once it has reaped pid 1, and must not
        // write it into the directory being removed (its temporary file, made after the
        // directory was listed, failed the removal: "Directory not empty").
        if let s = store.readSupervisor(name), s.pid != getpid() {
            waitForProcess(s.pid, startTime: s.startTime, seconds: 2) { store.readExit(name) != nil }
        }
        try Overlay.unmountIfMounted(store.directory(name) + "/rootfs")
        try store.discard(name)
    }

    /// True once the container is no longer running (its exit recorded or its pid gone).
    func waitForExit(_ name: String, seconds: Double) -> Bool {
        let deadline = Clock.monotonicNs() + UInt64(seconds * 1e9)
        repeat {
            guard let st = try? status(name) else { return true }
            if st.state == .exited || st.state == .created { return true }
            usleep(10_000)
        } while Clock.monotonicNs() < deadline
        return false
    }

    /// Waits until the process ends, `done` holds, or `seconds` pass.
    func waitForProcess(_ pid: pid_t, startTime: UInt64, seconds: Double, until done: () -> Bool = { false }) {
        let deadline = Clock.monotonicNs() + UInt64(seconds * 1e9)
        while cspawn_process_starttime(pid) == startTime, !done(), Clock.monotonicNs() < deadline {
            // Our own child (a foreground container started from this process) must be reaped.
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
            usleep(5_000)
        }
    }
}
