import Engine
#if canImport(Glibc)
import Glibc
#endif

/// `docker load < image.tar`, `docker import - name`: an archive piped in. The loaders read a
/// file (a docker-save archive is read twice: its manifest comes last), so stdin is copied to
/// a temporary file first, unlinked at once, and read through /proc/self/fd.
final class StdinArchive {
    let path: String
    private let fd: Int32

    init(verb: String) throws {
        guard isatty(STDIN_FILENO) == 0 else {
            throw EngineError.invalid("\(verb) reads the archive from stdin here: give a file, or pipe one in")
        }
        let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/var/tmp"
        var template = Array((dir + "/corral-stdin-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw EngineError.fromErrno("mkstemp", dir) }
        // Nameless from here on: nothing can be left of it, whatever ends the command.
        unlink(String(cString: template))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        path = "/proc/self/fd/\(fd)"
        try FDCopy.all(from: STDIN_FILENO, "stdin", to: fd, dir + " (a copy of stdin)") {
            try Interruption.check("\(verb): stdin")
        }
    }

    deinit { close(fd) }
}
