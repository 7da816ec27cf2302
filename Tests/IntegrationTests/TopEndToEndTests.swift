import Foundation
import XCTest

/// `corral top` and `corral demo` as a person uses them: run in a real terminal (tmux), keys
/// typed, the screen read back, and what the keys did checked in the kernel's own files.
final class TopEndToEndTests: XCTestCase {
    var fx: CorralFixture!
    var screen: TmuxScreen?

    override func setUpWithError() throws {
        fx = try CorralFixture()
        try fx.requireTmux()
    }

    override func tearDown() {
        screen?.close()
        fx?.tearDown()
    }

    let burner = ["/bin/sh", "-c", "while :; do :; done"]

    /// `corral ARGS` in a fresh tmux window; after it ends the shell prints its exit status and
    /// the terminal's modes, which is what a person would find in their terminal, and waits
    /// (a pane that ended would get tmux's "Pane is dead" line, which can scroll the screen).
    func open(_ args: String, cols: Int = 120, rows: Int = 40, prefix: String = "") throws -> TmuxScreen {
        let s = try TmuxScreen(fx, command: "\(prefix)\(fx.binary) \(args); echo EXITED:$?; stty -a; exec sleep 3600",
                               cols: cols, rows: rows)
        screen = s
        return s
    }

    func kernelFile(_ hierarchy: String, _ name: String, _ file: String) -> String {
        ((try? String(contentsOfFile: fx.cgroupDir(hierarchy, name) + "/" + file, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func quota(_ name: String) -> String { kernelFile("cpu", name, "cpu.cfs_quota_us") }

    /// The status line (second-last row) of the last screen read.
    func statusLine(_ s: TmuxScreen) -> String {
        let lines = s.lastScreen.components(separatedBy: "\n")
        return lines.count >= 3 ? lines[lines.count - 3] : ""
    }

    /// The QUOTA cell of a table row: the text after the slider's right end.
    func quotaCell(_ row: String?) -> String? {
        guard let row, let end = row.range(of: "▏") else { return nil }
        return row[end.upperBound...].split(separator: " ").first.map(String.init)
    }

    /// THR% of a table row: its only number followed by "%".
    func throttledPercent(_ row: String?) -> Int? {
        guard let row, let m = row.range(of: #"\b\d+%"#, options: .regularExpression) else { return nil }
        return Int(row[m].dropLast())
    }

    /// CPU% of a table row: the fourth column (NAME STATE PID CPU%).
    func cpuPercent(_ row: String?) -> Double? {
        guard let row else { return nil }
        let fields = row.split(separator: " ")
        return fields.count > 3 ? Double(fields[3]) : nil
    }

    /// After the TUI has ended: the normal screen is back with the shell's output on it, and the
    /// terminal is in canonical mode with echo on.
    func assertTerminalRestored(_ s: TmuxScreen, exitStatus: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(s.waitFor("EXITED:\(exitStatus)") && s.waitFor { $0.contains("icanon") },
                      "with history:\n" + s.capture(history: true), file: file, line: line)
        XCTAssertEqual(s.pane("alternate_on"), "0", "still on the alternate screen", file: file, line: line)
        XCTAssertFalse(s.lastScreen.contains("cgroup hybrid"), "the TUI is still on screen:\n\(s.lastScreen)",
                       file: file, line: line)
        let modes = Set(s.lastScreen.split(whereSeparator: { " ;\n".contains($0) }).map(String.init))
        for mode in ["icanon", "echo", "icrnl", "opost", "isig"] {
            XCTAssertTrue(modes.contains(mode), "stty -a lacks \(mode):\n\(s.lastScreen)", file: file, line: line)
            XCTAssertFalse(modes.contains("-" + mode), "stty -a shows -\(mode):\n\(s.lastScreen)", file: file, line: line)
        }
    }

    func testTableShowsEveryContainerAndArrowKeysWriteTheQuotaAtOnce() throws {
        try fx.detached("idle", ["sleep", "1000"])
        try fx.detached("web", burner, options: ["--cpus", "0.5"])
        try fx.detached("done", ["true"])
        XCTAssertTrue(try fx.wait { try fx.container("done")?["state"] as? String == "exited" })
        XCTAssertEqual(quota("web"), "50000")

        // A slow refresh, so anything that changes right after a key press came from the key.
        let s = try open("top --interval 5")
        XCTAssertTrue(s.waitFor { screen in
            screen.contains("3 containers: 2 running 0 paused 1 exited 0 created")
                && ["done", "idle", "web"].allSatisfy { s.row($0, in: screen) != nil } && screen.contains(" ←→ quota")
        }, s.lastScreen)
        let lines = s.lastScreen.components(separatedBy: "\n")
        XCTAssertTrue(lines[0].hasPrefix(" corral top"), lines[0])
        XCTAssertTrue(lines[0].contains("cgroup hybrid"), lines[0])
        XCTAssertTrue(lines[0].contains("refresh 5s"), lines[0])
        for title in ["NAME", "STATE", "PID", "CPU%", "QUOTA", "THR%", "THROTTLED", "UPTIME", "COMMAND"] {
            XCTAssertTrue(lines[2].contains(title), "no \(title) in \(lines[2])")
        }
        XCTAssertTrue(s.row("done")?.contains("exit 0") == true, s.lastScreen)
        XCTAssertTrue(s.row("idle")?.contains("running") == true, s.lastScreen)
        XCTAssertTrue(s.row("idle")?.contains("sleep 1000") == true, s.lastScreen)
        XCTAssertEqual(quotaCell(s.row("idle")), "∞")
        XCTAssertTrue(s.row("web")?.contains("running") == true, s.lastScreen)
        XCTAssertEqual(quotaCell(s.row("web")), "0.50")
        let pid = try XCTUnwrap(fx.container("web")?["pid"] as? Int)
        XCTAssertTrue(s.row("web")?.contains(" \(pid) ") == true, "pid \(pid) not in \(s.row("web") ?? "")")
        // One sweep so far: a rate needs two, so CPU% and THR% say "-" rather than a 0 the
        // burner never had; the next sweep (5 s on) measures it at its half-core quota.
        XCTAssertEqual(s.row("web")?.split(separator: " ")[3], "-", s.lastScreen)
        XCTAssertNil(throttledPercent(s.row("web")), s.lastScreen)
        XCTAssertTrue(lines[1].contains(" -/"), "the host's CPU before its second sample: \(lines[1])")
        XCTAssertTrue(s.waitFor(timeout: 12) { screen in
            self.cpuPercent(s.row("web", in: screen)).map { $0 > 35 && $0 < 65 } == true
        }, s.lastScreen)
        XCTAssertNotNil(throttledPercent(s.row("web")), s.lastScreen)

        // Sorted by name: web is the last row.
        s.press("End")
        let pressed = Date()
        s.press("Right")
        XCTAssertTrue(fx.wait(timeout: 5) { quota("web") == "55000" }, "quota after →: \(quota("web"))")
        XCTAssertLessThan(Date().timeIntervalSince(pressed), 2.5, "the write waited for a refresh")
        XCTAssertEqual(kernelFile("cpu", "web", "cpu.cfs_period_us"), "100000")
        XCTAssertTrue(s.waitFor { $0.contains("cpu.cfs_quota_us ← 55000") }, s.lastScreen)
        let status = statusLine(s)
        XCTAssertTrue(status.hasPrefix(" web → 0.55 cores:"), status)
        XCTAssertTrue(status.contains("cpu.cfs_period_us ← 100000"), status)
        XCTAssertTrue(status.contains("in /sys/fs/cgroup/cpu/corral-test-"), status)
        XCTAssertEqual(quotaCell(s.row("web", in: s.lastScreen)), "0.55")
        XCTAssertEqual(quota("idle"), "-1", "the key changed another container")

        s.press("h")
        XCTAssertTrue(fx.wait(timeout: 5) { quota("web") == "50000" }, "quota after h: \(quota("web"))")
        s.press("L")
        XCTAssertTrue(fx.wait(timeout: 5) { quota("web") == "100000" }, "quota after L: \(quota("web"))")
        XCTAssertTrue(s.waitFor { self.quotaCell(s.row("web", in: $0)) == "1.00" }, s.lastScreen)

        s.press("0")
        XCTAssertTrue(fx.wait(timeout: 5) { quota("web") == "-1" }, "quota after 0: \(quota("web"))")
        XCTAssertTrue(s.waitFor { $0.contains("web → unlimited") && $0.contains("cpu.cfs_quota_us ← -1") }, s.lastScreen)
        XCTAssertEqual(quotaCell(s.row("web", in: s.lastScreen)), "∞")

        s.press("=")
        XCTAssertTrue(s.waitFor("Quota for web"), s.lastScreen)
        s.type("0.5")
        XCTAssertTrue(s.waitFor { _ in self.statusLine(s).contains("0.5█") }, s.lastScreen)
        XCTAssertEqual(quota("web"), "-1", "written before Enter")
        s.press("Enter")
        XCTAssertTrue(fx.wait(timeout: 5) { quota("web") == "50000" }, "quota after = 0.5: \(quota("web"))")
        XCTAssertTrue(s.waitFor { $0.contains("web → 0.50 cores") && $0.contains("cpu.cfs_quota_us ← 50000") },
                      s.lastScreen)
        XCTAssertEqual(quota("idle"), "-1")
    }

    func testPauseFreezesTheCgroupAndTheRowSaysPaused() throws {
        try fx.detached("web", burner, options: ["--cpus", "0.3"])
        let s = try open("top")
        XCTAssertTrue(s.waitFor { $0.contains("1 container: 1 running 0 paused") }, s.lastScreen)

        s.press("p")
        XCTAssertTrue(fx.wait(timeout: 5) { self.kernelFile("freezer", "web", "freezer.state") == "FROZEN" },
                      kernelFile("freezer", "web", "freezer.state"))
        XCTAssertTrue(s.waitFor { s.row("web", in: $0)?.contains(" paused ") == true && $0.contains("0 running 1 paused") },
                      s.lastScreen)
        XCTAssertEqual(try fx.container("web")?["state"] as? String, "paused")

        s.press("p")
        XCTAssertTrue(fx.wait(timeout: 5) { self.kernelFile("freezer", "web", "freezer.state") == "THAWED" },
                      kernelFile("freezer", "web", "freezer.state"))
        XCTAssertTrue(s.waitFor { s.row("web", in: $0)?.contains(" running ") == true && $0.contains("1 running 0 paused") },
                      s.lastScreen)
    }

    /// The filter looks at what the table shows and at the id's start, not at the directory a
    /// container runs on (every container of one directory shares it); the detail view names
    /// that directory as the rootfs, an image as the image.
    func testFilterAndDetailOfARootfsContainer() throws {
        try fx.detached("dir", ["sleep", "1000"])
        let r = try fx.corral(["run", "-d", "--name", "img", "busybox", "--", "sleep", "1000"])
        XCTAssertEqual(r.code, 0, r.stderr)
        let id = try XCTUnwrap(try fx.container("dir")?["id"] as? String)
        let s = try open("top")
        XCTAssertTrue(s.waitFor { $0.contains("2 containers: 2 running") }, s.lastScreen)
        let pathPart = String(CorralFixture.rootfs.split(separator: "/").last ?? "")
        s.press("/")
        s.type(pathPart)
        s.press("Enter")
        XCTAssertTrue(s.waitFor("No container matches"), "the rootfs path matched: \(s.lastScreen)")
        s.press("Escape")
        XCTAssertTrue(s.waitFor("filter cleared"), s.lastScreen)
        s.press("/")
        s.type(String(id.prefix(5)))
        s.press("Enter")
        XCTAssertTrue(s.waitFor { s.row("dir", in: $0) != nil && s.row("img", in: $0) == nil }, s.lastScreen)
        s.press("Enter")
        XCTAssertTrue(s.waitFor("rootfs \(CorralFixture.rootfs)"), s.lastScreen)
        XCTAssertFalse(s.lastScreen.contains("image "), s.lastScreen)
        s.press("Escape")
        XCTAssertTrue(s.waitFor { s.row("dir", in: $0) != nil }, s.lastScreen)
        s.press("Escape")
        XCTAssertTrue(s.waitFor("filter cleared"), s.lastScreen)
        s.press("/")
        s.type("busy")
        s.press("Enter")
        XCTAssertTrue(s.waitFor { s.row("img", in: $0) != nil && s.row("dir", in: $0) == nil }, s.lastScreen)
        s.press("Enter")
        XCTAssertTrue(s.waitFor("image busybox"), s.lastScreen)
    }

    /// `s` stops a running container (SIGTERM, SIGKILL after the grace: a busy-looping sh as
    /// pid 1 ignores SIGTERM) without freezing the screen, and `s` again starts it anew in the
    /// same cgroup with the same quota.
    func testSStopsAndStartsAgainWithTheSameQuota() throws {
        try fx.detached("web", burner, options: ["--cpus", "0.3"])
        let firstPid = try XCTUnwrap(try fx.container("web")?["pid"] as? Int)
        let s = try open("top")
        XCTAssertTrue(s.waitFor { $0.contains("1 container: 1 running") }, s.lastScreen)

        s.press("s")
        XCTAssertTrue(fx.wait(timeout: 10) { (try? self.fx.container("web")?["state"] as? String) == "exited" })
        XCTAssertTrue(s.waitFor(timeout: 5) { $0.contains("0 running 0 paused 1 exited") }, s.lastScreen)
        XCTAssertEqual(fx.processesInOurCgroups(), [])

        s.press("s")
        XCTAssertTrue(fx.wait(timeout: 5) { (try? self.fx.container("web")?["state"] as? String) == "running" })
        let secondPid = try XCTUnwrap(try fx.container("web")?["pid"] as? Int)
        XCTAssertNotEqual(secondPid, firstPid)
        XCTAssertTrue(fx.processesInOurCgroups().contains(Int32(secondPid)))
        XCTAssertEqual(quota("web"), "30000")
        XCTAssertTrue(s.waitFor { $0.contains("1 container: 1 running") }, s.lastScreen)
    }

    /// `n` opens the new-container form; an empty image field means busybox (its placeholder), and
    /// Enter creates and starts a real container with the quota typed in.
    func testNewContainerFormStartsAContainerWithItsQuota() throws {
        let s = try open("top")
        XCTAssertTrue(s.waitFor("No containers."), s.lastScreen)
        s.press("n")
        XCTAssertTrue(s.waitFor("New container"), s.lastScreen)
        s.press("Tab")
        s.type("sleep 1000")
        s.press("Tab")
        s.type("formed")
        s.press("Tab")
        s.type("0.3")
        s.press("Enter")
        XCTAssertTrue(fx.wait(timeout: 10) { (try? self.fx.container("formed")?["state"] as? String) == "running" },
                      s.lastScreen)
        let made = try XCTUnwrap(try fx.container("formed"))
        XCTAssertEqual(made["image"] as? String, "busybox")
        XCTAssertEqual(made["command"] as? [String], ["sleep", "1000"])
        XCTAssertEqual(quota("formed"), "30000")
        let pid = try XCTUnwrap(made["pid"] as? Int)
        XCTAssertTrue(fx.processesInOurCgroups().contains(Int32(pid)))
        XCTAssertTrue(s.waitFor { s.row("formed", in: $0)?.contains("running") == true && !$0.contains("New container") },
                      s.lastScreen)
        XCTAssertEqual(quotaCell(s.row("formed", in: s.lastScreen)), "0.30")
    }

    /// A paste (tmux's bracketed `paste-buffer -p`, as a terminal sends one) is text: over the
    /// table a pasted "K" kills nothing; in the form a two-line command lands as one line and
    /// does not submit it.
    func testAPasteIsTextNotKeys() throws {
        try fx.detached("kept", ["sleep", "1000"])
        let s = try open("top")
        XCTAssertTrue(s.waitFor { s.row("kept", in: $0)?.contains("running") == true }, s.lastScreen)
        _ = try s.tmux(["set-buffer", "Kdq"])
        _ = try s.tmux(["paste-buffer", "-p", "-t", s.session])
        usleep(1_500_000)
        XCTAssertEqual(try fx.container("kept")?["state"] as? String, "running", "a pasted K killed it")
        XCTAssertTrue(s.waitFor { s.row("kept", in: $0) != nil }, "a pasted q quit: \(s.lastScreen)")

        s.press("n")
        XCTAssertTrue(s.waitFor("New container"), s.lastScreen)
        s.press("Tab")
        _ = try s.tmux(["set-buffer", "sleep 1000\nx"])
        _ = try s.tmux(["paste-buffer", "-p", "-t", s.session])
        XCTAssertTrue(s.waitFor("sleep 1000 x"), s.lastScreen)
        XCTAssertEqual(try fx.psJSON().count, 1, "the paste's line break submitted the form")
    }

    func testContainersStartedAndRemovedElsewhereComeAndGo() throws {
        let s = try open("top")
        XCTAssertTrue(s.waitFor("No containers."), s.lastScreen)

        try fx.detached("other", ["sleep", "1000"])
        let started = Date()
        // Within two refreshes of one second (and some slack for a busy machine).
        XCTAssertTrue(s.waitFor(timeout: 3) { s.row("other", in: $0)?.contains("running") == true }, s.lastScreen)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertTrue(s.lastScreen.contains("1 container: 1 running"), s.lastScreen)

        XCTAssertEqual(try fx.corral(["rm", "-f", "other"]).code, 0)
        XCTAssertTrue(s.waitFor(timeout: 3) { s.row("other", in: $0) == nil && $0.contains("No containers.") },
                      s.lastScreen)
    }

    func testEnterShowsTheKernelFilesAndQuestionMarkTheHelp() throws {
        try fx.detached("web", burner, options: ["--cpus", "0.5"])
        let s = try open("top")
        XCTAssertTrue(s.waitFor { s.row("web", in: $0) != nil }, s.lastScreen)

        s.press("Enter")
        let wanted = [" corral top › web", "KERNEL FILES", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.stat",
                      "nr_throttled", "cpuacct.usage", "freezer.state", "THAWED", "PROCESSES", "sh -c while",
                      "CPU (cores), last 60 s", "quota 0.50", "Throttled, % of periods", "Esc back"]
        XCTAssertTrue(s.waitFor { screen in wanted.allSatisfy { screen.contains($0) } },
                      "detail view lacks \(wanted.filter { !s.lastScreen.contains($0) }):\n\(s.lastScreen)")
        let detail = s.lastScreen
        let quotaLine = detail.components(separatedBy: "\n").first { $0.contains("cpu.cfs_quota_us") } ?? ""
        XCTAssertTrue(quotaLine.contains("50000"), quotaLine)

        s.press("Escape")
        XCTAssertTrue(s.waitFor { $0.contains("1 container:") && !$0.contains("KERNEL FILES") }, s.lastScreen)

        s.press("?")
        // All at once: a capture can come while a frame is half written.
        let help = [" corral top › help", "quit; containers stay", "quota -/+ 0.05 core", "kill (SIGKILL)",
                    "pause / resume", "a quota change is written at once", "Esc close help"]
        XCTAssertTrue(s.waitFor { screen in help.allSatisfy { screen.contains($0) } }, s.lastScreen)
        s.press("Escape")
        XCTAssertTrue(s.waitFor { $0.contains("1 container:") && !$0.contains("quit; containers stay") }, s.lastScreen)
    }

    func testQuitLeavesContainersRunningAndTheTerminalAsItWas() throws {
        try fx.detached("web", burner, options: ["--cpus", "0.2"])
        let s = try open("top")
        XCTAssertTrue(s.waitFor { s.row("web", in: $0) != nil }, s.lastScreen)
        XCTAssertEqual(s.pane("alternate_on"), "1", "the TUI did not take the alternate screen")

        s.press("q")
        assertTerminalRestored(s, exitStatus: 0)
        let web = try XCTUnwrap(fx.container("web"))
        XCTAssertEqual(web["state"] as? String, "running")
        let pid = try XCTUnwrap(web["pid"] as? Int)
        XCTAssertEqual(kill(pid_t(pid), 0), 0, "the container's pid 1 is gone")
        XCTAssertEqual(quota("web"), "20000")
    }

    func testSIGTERMRestoresTheTerminalAndExits143() throws {
        try fx.detached("web", ["sleep", "1000"])
        let s = try open("top")
        XCTAssertTrue(s.waitFor { s.row("web", in: $0) != nil }, s.lastScreen)
        let corral = try XCTUnwrap(s.childOfShell(), "no corral below the pane's shell")
        let comm = (try? String(contentsOfFile: "/proc/\(corral)/comm", encoding: .utf8)) ?? ""
        XCTAssertEqual(comm.trimmingCharacters(in: .whitespacesAndNewlines), "corral")

        XCTAssertEqual(kill(corral, SIGTERM), 0)
        assertTerminalRestored(s, exitStatus: 143)
        XCTAssertEqual(try fx.container("web")?["state"] as? String, "running")
    }

    /// A terminal type without cursor addressing (TERM=dumb) is refused in one line, as an
    /// unknown one is, rather than drawing a blank screen.
    func testDumbTerminalIsRefusedInOneLine() throws {
        let s = try open("top", prefix: "TERM=dumb ")
        XCTAssertTrue(s.waitFor("EXITED:1"), s.capture(history: true))
        let errors = s.lastScreen.split(separator: "\n").filter { $0.contains("corral: error:") }
        XCTAssertEqual(errors.count, 1, s.lastScreen)
        XCTAssertTrue(errors.first?.contains("terminal type dumb can't move the cursor") ?? false, s.lastScreen)
    }

    /// `o` shows what the container printed, its last line at the bottom; a container that has
    /// printed nothing says so.
    func testLogsViewShowsOutputOrSaysThereIsNone() throws {
        try fx.detached("chatty", ["sh", "-c", "echo first line; echo last line; sleep 1000"])
        try fx.detached("quiet", ["sleep", "1000"])
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "chatty"]).stdout) == "first line\nlast line\n" })
        let s = try open("top")
        XCTAssertTrue(s.waitFor { s.row("quiet", in: $0) != nil }, s.lastScreen)
        s.press("Home")
        s.press("o")
        XCTAssertTrue(s.waitFor { $0.contains("first line") && $0.contains("last line") }, s.lastScreen)
        let lines = s.lastScreen.components(separatedBy: "\n")
        let last = try XCTUnwrap(lines.lastIndex { $0.contains("last line") })
        XCTAssertFalse(s.lastScreen.contains("no output yet"), s.lastScreen)
        XCTAssertEqual(lines.firstIndex { $0.contains("first line") }, last - 1, s.lastScreen)
        s.press("Escape")
        s.press("Down")
        s.press("o")
        XCTAssertTrue(s.waitFor { $0.contains("(no output yet)") }, s.lastScreen)
        s.press("Escape")
        s.press("q")
        assertTerminalRestored(s, exitStatus: 0)
    }

    /// `e` steps curses aside for a shell in the container and comes back when it ends; a
    /// shell that can't start leaves its error on the terminal until Enter.
    func testShellKeyOpensAShellInsideAndComesBack() throws {
        try fx.detached("box", ["sleep", "1000"], options: ["--hostname", "inside-box"])
        let bare = fx.scratch + "/no-shell"
        try FileManager.default.copyItem(atPath: CorralFixture.rootfs, toPath: bare)
        try FileManager.default.removeItem(atPath: bare + "/bin/sh")
        XCTAssertEqual(try fx.corral(["run", "-d", "--name", "bare", "--rootfs", bare, "--", "sleep", "1000"]).code, 0)
        let s = try open("top")
        XCTAssertTrue(s.waitFor { s.row("bare", in: $0) != nil && s.row("box", in: $0) != nil }, s.lastScreen)

        s.press("Home")   // bare
        s.press("e")
        XCTAssertTrue(s.waitFor { $0.contains("press Enter to return") }, s.lastScreen)
        XCTAssertTrue(s.lastScreen.contains("corral: error:"), "the reason went with the screen:\n\(s.lastScreen)")
        XCTAssertTrue(s.lastScreen.contains("exited with status 127"), s.lastScreen)
        s.press("Enter")
        XCTAssertTrue(s.waitFor { s.row("box", in: $0) != nil && $0.contains("shell in bare exited with status 127") }, s.lastScreen)

        s.press("Down")   // box
        s.press("e")
        s.type("hostname\r")
        XCTAssertTrue(s.waitFor { $0.contains("inside-box") && !$0.contains("cgroup hybrid") }, s.lastScreen)
        s.type("exit\r")
        XCTAssertTrue(s.waitFor { $0.contains("shell in box exited with status 0") && s.row("box", in: $0) != nil }, s.lastScreen)
        s.press("q")
        assertTerminalRestored(s, exitStatus: 0)
    }

    func testTooSmallTerminalSaysSoIgnoresKeysAndRecovers() throws {
        try fx.detached("web", ["sleep", "1000"], options: ["--cpus", "0.5"])
        let s = try open("top")
        XCTAssertTrue(s.waitFor { s.row("web", in: $0) != nil }, s.lastScreen)

        s.resize(cols: 70, rows: 20)
        XCTAssertTrue(s.waitFor { $0.contains("terminal too small (need 80x24)") && $0.contains("now 70x20") },
                      s.lastScreen)
        XCTAssertNil(s.row("web", in: s.lastScreen), "table rows drawn into a too-small terminal")
        s.press("Right")
        usleep(300_000)
        XCTAssertEqual(quota("web"), "50000", "a key changed the quota while the screen showed nothing")

        s.resize(cols: 120, rows: 40)
        XCTAssertTrue(s.waitFor { s.row("web", in: $0) != nil && !$0.contains("too small") }, s.lastScreen)
        s.press("q")
        assertTerminalRestored(s, exitStatus: 0)
    }

    func testDemoShowsThrottlingAndRemovesItsContainersOnQuit() throws {
        let s = try open("demo")
        let names = ["demo-unlimited", "demo-half", "demo-fifth", "demo-bursty"]
        XCTAssertTrue(s.waitFor(timeout: 30) { screen in
            screen.hasPrefix(" corral demo") && screen.contains("4 containers: 4 running")
                && names.allSatisfy { self.quotaCell(s.row($0, in: screen)) != nil }
        }, s.lastScreen)
        XCTAssertEqual(quota("demo-fifth"), "20000")
        XCTAssertEqual(quota("demo-half"), "50000")
        XCTAssertEqual(quota("demo-unlimited"), "-1")
        XCTAssertEqual(quotaCell(s.row("demo-fifth", in: s.lastScreen)), "0.20")

        // A busy loop capped at 0.2 cores is throttled in most periods, and the screen says so.
        XCTAssertTrue(s.waitFor(timeout: 15) { (self.throttledPercent(s.row("demo-fifth", in: $0)) ?? 0) > 50 },
                      s.lastScreen)
        let fifth = s.row("demo-fifth", in: s.lastScreen)
        XCTAssertLessThan(try XCTUnwrap(cpuPercent(fifth), fifth ?? ""), 30, "CPU% above the 0.2-core quota: \(fifth ?? "")")
        let throttledNs = kernelFile("cpu", "demo-fifth", "cpu.stat").split(separator: "\n")
            .first { $0.hasPrefix("throttled_time ") }.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        XCTAssertGreaterThan(throttledNs, 0)

        s.press("q")
        assertTerminalRestored(s, exitStatus: 0)
        XCTAssertEqual(try fx.psJSON().count, 0, "demo containers left after quit")
        XCTAssertEqual(fx.cgroupDirs(), [], "cgroup dirs left after the demo")
    }

    func testDemoWhoseWindowIsClosedRemovesItsContainers() throws {
        // Closing the window hangs up corral's controlling terminal: SIGHUP, more than once, the
        // last ones after the TUI has given its handlers back. The demo must still remove its
        // burners (one of them takes a whole core) before it ends.
        // As tmux starts a window's command, corral the pane's own process (session leader).
        let s = try open("demo", prefix: "exec ")
        XCTAssertTrue(s.waitFor(timeout: 30) { $0.contains("4 containers: 4 running") }, s.lastScreen)
        let corral = pid_t(try XCTUnwrap(Int32(s.pane("pane_pid")), "no pane pid"))

        try s.tmux(["kill-session", "-t", s.session])
        if !fx.wait(timeout: 10, { Host.hasEnded(corral) }) {
            XCTFail("corral still runs after its window closed")
            kill(corral, SIGKILL)
        }
        XCTAssertTrue(try fx.wait(timeout: 10) { try fx.psJSON().isEmpty }, "demo containers left: \((try? fx.psJSON()) ?? [])")
        XCTAssertTrue(fx.wait(timeout: 5) { fx.cgroupDirs().isEmpty }, "cgroup dirs left: \(fx.cgroupDirs())")
    }

    func testDemoWhoseTerminalVanishesEndsAndRemovesItsContainers() throws {
        // Without a controlling terminal (as when a program starts it on a pty of its own),
        // closing the terminal sends no SIGHUP: corral must notice the hangup on its own
        // rather than spin on failing reads.
        let s = try open("demo", prefix: "setsid ")
        XCTAssertTrue(s.waitFor(timeout: 30) { $0.contains("4 containers: 4 running") }, s.lastScreen)
        let corral = try XCTUnwrap(s.childOfShell(), "no corral below the pane's shell")
        let stat = try String(contentsOfFile: "/proc/\(corral)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ") ")!.upperBound...].split(separator: " ")
        XCTAssertEqual(fields[4], "0", "corral has a controlling terminal after setsid: \(stat)")

        s.close()
        func gone() -> Bool {
            let now = (try? String(contentsOfFile: "/proc/\(corral)/stat", encoding: .utf8)) ?? ""
            return now.isEmpty || now.contains(") Z ")
        }
        if !fx.wait(timeout: 10, gone) {
            XCTFail("corral still runs after its terminal closed")
            kill(corral, SIGKILL)
        }
        XCTAssertTrue(try fx.wait(timeout: 10) { try fx.psJSON().isEmpty }, "demo containers left: \((try? fx.psJSON()) ?? [])")
        XCTAssertTrue(fx.wait(timeout: 5) { fx.cgroupDirs().isEmpty }, "cgroup dirs left: \(fx.cgroupDirs())")
    }
}
