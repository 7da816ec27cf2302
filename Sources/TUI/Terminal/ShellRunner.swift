#if canImport(Glibc)
import Glibc
#endif

/// Runs a command on the terminal (curses must be stepped aside) and waits for it, the way
/// system(3) does: the child gets default signal handling, while this process ignores the
/// Ctrl-C and Ctrl-\ typed at the child.
enum ShellRunner {
    /// The exit status (128+n when killed by signal n).
    static func run(_ argv: [String]) throws -> Int32 {
        guard let program = argv.first else { throw TopError("no command to run") }
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigemptyset(&ignore.sa_mask)
        var oldInt = sigaction(), oldQuit = sigaction()
        sigaction(SIGINT, &ignore, &oldInt)
        sigaction(SIGQUIT, &ignore, &oldQuit)
        defer {
            sigaction(SIGINT, &oldInt, nil)
            sigaction(SIGQUIT, &oldQuit, nil)
        }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGPIPE] { sigaddset(&defaults, sig) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &emptyMask)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { for p in cArgs { free(p) } }

        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, nil, &attr, cArgs, environ)
        guard rc == 0 else {
            throw TopError("cannot run \(program): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw TopError("waitpid: \(String(cString: strerror(errno)))") }
        }
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        return signaled ? 128 + (status & 0x7f) : (status >> 8) & 0xff
    }

    /// Prints `message` and waits for Enter (or end of input) on the terminal curses stepped
    /// away from: what a command that failed printed there (`corral: error: ...`) stays in
    /// view until the user has read it, instead of vanishing under the redrawn screen.
    static func waitForEnter(_ message: String) {
        let text = Array("\r\n\(message) ".utf8)
        _ = text.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return }
        }
    }
}
