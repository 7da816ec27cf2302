import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The state root: one directory per container (`<root>/<name>/`) holding `state.json` (the
/// record), and the small files the supervisor writes: `pid`, `exit`, `log`.
public struct StateStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public var lockPath: String { root + "/.lock" }
    public func directory(_ name: String) -> String { root + "/" + name }
    public func recordPath(_ name: String) -> String { directory(name) + "/state.json" }
    public func pidPath(_ name: String) -> String { directory(name) + "/pid" }
    public func exitPath(_ name: String) -> String { directory(name) + "/exit" }
    public func logPath(_ name: String) -> String { directory(name) + "/log" }
    public func supervisorPath(_ name: String) -> String { directory(name) + "/supervisor" }
    func oomKillsBeforePath(_ name: String) -> String { directory(name) + "/oom-kills-before" }
    func restartingPath(_ name: String) -> String { directory(name) + "/restarting" }

    /// Creates the root (mode 0700: state files name host paths and pids).
    public func prepare() throws {
        try SmallFile.makeDirectories(root, mode: 0o700)
    }

    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try prepare()
        return try FileLock.withLock(lockPath, body)
    }

    public func exists(_ name: String) -> Bool {
        SmallFile.exists(recordPath(name))
    }

    /// What the root holds: every directory named like a container, sorted (one made by an
    /// older corral may lack its state file), and the staging and removal directories that a
    /// create or rm killed half-way left (see `publish` and `discard`).
    struct Listing {
        var names: [String] = []
        var leftovers: [String] = []
    }

    func listing() throws -> Listing {
        guard let dir = opendir(root) else {
            if errno == ENOENT { return Listing() }
            throw EngineError.fromErrno("opendir", root)
        }
        defer { closedir(dir) }
        var out = Listing()
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            // Every refresh of the TUI reads this: a container's name is checked once, and
            // only a hidden entry is looked at as a possible leftover.
            if name.hasPrefix(".") {
                if Self.isHiddenLeftover(name) { out.leftovers.append(name) }
            } else if (try? ContainerName.validate(name)) != nil {
                out.names.append(name)
            }
        }
        out.names.sort()
        return out
    }

    func directoryNames() throws -> [String] { try listing().names }

    // A container's directory is filled under a hidden name and renamed into place, and renamed
    // away before it is emptied: a create or rm killed at any step leaves either a whole
    // `<name>/` with its record or a hidden leftover, never a `<name>/` that `ps` can't list.
    // Each hidden name is new (pid and clock): a leftover that can't be removed yet blocks nothing.
    static let stagingPrefix = ".new-", removalPrefix = ".gone-"
    private func hiddenDirectory(_ prefix: String, _ name: String) -> String {
        root + "/" + prefix + name + ".\(getpid()).\(Clock.monotonicNs())"
    }

    /// `.new-<name>.<pid>.<ns>` or `.gone-<name>.<pid>.<ns>` with a valid container name: only
    /// what publish and discard make is ever swept.
    static func isHiddenLeftover(_ entry: String) -> Bool {
        // The cgroup parents list an older corral kept, and its temporary file from a write
        // cut short: no longer used.
        if entry == CgroupParents.legacyListName { return true }
        let parentsTemporary = CgroupParents.legacyListName + SmallFile.temporaryInfix
        if entry.hasPrefix(parentsTemporary) {
            let pid = entry.dropFirst(parentsTemporary.count)
            return !pid.isEmpty && pid.allSatisfy { $0 >= "0" && $0 <= "9" }
        }
        guard let prefix = [stagingPrefix, removalPrefix].first(where: { entry.hasPrefix($0) }) else { return false }
        let parts = entry.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.suffix(2).allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return false }
        return (try? ContainerName.validate(parts.dropLast(2).joined(separator: "."))) != nil
    }

    /// One emptied container directory, kept by the removal of a container for the next create
    /// to fill. On a disk file system making a directory allocates a block and removing one
    /// frees it: on this project's VM (ext4 mounted `discard`, /run not a tmpfs) that was 0.2 to
    /// 0.7 ms of a `run --rm`, the `rmdir` waiting for the device to discard the block.
    static let spareName = ".spare"
    var spareDirectory: String { root + "/" + Self.spareName }

    /// Makes `<name>/` appear at once with its record and the (empty) `subdirectories`.
    /// Under the lock, with no `<name>/` there.
    /// `holder`: the process creating it, recorded with the record (see `Runtime.status`): a
    /// container whose creator is killed before it has started is known abandoned, not
    /// "created" for good.
    func publish(_ record: ContainerRecord, subdirectories: [String] = [],
                 holder: (pid: pid_t, startTime: UInt64)? = nil) throws {
        var staging = hiddenDirectory(Self.stagingPrefix, record.name)
        if rename(spareDirectory, staging) == 0 {
            // A removal leaves it empty, but a late writer may have put a file in it, or
            // someone something else under that name (a file, a symlink to follow, a directory
            // others may write to): that goes, and the record into a new directory.
            if SmallFile.isEmptyDirectory(staging, owner: geteuid(), mode: 0o700) {
                return try fill(staging, record, subdirectories, holder)
            }
            try? SmallFile.removeTree(staging)
            staging = hiddenDirectory(Self.stagingPrefix, record.name)
        }
        guard mkdir(staging, 0o700) == 0 else { throw EngineError.fromErrno("mkdir", staging) }
        try fill(staging, record, subdirectories, holder)
    }

    private func fill(_ staging: String, _ record: ContainerRecord, _ subdirectories: [String],
                      _ holder: (pid: pid_t, startTime: UInt64)?) throws {
        do {
            for sub in subdirectories {
                // 0755 whatever the umask: `upper` gives the container's / its mode.
                guard mkdir(staging + "/" + sub, 0o755) == 0, chmod(staging + "/" + sub, 0o755) == 0 else {
                    throw EngineError.fromErrno("mkdir", staging + "/" + sub)
                }
            }
            // No temporary file: nobody reads the staging directory.
            try SmallFile.writeNew(staging + "/state.json", RecordJSON.encode(record))
            if let holder {
                try SmallFile.writeNew(staging + "/supervisor", Self.processLine(pid: holder.pid, startTime: holder.startTime))
            }
            guard rename(staging, directory(record.name)) == 0 else { throw EngineError.fromErrno("rename", directory(record.name)) }
        } catch {
            try? SmallFile.removeTree(staging)
            throw error
        }
    }

    /// Takes `<name>/` out of the listing in one rename, then empties it and keeps it as the
    /// spare (`keepingSpare`; a failed start keeps none: bad input leaves no spare behind).
    /// Under the lock; the mounts below it must be gone (removeTree does not cross them).
    func discard(_ name: String, keepingSpare: Bool = true) throws {
        let gone = hiddenDirectory(Self.removalPrefix, name)
        guard rename(directory(name), gone) == 0 else {
            if errno == ENOENT { return }
            throw EngineError.fromErrno("rename", directory(name))
        }
        try SmallFile.removeTree(gone, keepingEmptyAs: keepingSpare ? spareDirectory : nil)
    }

    /// Removes the leftovers of killed creates and removals, if the lock is free now (its
    /// holder may be making or removing one of them). Returns without waiting otherwise.
    func sweepLeftovers(_ leftovers: [String]) {
        guard !leftovers.isEmpty, let fd = try? FileLock.holdIfFree(lockPath) else { return }
        defer { close(fd) }
        for name in leftovers { try? SmallFile.removeTree(root + "/" + name) }
    }

    public func load(_ name: String) throws -> ContainerRecord {
        let path = recordPath(name)
        let bytes: [UInt8]
        do {
            bytes = try SmallFile.readBytes(path)
        } catch EngineError.system(_, _, let err) where err == ENOENT {
            throw EngineError.notFound("no such container: \(name)")
        }
        let record: ContainerRecord
        do {
            record = try Self.decoder.decode(ContainerRecord.self, from: Data(bytes))
        } catch {
            // The decoder's description can quote the file's bytes: line breaks and escapes
            // from a damaged file must not reach the one-line error.
            let reason = ContainerName.escapingControls("\(error)")
            throw EngineError.invalid("\(path): corrupt state file (\(reason)); `corral rm -f \(name)` removes it")
        }
        // rm acts on the record's name, cgroup and overlay: a record that is not this
        // container's own would point it at another container's, or at the host's.
        let cgroupParts = record.cgroup.relative.split(separator: "/")
        guard record.name == name, cgroupParts.last.map(String.init) == name,
              !cgroupParts.contains(where: { $0 == "." || $0 == ".." }),
              !record.rootfsIsOverlay || record.rootfs.hasSuffix("/" + name + "/rootfs") else {
            throw EngineError.invalid("\(path): the state file does not describe \(name); `corral rm -f \(name)` removes it")
        }
        return record
    }

    public func save(_ record: ContainerRecord) throws {
        try SmallFile.writeAtomically(recordPath(record.name), RecordJSON.encode(record), durable: false)
    }

    /// The container's pid 1, "<pid> <starttime>" as its holder wrote it.
    public func readPid(_ name: String) -> (pid: pid_t, startTime: UInt64)? {
        Self.readProcess(pidPath(name))
    }

    /// The container's holder: its supervisor, or the CLI of a foreground run.
    public func readSupervisor(_ name: String) -> (pid: pid_t, startTime: UInt64)? {
        Self.readProcess(supervisorPath(name))
    }

    /// A "<pid> <starttime>" file. Start time 0: the process had already ended when the file
    /// was written (a /bin/true is a zombie before `run` records it). No process to check,
    /// signal or wait for: read as one, it matched every gone pid and made `rm` wait 5 s for it.
    private static func readProcess(_ path: String) -> (pid: pid_t, startTime: UInt64)? {
        guard let text = try? SmallFile.readIfPresent(path) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let pid = pid_t(parts[0]), let st = UInt64(parts[1]), pid > 0, st > 0 else { return nil }
        return (pid, st)
    }

    private static func writeProcess(_ path: String, pid: pid_t, startTime: UInt64) throws {
        try SmallFile.writeAtomically(path, processLine(pid: pid, startTime: startTime), durable: false)
    }

    private static func processLine(pid: pid_t, startTime: UInt64) -> [UInt8] {
        Array("\(pid) \(startTime)\n".utf8)
    }

    /// "<exit code> <signal>" written when the container's pid 1 was reaped.
    public func readExit(_ name: String) -> (code: Int32, signal: Int32)? {
        guard let text = try? SmallFile.readIfPresent(exitPath(name)) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 1, let code = Int32(parts[0]) else { return nil }
        let sig = parts.count >= 2 ? Int32(parts[1]) ?? 0 : 0
        return (code, sig)
    }

    public func writePid(_ name: String, pid: pid_t, startTime: UInt64) throws {
        try Self.writeProcess(pidPath(name), pid: pid, startTime: startTime)
    }

    /// "<pid> <starttime>" of the process that holds the container and records its end: its
    /// supervisor, or the CLI of a foreground run.
    public func writeSupervisor(_ name: String, pid: pid_t, startTime: UInt64) throws {
        try Self.writeProcess(supervisorPath(name), pid: pid, startTime: startTime)
    }

    /// The process restarting a `--rm` container ("<pid> <starttime>"): while it lives, the
    /// removal that ends such a container's run is left out (`Runtime.restart`).
    func writeRestarting(_ name: String, pid: pid_t, startTime: UInt64) throws {
        try Self.writeProcess(restartingPath(name), pid: pid, startTime: startTime)
    }

    func readRestarting(_ name: String) -> (pid: pid_t, startTime: UInt64)? {
        Self.readProcess(restartingPath(name))
    }

    func clearRestarting(_ name: String) {
        unlink(restartingPath(name))
    }

    public func writeExit(_ name: String, code: Int32, signal: Int32) throws {
        try SmallFile.writeAtomically(exitPath(name), Array("\(code) \(signal)\n".utf8), durable: false)
    }

    /// The cgroup's OOM kill count when the container was last started: the cgroup (and its
    /// counter) lives from create to rm, and only kills since the start belong to this run.
    /// 0 when absent: a first run starts in a new cgroup.
    func readOOMKillsBefore(_ name: String) -> UInt64 {
        guard let text = try? SmallFile.readIfPresent(oomKillsBeforePath(name)) else { return 0 }
        return UInt64(text.split(separator: "\n").first ?? "") ?? 0
    }

    /// Writes the count, or removes the file for 0.
    func writeOOMKillsBefore(_ name: String, _ count: UInt64) throws {
        if count == 0 {
            guard unlink(oomKillsBeforePath(name)) == 0 || errno == ENOENT else {
                throw EngineError.fromErrno("unlink", oomKillsBeforePath(name))
            }
            return
        }
        try SmallFile.writeAtomically(oomKillsBeforePath(name), Array("\(count)\n".utf8), durable: false)
    }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = RecordTimestamp.date(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 time: \(ContainerName.quoted(text))")
            }
            return date
        }
        return d
    }()
}
