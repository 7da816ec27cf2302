import Foundation
import XCTest

/// `run -t` / `exec -t` on a real terminal (a pty the test holds, as a terminal emulator does),
/// `-i` stdin, and signals: Ctrl-C and a SIGINT to corral reach the container, and corral
/// stays until the container has exited.
final class InteractiveTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func onTerminal(_ args: [String], rows: UInt16 = 24, cols: UInt16 = 80) throws -> LiveCorral {
        try LiveCorral(fx, args, on: .pty(rows: rows, cols: cols))
    }

    func assertPtyName(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotNil(output.range(of: #"(^|\n)/dev/pts/[0-9]+\r\n"#, options: .regularExpression), "no pty name in \(output.debugDescription)", file: file, line: line)
    }

    func testRunTtyGetsAPtyAndItsExitCode() throws {
        let t = try onTerminal(["run", "-t", "--rm", "busybox", "--", "sh", "-c", "tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; exit 3"])
        let (code, out) = t.finish()
        XCTAssertEqual(code, 3, out)
        assertPtyName(out)
        XCTAssertTrue(out.contains("all-tty\r\n"), out)

        let plain = try fx.corral(["run", "--rm", "busybox", "--", "sh", "-c", "tty; exit 0"])
        XCTAssertEqual(plain.stdout, "not a tty\n")
    }

    func testInteractiveShellOnTheTerminal() throws {
        let t = try onTerminal(["run", "-it", "--rm", "busybox", "--", "sh"])
        // No prompt to wait for (sh may print it before or after we type): type right away;
        // the pty buffers what the shell hasn't read yet.
        t.send("echo $((6 * 7))-answer\r")
        XCTAssertTrue(t.waitForOutput("42-answer\r\n"), t.output)
        t.send("exit 9\r")
        let (code, out) = t.finish()
        XCTAssertEqual(code, 9, out)
    }

    /// True once a `sleep` of this test's containers is the foreground process group of its
    /// terminal (/proc/PID/stat: pgrp == tpgid), i.e. a Ctrl-Z or Ctrl-C now reaches it.
    func sleepIsInTheForeground() -> Bool {
        for pid in fx.processesInOurCgroups() {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  stat.contains(" (sleep) "), let close = stat.range(of: ") ") else { continue }
            let f = stat[close.upperBound...].split(separator: " ") // state ppid pgrp session tty_nr tpgid
            if f.count > 5, f[0] != "T", f[2] == f[5] { return true }
        }
        return false
    }

    func testJobControlOnTheTerminal() throws {
        // The pty is the shell's controlling terminal: Ctrl-Z stops the foreground job only,
        // fg brings it back, Ctrl-C ends it, and the shell goes on.
        let t = try onTerminal(["run", "-it", "--rm", "busybox", "--", "sh"])
        let prompts = { t.output.components(separatedBy: "/ # ").count - 1 }
        t.send("sleep 100\r")
        XCTAssertTrue(fx.wait { self.sleepIsInTheForeground() }, t.output.debugDescription)
        t.send("\u{1a}")
        XCTAssertTrue(t.waitForOutput("Stopped"), t.output.debugDescription)
        t.send("jobs\r")
        XCTAssertTrue(t.waitForOutput("jobs\r\n[1]+  Stopped                    sleep 100\r\n/ # "), t.output.debugDescription)

        let beforeFg = prompts()
        t.send("fg\r")
        XCTAssertTrue(fx.wait { self.sleepIsInTheForeground() }, t.output.debugDescription)
        t.send("\u{03}")
        XCTAssertTrue(fx.wait { prompts() > beforeFg }, t.output.debugDescription)
        t.send("exit 2\r")
        let (code, out) = t.finish()
        XCTAssertEqual(code, 2, out.debugDescription)
    }

    func testWindowSizeFollowsTheTerminal() throws {
        // The size is there from the first instruction, and a resize reaches the container
        // (it polls: no input needed to wake it).
        let script = "stty size; echo ready; i=0; while [ \"$(stty size)\" = '33 101' ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; stty size"
        let t = try onTerminal(["run", "-t", "--rm", "busybox", "--", "sh", "-c", script], rows: 33, cols: 101)
        XCTAssertTrue(t.waitForOutput("ready"), t.output)
        t.setWindowSize(rows: 44, cols: 120)
        t.signal(SIGWINCH)
        let (code, out) = t.finish()
        XCTAssertEqual(code, 0, out)
        XCTAssertEqual(out, "33 101\r\nready\r\n44 120\r\n")
    }

    /// A trap that outlives the Ctrl-C by a moment: if corral ended on the Ctrl-C, "still-here"
    /// would never be printed and the code would not be 5. `sleep & wait`, not `sleep`: a Ctrl-C
    /// landing between the shell's fork and the child's exec hits the child while it still has
    /// the shell's handler (lost at exec), and the shell runs its trap only after a foreground
    /// child ends — 100 s later (seen once in a full run); `wait` is cut short by the trap.
    static let trapScript = "trap 'echo got-int; sleep 0.5; echo still-here; exit 5' INT; echo ready; sleep 100 & wait"

    func testCtrlCReachesTheContainerNotCorral() throws {
        let t = try onTerminal(["run", "-t", "--rm", "busybox", "--", "sh", "-c", Self.trapScript])
        XCTAssertTrue(t.waitForOutput("ready\r\n"), t.output)
        let sent = Date()
        t.send("\u{03}")
        let (code, out) = t.finish()
        XCTAssertEqual(code, 5, out)
        XCTAssertTrue(out.contains("got-int\r\nstill-here\r\n"), out.debugDescription)
        XCTAssertLessThan(Date().timeIntervalSince(sent), 10, "the Ctrl-C did not interrupt sleep 100")
    }

    func testSigintToCorralWithoutTtyIsForwarded() throws {
        // `sleep & wait`: without a terminal only sh (pid 1) gets the signal, and sh runs its
        // trap only once a foreground child ends; `wait` is interrupted at once.
        let t = try LiveCorral(fx, ["run", "--rm", "busybox", "--", "sh", "-c",
                                    "trap 'echo got-int; sleep 0.5; echo still-here; exit 5' INT; echo ready; sleep 100 & wait"], on: .pipes)
        XCTAssertTrue(t.waitForOutput("ready\n"), t.output + t.errorOutput)
        t.signal(SIGINT)
        let (code, out) = t.finish()
        XCTAssertEqual(code, 5, out + t.errorOutput)
        XCTAssertEqual(out, "ready\ngot-int\nstill-here\n")
    }

    func testExecTtyGetsAPtyExitCodeAndCtrlC() throws {
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "box", "busybox", "--", "sleep", "1000"]).code, 0)
        let t = try onTerminal(["exec", "-t", "box", "--", "sh", "-c", "tty; exit 4"])
        let (code, out) = t.finish()
        XCTAssertEqual(code, 4, out)
        assertPtyName(out)

        let c = try onTerminal(["exec", "-t", "box", "--", "sh", "-c", Self.trapScript])
        XCTAssertTrue(c.waitForOutput("ready\r\n"), c.output)
        c.send("\u{03}")
        let (code2, out2) = c.finish()
        XCTAssertEqual(code2, 5, out2)
        XCTAssertTrue(out2.contains("got-int\r\nstill-here\r\n"), out2.debugDescription)
        XCTAssertEqual(try fx.container("box")?["state"] as? String, "running", "Ctrl-C in an exec hit the container's pid 1")
        XCTAssertEqual(try fx.corral(["exec", "box", "--", "tty"]).stdout, "not a tty\n")
    }

    /// `run -t ... | head -1`, and the same for exec: once the reader of corral's output is gone
    /// the container's terminal is hung up, so a program that only writes ends (and with it
    /// corral) instead of running on with its output thrown away. A shell loop as pid 1 shrugs
    /// off both the hang-up and SIGPIPE (the kernel spares a namespace's init): it is killed.
    func testOutputIntoAPipeThatClosesEnds() throws {
        try fx.detached("writer", ["sleep", "1000"])
        let loop = "sh -c 'while :; do echo y; done'"
        for (what, args) in [("run", "run --rm -t busybox -- yes"), ("exec", "exec -t writer -- yes"),
                             ("run -t, a shell loop", "run --rm -t busybox -- " + loop),
                             ("run, a shell loop", "run --rm busybox -- " + loop)] {
            let started = Date()
            let r = try Host.run("/bin/sh", ["-c", "timeout -s KILL 20 \(fx.binary) \(args) </dev/null 2>/dev/null | head -1"],
                                 env: fx.environment)
            XCTAssertTrue(r.stdout.hasPrefix("y\r\n") || r.stdout.hasPrefix("y\n"), "\(what): \(r.stdout.prefix(80).debugDescription)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 15, "\(what) ran on after its reader had gone")
        }
        // Without a pty the loop's stderr is still the terminal, one "write error" per echo into
        // the broken pipe (half a million a second here): it is killed at once, not after 2 s.
        let errors = "/tmp/corral-test-\(fx.id)/loop-errors"
        let r = try Host.run("/bin/sh", ["-c", "timeout -s KILL 20 \(fx.binary) run --rm busybox -- \(loop) </dev/null 2>\(errors) | head -1; wc -l <\(errors)"],
                             env: fx.environment)
        let lines = Int(r.stdout.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "") ?? -1
        XCTAssertTrue((0..<20_000).contains(lines), "the loop wrote \(lines) error lines after its reader had gone")
        XCTAssertTrue(fx.wait(timeout: 10) { (try? fx.psJSON())?.count == 1 }, "the --rm container is left: \((try? fx.psJSON()) ?? [])")
        XCTAssertFalse(fx.processesInOurCgroups().contains { pid in
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return cmdline.hasPrefix("yes") || cmdline.contains("while")
        }, "a writer still runs")
    }

    /// Closing the window of a foreground run hangs up its terminal: a pid 1 without a SIGHUP
    /// handler (sleep) ignores the SIGHUP passed on, so corral kills it, and --rm removes it,
    /// with or without -t. A SIGHUP sent on purpose (a reload) is only passed on.
    func testClosingTheWindowEndsAForegroundRun() throws {
        try fx.requireTmux()
        for (name, flags) in [("hz", "-it"), ("hz2", "")] {
            let s = try TmuxScreen(fx, command: "exec \(fx.binary) run --rm \(flags) --name \(name) busybox -- sleep 1000")
            defer { s.close() }
            XCTAssertTrue(fx.wait { (try? fx.container(name)?["state"] as? String) == "running" }, s.capture())
            let pid = try XCTUnwrap(try fx.container(name)?["pid"] as? Int)
            try s.tmux(["kill-session", "-t", s.session])
            XCTAssertTrue(fx.wait(timeout: 10) { kill(pid_t(pid), 0) != 0 }, "\(name): sleep runs on after its window closed")
            XCTAssertTrue(fx.wait(timeout: 10) { (try? fx.container(name)) == nil }, "\(name): the --rm container is left")
        }

        // On purpose, with the terminal still there: only passed on.
        let reloading = "trap 'echo reloaded' HUP; while :; do sleep 0.1; done"
        let s = try TmuxScreen(fx, command: "exec \(fx.binary) run --rm -it --name hupt busybox -- sh -c \"\(reloading)\"")
        defer { s.close() }
        XCTAssertTrue(fx.wait { (try? fx.container("hupt")?["state"] as? String) == "running" }, s.capture())
        let corral = try XCTUnwrap(Int32(s.pane("pane_pid")))
        kill(corral, SIGHUP)
        XCTAssertTrue(s.waitFor("reloaded"), s.capture())
        usleep(2_500_000)
        XCTAssertEqual(try fx.container("hupt")?["state"] as? String, "running", "a SIGHUP on purpose ended the -it container")
        try s.tmux(["kill-session", "-t", s.session])
        XCTAssertTrue(fx.wait(timeout: 10) { (try? fx.container("hupt")) == nil }, "hupt: left after its window closed")

        let t = try LiveCorral(fx, ["run", "--rm", "--name", "daemon", "busybox", "--", "sh", "-c",
                                    "trap 'echo reloaded' HUP; echo ready; while :; do sleep 0.1; done"], on: .pipes)
        XCTAssertTrue(t.waitForOutput("ready\n"), t.output + t.errorOutput)
        t.signal(SIGHUP)
        XCTAssertTrue(t.waitForOutput("reloaded\n"), t.output + t.errorOutput)
        usleep(2_500_000)
        XCTAssertEqual(try fx.container("daemon")?["state"] as? String, "running", "a SIGHUP on purpose ended the container")
        XCTAssertEqual(try fx.corral(["rm", "-f", "daemon"]).code, 0)
        _ = t.finish()
    }

    func testStdinOnlyWithInteractive() throws {
        let withI = try fx.corral(["run", "-i", "--rm", "busybox", "--", "cat"], input: "hi\n")
        XCTAssertEqual(withI.code, 0, withI.stderr)
        XCTAssertEqual(withI.stdout, "hi\n")
        let without = try fx.corral(["run", "--rm", "busybox", "--", "cat"], input: "hi\n", timeout: 15)
        XCTAssertEqual(without.code, 0, without.stderr)
        XCTAssertEqual(without.stdout, "")

        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "box", "busybox", "--", "sleep", "1000"]).code, 0)
        XCTAssertEqual(try fx.corral(["exec", "-i", "box", "--", "cat"], input: "hey\n").stdout, "hey\n")
        XCTAssertEqual(try fx.corral(["exec", "box", "--", "cat"], input: "hey\n", timeout: 15).stdout, "")
    }
}
