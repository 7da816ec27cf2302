import Engine
#if canImport(Glibc)
import Glibc
#endif

/// One line on stderr when a command has to wait for another corral: an image import holds
/// the image store for as long as it extracts, and a `run` behind it would seem to hang.
enum LockWaitNotice {
    static func install() {
        FileLock.onWait = { _ in
            let line = "corral: waiting for the image store (an image import or load is running)\n"
            _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        }
    }
}
