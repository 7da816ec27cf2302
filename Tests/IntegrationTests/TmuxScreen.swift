import Foundation
import Glibc
import XCTest

/// A shell command running in a detached tmux window of a fixed size, read the way a person sees
/// it: `capture-pane` gives the screen as text. Each instance has its own tmux server (its own
/// socket, no config file), so `close` ends everything it started and nothing else.
final class TmuxScreen {
    let socket: String
    let session = "corral"
    private let environment: [String: String]

    /// Starts `command` (run by /bin/sh) in a `cols`x`rows` window with `env` added to the fixture's.
    init(_ fx: CorralFixture, command: String, cols: Int = 120, rows: Int = 40) throws {
        socket = "corral-test-\(fx.id)-\(UInt16.random(in: 0..<UInt16.max))"
        var env = fx.environment
        // A UTF-8 locale, so the TUI draws its Unicode glyphs and tmux passes them through.
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = "C.UTF-8"
        env.removeValue(forKey: "TMUX")
        environment = env
        var args = ["new-session", "-d", "-s", session, "-x", String(cols), "-y", String(rows)]
        for key in ["CORRAL_ROOT", "CORRAL_IMAGES", "CORRAL_CGROUP_PARENT", "LANG", "LC_ALL"] {
            args += ["-e", "\(key)=\(env[key] ?? "")"]
        }
        // The window stays after the command ends, so what it left on the screen can be read.
        args += ["/bin/sh", "-c", command, ";", "set-option", "-w", "-t", session, "remain-on-exit", "on"]
        let r = try tmux(args)
        guard r.code == 0 else { throw XCTSkip("tmux new-session failed: \(r.output)") }
    }

    /// Runs `tmux -L <socket> ARGS` and returns its exit status and output.
    @discardableResult
    func tmux(_ args: [String]) throws -> (code: Int32, output: String) {
        try Self.spawn(["/usr/bin/tmux", "-u", "-f", "/dev/null", "-L", socket] + args, environment: environment)
    }

    /// Runs `argv` to completion with stdin /dev/null, stdout and stderr a pipe, and no other
    /// descriptor. Not `Process`: it notices a child's exit by a socket the child inherits, and
    /// the tmux server that `new-session` forks would keep that socket (and the test waiting) for
    /// as long as the server lives.
    static func spawn(_ argv: [String], environment: [String: String]) throws -> (code: Int32, output: String) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
        for fd in open where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        Glibc.close(fds[1])
        guard rc == 0 else {
            Glibc.close(fds[0])
            throw POSIXError(.init(rawValue: rc) ?? .EIO)
        }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n > 0 { output += buffer[..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        Glibc.close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, String(decoding: output, as: UTF8.self))
    }

    /// Sends tmux key names ("Right", "Enter", "q", "Escape", "PPage").
    func press(_ keys: String...) {
        _ = try? tmux(["send-keys", "-t", session] + keys)
    }

    /// Types `text` literally, one key per character.
    func type(_ text: String) {
        _ = try? tmux(["send-keys", "-t", session, "-l", text])
    }

    /// The screen as lines of text (with SGR colour codes when `colours`; with the lines
    /// scrolled off the top when `history`).
    func capture(colours: Bool = false, history: Bool = false) -> String {
        let args = ["capture-pane", "-p", "-t", session] + (colours ? ["-e"] : []) + (history ? ["-S", "-"] : [])
        return (try? tmux(args))?.output ?? ""
    }

    var lines: [String] { capture().components(separatedBy: "\n") }

    /// A tmux format value for the pane, e.g. "alternate_on", "pane_pid", "pane_dead_status".
    func pane(_ format: String) -> String {
        ((try? tmux(["display-message", "-p", "-t", session, "#{\(format)}"]))?.output ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(cols: Int, rows: Int) {
        _ = try? tmux(["resize-window", "-t", session, "-x", String(cols), "-y", String(rows)])
    }

    /// Polls the screen until `cond` holds for it; returns whether it did. The last screen seen
    /// is in `lastScreen` for failure messages.
    private(set) var lastScreen = ""
    @discardableResult
    func waitFor(timeout: TimeInterval = 10, _ cond: (String) throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            lastScreen = capture()
            if try cond(lastScreen) { return true }
            usleep(50_000)
        } while Date() < deadline
        lastScreen = capture()
        return try cond(lastScreen)
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 10) -> Bool {
        waitFor(timeout: timeout) { $0.contains(text) }
    }

    /// The first line on screen that starts with `name` and a space (a table row).
    func row(_ name: String, in screen: String? = nil) -> String? {
        (screen ?? capture()).components(separatedBy: "\n").first { $0.hasPrefix(name + " ") }
    }

    /// The process directly below the pane's shell (the command it runs), if any.
    func childOfShell() -> pid_t? {
        guard let shell = Int32(pane("pane_pid")) else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.first
    }

    /// Ends the tmux server and with it everything running in the window.
    func close() {
        _ = try? tmux(["kill-server"])
        // A killed server leaves its socket file behind.
        unlink("/tmp/tmux-\(getuid())/\(socket)")
    }
}
