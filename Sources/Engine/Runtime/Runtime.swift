import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import CSpawn

/// Where a Runtime keeps things and which cgroup layout it drives.
public struct RuntimeConfig: Sendable {
    public var stateRoot: String
    public var imagesRoot: String
    public var cgroupParent: String
    /// The corral binary, for the `--rm` clean-up a supervisor runs when its container exits.
    public var selfExecutable: String

    public static let defaultStateRoot = "/run/corral"
    public static let defaultImagesRoot = "/var/lib/corral"
    /// Where a moved state root keeps its images unless $CORRAL_IMAGES says otherwise: inside
    /// the state root, so this is never a container's name there.
    public static let imageStoreInStateRoot = "images-store"
    public static let defaultCgroupParent = "corral"

    public init(stateRoot: String, imagesRoot: String, cgroupParent: String, selfExecutable: String) {
        self.stateRoot = stateRoot
        self.imagesRoot = imagesRoot
        self.cgroupParent = cgroupParent
        self.selfExecutable = selfExecutable
    }
}

/// The Engine's one entry point for containers: create, start, inspect, limit, stop, remove.
/// Stateless between calls — everything lives in the state root and the kernel — so the CLI
/// and the TUI can each hold one at the same time.
public final class Runtime {
    public let config: RuntimeConfig
    public let store: StateStore
    public let cgroups: CgroupDriver
    public let images: ImageStore
    /// `list()` reuses the records whose state file did not change (see RecordCache).
    let records = RecordCache()
    /// Ids of abandoned `--rm` containers whose removal failed (a task stuck in its cgroup):
    /// not tried again at every refresh of a long-running lister, each try holding the lock.
    var failedRemovals: Set<String> = []
    let failedRemovalsLock = Mutex()
    /// The cgroup parents this process made, removed again only by a failed start.
    let cgroupParents = CgroupParents()
    /// Supervisors started by this process, collected when they end.
    let supervisors = SupervisorReaper()
    /// A network namespace made ahead for the next `--net none` start.
    let spareNetns: SpareNetns

    public init(config: RuntimeConfig, cgroups: CgroupDriver? = nil, spareNetns: SpareNetns = SpareNetns()) throws {
        self.spareNetns = spareNetns
        guard geteuid() == 0 else {
            throw EngineError.invalid("corral needs root (namespaces, cgroups and mounts are root-only here)")
        }
        try ContainerName.validateCgroupParent(config.cgroupParent)
        var config = config
        // "a//b/" and "/a/b" name the group a/b; kept as that, so ps shows one spelling.
        config.cgroupParent = PathParts.join(config.cgroupParent.split(separator: "/"))
        self.config = config
        self.store = StateStore(root: config.stateRoot)
        self.cgroups = try cgroups ?? CgroupDetector.detect()
        self.images = ImageStore(root: config.imagesRoot)
    }

    /// Every container in the state root with its live state, sorted by name. `watch`: the pidfds
    /// of a long-running lister (see ProcessWatch), so that telling a container still runs costs
    /// no file reads. `worker`: a second thread that takes half of the containers (SweepWorker).
    /// `tidy` (for `ps` and the TUI, the listings a person looks at): first removes what killed
    /// commands left — the hidden directories of a create or rm cut short, and `--rm`
    /// containers whose holder died before it could remove them — when the store lock is free.
    public func list(watch: ProcessWatch? = nil, worker: SweepWorker? = nil, tidy: Bool = false) throws -> [ContainerStatus] {
        supervisors.reap()
        let listing = try store.listing()
        if tidy { store.sweepLeftovers(listing.leftovers) }
        let names = listing.names
        let present = Set(names)
        records.retain(only: present)
        watch?.retain(only: present)
        let running = watch?.running() ?? [:]
        func probe(_ names: ArraySlice<String>) -> [ContainerStatus] {
            names.compactMap { name in
                // A directory without a record (left by an older corral killed half-way) is not a container.
                guard let record = try? records.load(name, from: store) else { return nil }
                if let p = running[name], p.containerID == record.id {
                    return liveStatus(of: record, pid: p.pid, startTime: p.startTime)
                }
                let st = status(of: record)
                if let watch, let pid = st.pid, let start = st.startTicks {
                    watch.watch(name, containerID: record.id, pid: pid, startTime: start)
                }
                return st
            }
        }
        let listed: [ContainerStatus]
        if let worker, names.count >= SweepWorker.minimumSplit {
            let half = names.count / 2
            let (first, second) = worker.split({ probe(names[..<half]) }, { probe(names[half...]) })
            listed = first + second
        } else {
            listed = probe(names[...])
        }
        guard tidy else { return listed }
        let removed = removeAbandonedAutoRemovals(listed)
        return removed.isEmpty ? listed : listed.filter { !removed.contains($0.name) }
    }

    /// Containers whose state file is there but can't be read (damaged): `list` leaves them out,
    /// so `ps` names them apart. `rm -f` removes them.
    public func unreadable() -> [String] {
        let names = (try? store.directoryNames()) ?? []
        return names.filter { name in
            guard SmallFile.exists(store.recordPath(name)) else { return false }
            do {
                _ = try records.load(name, from: store)
                return false
            } catch EngineError.invalid {
                return true
            } catch {
                return false
            }
        }
    }

    public func status(_ name: String) throws -> ContainerStatus {
        try ContainerName.validate(name)
        let record = try store.load(name)
        let st = status(of: record)
        // Removed between reading its record and its other files: gone, not "created".
        if st.state == .created, !store.exists(name) { throw EngineError.notFound("no such container: \(name)") }
        return st
    }

    func status(of record: ContainerRecord) -> ContainerStatus {
        var st = ContainerStatus(record: record, state: .created)
        if let exit = store.readExit(record.name) { return exited(record, exit) }
        guard let p = store.readPid(record.name) else {
            // Not started yet. Its holder (the process that created or is starting it, then
            // the supervisor) is starting it; a holder that is gone was killed before the
            // container ran, and nothing will start it now.
            if holderIsAlive(record.name) == false {
                st.state = .exited
                st.exitReason = "start interrupted"
            }
            return st
        }
        if cspawn_process_starttime(p.pid) == p.startTime {
            return liveStatus(of: record, pid: p.pid, startTime: p.startTime)
        }
        // pid 1 is gone. A live holder records its end right after reaping it: wait that
        // moment out (read as killed, a container that exits at once gave `wait` 137), and
        // while it has not come, the container is still ending: running, no pid.
        if holderIsAlive(record.name) == true {
            let deadline = Clock.monotonicNs() + 50_000_000
            repeat {
                if let exit = store.readExit(record.name) { return exited(record, exit) }
                usleep(1_000)
            } while Clock.monotonicNs() < deadline && holderIsAlive(record.name) == true
            if let exit = store.readExit(record.name) { return exited(record, exit) }
            if holderIsAlive(record.name) == true {
                st.state = .running
                return st
            }
        }
        // Nobody recorded its end: the process holding it (supervisor or foreground CLI) was
        // killed, and PDEATHSIG took the container with it.
        st.state = .exited
        st.exitCode = 128 + SIGKILL
        st.exitReason = "supervisor lost"
        return st
    }

    private func exited(_ record: ContainerRecord, _ exit: (code: Int32, signal: Int32)) -> ContainerStatus {
        var st = ContainerStatus(record: record, state: .exited)
        st.exitCode = exit.code
        // 137 also when pid 1 is a shell whose child the OOM killer took; kills of earlier
        // runs of a restarted container don't count.
        if exit.signal == SIGKILL || exit.code == 128 + SIGKILL,
           (try? cgroups.oomKills(record.cgroup)) ?? 0 > store.readOOMKillsBefore(record.name) {
            st.exitReason = "killed by the OOM killer"
        }
        return st
    }

    /// Whether the container's holder still runs: the process recorded in `supervisor` — the
    /// `run` or `start` creating it, then its supervisor or foreground `run` — whose pid and
    /// start time both match; nil when none is recorded (an older corral's record). A
    /// supervisor that execs its `rm` keeps its pid and start time, so it counts as alive until
    /// that removal is done.
    func holderIsAlive(_ name: String) -> Bool? {
        guard let h = store.readSupervisor(name) else { return nil }
        return cspawn_process_starttime(h.pid) == h.startTime
    }

    private func liveStatus(of record: ContainerRecord, pid: pid_t, startTime: UInt64) -> ContainerStatus {
        var st = ContainerStatus(record: record, state: .running)
        st.pid = pid
        st.startTicks = startTime
        if (try? cgroups.isFrozen(record.cgroup)) ?? false { st.state = .paused }
        return st
    }
}

extension ContainerName {
    /// A cgroup parent is one or more name components ("corral", "ci/corral-test-1").
    public static func validateCgroupParent(_ parent: String) throws {
        let parts = parent.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { throw EngineError.invalid("cgroup parent must not be empty") }
        for p in parts {
            do { try validate(String(p)) } catch {
                throw EngineError.invalid("invalid cgroup parent \(quoted(parent)): each part must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
            }
        }
    }
}
