#if canImport(Glibc)
import Glibc
#endif

/// Directory operations both drivers share. In cgroupfs a directory *is* a cgroup: mkdir makes
/// one (the kernel fills in its files), rmdir removes it once it holds no tasks and no children.
enum CgroupTree {
    /// How long remove() waits for the kernel to finish emptying a cgroup whose last task just
    /// died (EBUSY), and the step between attempts.
    static let removeWaitNs: UInt64 = 1_000_000_000
    static let removeStepUs: useconds_t = 10_000

    /// Makes `root/relative`: ancestors may exist, the leaf must not (EEXIST), so two containers
    /// never share a group. `beforeEach(parent)` runs before each directory is made below
    /// `parent`. Returns the directories it made, outermost first; on failure it removes them.
    @discardableResult
    static func makeGroup(root: String, relative: String,
                          beforeEach: (_ parent: String) throws -> Void = { _ in }) throws -> [String] {
        try check(relative)
        let parts = relative.split(separator: "/")
        var made: [String] = []
        do {
            var dir = root
            for (i, part) in parts.enumerated() {
                try beforeEach(dir)
                dir.append("/")
                dir.append(contentsOf: part)   // not `+ part`: see SmallFile.makeDirectories
                if mkdir(dir, 0o755) == 0 {
                    made.append(dir)
                    continue
                }
                let err = errno
                let sharedAncestor = err == EEXIST && i < parts.count - 1 && SmallFile.isDirectory(dir)
                if !sharedAncestor { throw EngineError.system(step: "mkdir", path: dir, errno: err) }
            }
            return made
        } catch {
            unmake(made)
            throw error
        }
    }

    /// A group path must name a group below the root: never the root itself (removing it would
    /// walk every cgroup on the machine) and never up out of it.
    static func check(_ relative: String) throws {
        let parts = relative.split(separator: "/")
        guard !parts.isEmpty else { throw EngineError.invalid("cgroup path must not be empty") }
        guard !parts.contains(where: { $0 == "." || $0 == ".." }) else {
            throw EngineError.invalid("cgroup path must not contain . or ..: \(relative)")
        }
    }

    /// Undoes makeGroup: innermost first, best effort (the dirs are new and empty).
    static func unmake(_ made: [String]) {
        for dir in made.reversed() { rmdir(dir) }
    }

    /// rmdir of `dir` and every cgroup below it, children first. A missing dir is fine. EBUSY
    /// (tasks still inside, or a dying task not yet gone) is retried until `deadlineNs`.
    static func removeGroup(_ dir: String, deadlineNs: UInt64) throws {
        // A container's group seldom has groups of its own: rmdir at once, and list the
        // directory (every control file in it too) only when that is refused.
        if rmdir(dir) == 0 || errno == ENOENT { return }
        for child in try subdirectories(dir) {
            try removeGroup(dir + "/" + child, deadlineNs: deadlineNs)
        }
        while rmdir(dir) != 0 {
            let err = errno
            if err == ENOENT { return }
            if err == EINTR { continue }
            guard err == EBUSY, Clock.monotonicNs() < deadlineNs else {
                throw EngineError.system(step: "rmdir", path: dir, errno: err)
            }
            usleep(removeStepUs)
        }
    }

    /// Names of the directories directly inside `dir`; [] when `dir` does not exist.
    static func subdirectories(_ dir: String) throws -> [String] {
        guard let d = opendir(dir) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw EngineError.fromErrno("opendir", dir)
        }
        defer { closedir(d) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let type = ent.pointee.d_type
            if type == UInt8(DT_DIR) || (type == UInt8(DT_UNKNOWN) && SmallFile.isDirectory(dir + "/" + name)) {
                names.append(name)
            }
        }
        return names
    }

    /// Sends `signal` to each pid; one that exited meanwhile (ESRCH) is fine.
    static func signal(_ pids: [pid_t], _ signal: Int32, procsFile: String) throws {
        for pid in pids where pid > 0 {
            guard kill(pid, signal) != 0 else { continue }
            let err = errno
            if err != ESRCH { throw EngineError.system(step: "kill \(pid)", path: procsFile, errno: err) }
        }
    }

    /// The file's content for display, trailing newline dropped; nil when absent or unreadable.
    static func shown(_ dir: String, _ names: [String]) -> [KernelFile] {
        names.compactMap { name in
            let path = dir + "/" + name
            guard let text = try? KernelRead.text(path) else { return nil }
            return KernelFile(path: path, value: text)
        }
    }
}
