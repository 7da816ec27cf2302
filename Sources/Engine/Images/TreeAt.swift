#if canImport(Glibc)
import Glibc
#endif

/// Directory-fd relative file operations for extraction: every lookup is one component with
/// O_NOFOLLOW / AT_SYMLINK_NOFOLLOW, so no symlink inside an image can steer them elsewhere.
enum TreeAt {
    enum Kind { case missing, directory, symlink, other }

    static func kind(_ name: [UInt8], in dirfd: Int32, display: String) throws -> Kind {
        var st = stat()
        let r = withCString(name) { fstatat(dirfd, $0, &st, AT_SYMLINK_NOFOLLOW) }
        guard r == 0 else {
            if errno == ENOENT { return .missing }
            throw EngineError.fromErrno("fstatat", display)
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Opens a directory below `dirfd`; fails (ELOOP/ENOTDIR) instead of following a symlink.
    static func openDirectory(_ name: [UInt8], in dirfd: Int32, display: String) throws -> Int32 {
        let fd = withCString(name) { openat(dirfd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else { throw EngineError.fromErrno("open", display) }
        return fd
    }

    /// The names in the directory open at `fd` (which stays open), without "." and "..".
    static func names(_ fd: Int32, display: String) throws -> [[UInt8]] {
        let copy = dup(fd)
        guard copy >= 0 else { throw EngineError.fromErrno("dup", display) }
        guard let dir = fdopendir(copy) else {
            let e = EngineError.fromErrno("fdopendir", display)
            close(copy)
            throw e
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var out: [[UInt8]] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { bytesOf($0) }
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            out.append(name)
        }
        return out
    }

    /// `rm -rf name` below `dirfd`: symlinks are removed, never followed, and a mount point
    /// below is refused rather than emptied.
    static func remove(_ name: [UInt8], in dirfd: Int32, display: String) throws {
        var st = stat()
        let r = withCString(name) { fstatat(dirfd, $0, &st, AT_SYMLINK_NOFOLLOW) }
        guard r == 0 else {
            if errno == ENOENT { return }
            throw EngineError.fromErrno("fstatat", display)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            var parent = stat()
            guard fstat(dirfd, &parent) == 0 else { throw EngineError.fromErrno("fstat", display) }
            guard parent.st_dev == st.st_dev else {
                throw EngineError.system(step: "remove (mount point)", path: display, errno: EBUSY)
            }
            let fd = try openDirectory(name, in: dirfd, display: display)
            defer { close(fd) }
            for child in try names(fd, display: display) {
                try remove(child, in: fd, display: display + "/" + String(decoding: child, as: UTF8.self))
            }
            guard withCString(name, { unlinkat(dirfd, $0, AT_REMOVEDIR) }) == 0 || errno == ENOENT else {
                throw EngineError.fromErrno("rmdir", display)
            }
        } else {
            guard withCString(name, { unlinkat(dirfd, $0, 0) }) == 0 || errno == ENOENT else {
                throw EngineError.fromErrno("unlink", display)
            }
        }
    }

    /// Bytes allocated below the directory open at `fd`, each inode counted once (`du -s`).
    static func diskUsage(_ fd: Int32, display: String) throws -> UInt64 {
        var seen = Set<UInt64>()
        return try diskUsage(fd, display: display, seen: &seen)
    }

    private static func diskUsage(_ fd: Int32, display: String, seen: inout Set<UInt64>) throws -> UInt64 {
        var total: UInt64 = 0
        for name in try names(fd, display: display) {
            var st = stat()
            guard withCString(name, { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else { continue }
            if st.st_nlink > 1 && !seen.insert(UInt64(st.st_ino)).inserted { continue }
            total += UInt64(st.st_blocks) * 512
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let child = display + "/" + String(decoding: name, as: UTF8.self)
                let sub = try openDirectory(name, in: fd, display: child)
                defer { close(sub) }
                total += try diskUsage(sub, display: child, seen: &seen)
            }
        }
        return total
    }
}
