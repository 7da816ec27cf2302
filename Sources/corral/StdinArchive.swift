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
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            try Interruption.check("\(verb): stdin")
            let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw EngineError.fromErrno("read", "stdin") }
            if n == 0 { break }
            var done = 0
            while done < n {
                let w = buffer[done..<n].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else { throw EngineError.fromErrno("write", dir + " (a copy of stdin)") }
                done += w
            }
        }
    }

    deinit { close(fd) }
}
