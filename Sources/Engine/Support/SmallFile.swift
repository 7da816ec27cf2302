#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes the small text files the kernel and the state root are made of
/// (cgroup knobs, pid files, state.json) with plain system calls: no Foundation on the
/// container start path, and errors that carry the path and errno.
public enum SmallFile {
    /// The whole file as a String. Throws `.system("open"/"read", path, errno)`.
    public static func read(_ path: String) throws -> String {
        let bytes = try readBytes(path)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func readBytes(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw EngineError.fromErrno("read", path)
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// The file's content, or nil when it does not exist.
    public static func readIfPresent(_ path: String) throws -> String? {
        do { return try read(path) } catch EngineError.system(_, _, let err) where err == ENOENT {
            return nil
        }
    }

    /// Writes `text` with one write(2), as the kernel wants for cgroup knobs: a refused value
    /// comes back as the errno of that write (EINVAL, EBUSY, ...).
    public static func write(_ path: String, _ text: String, create: Bool = false) throws {
        let flags = O_WRONLY | O_CLOEXEC | (create ? (O_CREAT | O_TRUNC) : 0)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw EngineError.fromErrno("write", path) }
    }

    /// What writeAtomically puts between a file's name and the writer's pid for its temporary
    /// file (a writer killed in between leaves it: StateStore sweeps the state root's own).
    static let temporaryInfix = ".tmp."

    /// Writes to a temporary file in the same directory and renames it over `path`, so readers
    /// see the old or the new content, never half of it. `durable` fsyncs before the rename (the
    /// content survives a power cut); run-time state that dies with the machine skips it: one
    /// fsync costs 0.5-4 ms on the bench machine, more than the rest of a container start.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], durable: Bool = true) throws {
        let tmp = path + temporaryInfix + "\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EngineError.fromErrno("open", tmp) }
        do {
            try writeAll(fd, bytes, path: tmp)
        } catch {
            close(fd); unlink(tmp)
            throw error
        }
        if durable { fsync(fd) }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let e = EngineError.fromErrno("rename", path)
            unlink(tmp)
            throw e
        }
    }

    /// Writes a file that must not exist yet, where nobody reads it before it is complete.
    public static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw EngineError.fromErrno("write", path)
            }
            off += n
        }
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// A directory itself (not a symlink to one) with nothing in it, of that owner and
    /// permission bits (set-group-ID, which a directory may inherit, aside).
    public static func isEmptyDirectory(_ path: String, owner: uid_t, mode: mode_t) -> Bool {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_uid == owner, st.st_mode & 0o5777 == mode, let dir = fdopendir(fd) else {
            close(fd)
            return false
        }
        defer { closedir(dir) }
        errno = 0
        while let ent = readdir(dir) {
            let isDots = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { strcmp($0, ".") == 0 || strcmp($0, "..") == 0 }
            }
            if !isDots { return false }
        }
        return errno == 0   // not read to its end: not known to be empty
    }

    /// `mkdir -p`; existing directories are fine.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix.append("/")
            // Not `+= "/" + part`: String + Substring is the generic append, whose first use
            // in a process scans every protocol conformance in the binary (~40 µs).
            prefix.append(contentsOf: part)
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw EngineError.fromErrno("mkdir", prefix)
            }
        }
    }

    /// `rm -rf` that never crosses into a mounted filesystem below `path` (it unmounts nothing
    /// and refuses to descend through a mount point, so a forgotten bind mount can't take the
    /// host's files with it). Entries are handled by their raw name bytes relative to an open
    /// directory: a name that isn't UTF-8 (an extracted archive may hold any bytes) is removed
    /// like any other, and a directory swapped for a symlink meanwhile is not followed.
    ///
    /// `keepingEmptyAs`: the emptied directory is renamed to that path instead of removed, unless
    /// a non-empty directory is there (an empty one is replaced). Whoever takes it checks that it
    /// is still empty: a writer that had the directory's path open may add a file after this.
    public static func removeTree(_ path: String, keepingEmptyAs keep: String? = nil) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw EngineError.fromErrno("lstat", path)
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            guard unlink(path) == 0 || errno == ENOENT else { throw EngineError.fromErrno("unlink", path) }
            return
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        try removeEntries(of: fd, path: path, device: st.st_dev)
        if let keep, rename(path, keep) == 0 { return }
        guard rmdir(path) == 0 || errno == ENOENT else { throw EngineError.fromErrno("rmdir", path) }
    }

    /// Empties the directory open as `fd` (and closes it). `path` is only for messages.
    private static func removeEntries(of fd: Int32, path: String, device: dev_t) throws {
        guard let dir = fdopendir(fd) else {
            let e = EngineError.fromErrno("fdopendir", path)
            close(fd)
            throw e
        }
        defer { closedir(dir) }
        var names: [[CChar]] = []
        var types: [UInt8] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { p -> [CChar]? in
                    strcmp(p, ".") == 0 || strcmp(p, "..") == 0 ? nil : Array(UnsafeBufferPointer(start: p, count: strlen(p) + 1))
                }
            }
            guard let name else { continue }
            names.append(name)
            types.append(ent.pointee.d_type)
        }
        for (name, type) in zip(names, types) {
            func shown() -> String { path + "/" + String(cString: name) }
            // What the file system itself says is no directory goes without a stat (a state
            // directory's four files: the `--rm` removal of every `run`).
            if type != UInt8(DT_DIR) && type != UInt8(DT_UNKNOWN) {
                guard unlinkat(fd, name, 0) == 0 || errno == ENOENT else { throw EngineError.fromErrno("unlink", shown()) }
                continue
            }
            var st = stat()
            guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }
                throw EngineError.fromErrno("lstat", shown())
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                guard st.st_dev == device else {
                    throw EngineError.system(step: "remove (mount point inside)", path: shown(), errno: EBUSY)
                }
                let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard sub >= 0 else { throw EngineError.fromErrno("open", shown()) }
                try removeEntries(of: sub, path: shown(), device: device)
                guard unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT else { throw EngineError.fromErrno("rmdir", shown()) }
            } else {
                guard unlinkat(fd, name, 0) == 0 || errno == ENOENT else { throw EngineError.fromErrno("unlink", shown()) }
            }
        }
    }
}
