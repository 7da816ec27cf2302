#if canImport(Glibc)
import Glibc
#endif

/// An exclusive flock(2) on a lock file, held for the duration of `body`. The CLI and the TUI
/// (and supervisors running `rm` for `--rm` containers) all change the state root at once;
/// this makes name reservation and removal one-at-a-time.
public enum FileLock {
    public static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw EngineError.fromErrno("flock", path) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
