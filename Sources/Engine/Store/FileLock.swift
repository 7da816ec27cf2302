#if canImport(Glibc)
import Glibc
#endif

/// An exclusive flock(2) on a lock file, held for the duration of `body`. The CLI and the TUI
/// (and supervisors running `rm` for `--rm` containers) all change the state root at once;
/// this makes name reservation and removal one-at-a-time.
public enum FileLock {
    /// Told the lock file's path when a lock given `noticeWait` has been held by someone else
    /// for `noticeAfterNs` and this process goes on waiting for it: a CLI says so on stderr
    /// rather than seeming to hang behind an image import. Short waits are not told.
    nonisolated(unsafe) public static var onWait: ((String) -> Void)?
    static let noticeAfterNs: UInt64 = 1_000_000_000

    /// `noticeWait`: a lock held for long stretches (the image store's, during an import); the
    /// others are waited for in the kernel, woken at once when free.
    public static func withLock<T>(_ path: String, noticeWait: Bool = false, _ body: () throws -> T) throws -> T {
        let fd = openLockFile(path)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        defer { close(fd) }
        if noticeWait, let onWait, flock(fd, LOCK_EX | LOCK_NB) != 0, errno == EWOULDBLOCK {
            let notice = Clock.monotonicNs() + noticeAfterNs
            var held = true
            while held, Clock.monotonicNs() < notice {
                try Interruption.check(path)
                usleep(10_000)
                held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK
            }
            if held { onWait(path) }
        }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw EngineError.fromErrno("flock", path) }
            // A Ctrl-C noted by a command that undoes its work (Interruption) ends the wait too.
            try Interruption.check(path)
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// The same exclusive lock, taken only if it is free now and held past this call: its fd,
    /// which the caller closes to release it (the kernel does if the process dies), or nil
    /// while another holder has it.
    public static func holdIfFree(_ path: String) throws -> Int32? {
        let fd = openLockFile(path)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let err = errno
            close(fd)
            if err == EWOULDBLOCK { return nil }
            throw EngineError.system(step: "flock", path: path, errno: err)
        }
        return fd
    }

    /// flock needs no write access on local file systems: on a read-only one (an image store
    /// mounted read-only) the existing lock file is opened for reading, so its images still
    /// run. (NFS wants a writable descriptor for an exclusive lock; there flock then fails.)
    private static func openLockFile(_ path: String) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd < 0, errno == EROFS || errno == EACCES else { return fd }
        let saved = errno
        let readOnly = open(path, O_RDONLY | O_CLOEXEC)
        if readOnly < 0 { errno = saved }
        return readOnly
    }
}
