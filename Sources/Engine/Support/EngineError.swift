#if canImport(Glibc)
import Glibc
#endif

/// Every failure the Engine reports: what was being done, on which path, with which errno.
/// `description` is one line, fit to follow `corral: error: `.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// A system call failed: `step` names it ("write", "mkdir", "pivot_root"), `path` is the file.
    case system(step: String, path: String, errno: Int32)
    /// The user asked for something invalid (bad flag value, unknown name); nothing was changed.
    case invalid(String)
    /// The thing asked for does not exist.
    case notFound(String)
    /// The thing exists but is in the wrong state for the request (e.g. rm of a running container).
    case conflict(String)
    /// The container's command could not be started; `exitCode` is what docker and the shell
    /// exit with then: 127 when there is no such command, 126 when it can't be executed.
    case cannotRun(String, exitCode: Int32)

    public var description: String {
        switch self {
        case let .system(step, path, err):
            let reason = String(cString: strerror(err))
            return path.isEmpty ? "\(step): \(reason) (errno \(err))"
                                : "\(step) \(path): \(reason) (errno \(err))"
        case let .invalid(msg), let .notFound(msg), let .conflict(msg), let .cannotRun(msg, _):
            return msg
        }
    }

    /// What `corral` exits with after reporting this error.
    public var exitCode: Int32 {
        if case let .cannotRun(_, code) = self { return code }
        return 1
    }

    /// Wraps the current `errno` after a failed call.
    public static func fromErrno(_ step: String, _ path: String = "") -> EngineError {
        .system(step: step, path: path, errno: errno)
    }
}
