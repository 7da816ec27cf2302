import Foundation
import XCTest
import Engine

/// Detached containers under their supervisors: listed, logged, stopped, killed and removed,
/// leaving nothing behind — also when the supervisor or the container is SIGKILLed.
final class LifecycleTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func assertNothingLeft(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        for h in ["cpu", "cpuacct", "freezer", "pids", "memory"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.cgroupDir(h, name)), "cgroup left in \(h)", file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/" + name), "state dir left", file: file, line: line)
        XCTAssertEqual(fx.mounts(), [], file: file, line: line)
        XCTAssertEqual(fx.processesInOurCgroups(), [], file: file, line: line)
    }

    func testPsShowsDetachedContainerWithEveryField() throws {
        try fx.detached("web", ["sleep", "1000"], options: ["--cpus", "0.25"])
        let c = try XCTUnwrap(try fx.container("web"))
        XCTAssertEqual(c["state"] as? String, "running")
        XCTAssertEqual(c["cpuQuotaUs"] as? Int, 25000)
        XCTAssertEqual(c["cpuPeriodUs"] as? Int, 100000)
        XCTAssertEqual(c["cpus"] as? Double, 0.25)
        XCTAssertEqual(c["command"] as? [String], ["sleep", "1000"])
        XCTAssertEqual(c["cgroup"] as? String, "/\(fx.cgroupParent)/web")
        XCTAssertTrue(c["exitCode"] is NSNull)
        XCTAssertEqual((c["id"] as? String)?.count, 12)
        XCTAssertNotNil(ISO8601DateFormatter().date(from: c["created"] as? String ?? ""))
        let pid = try XCTUnwrap(c["pid"] as? Int)
        let cmdline = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
        XCTAssertTrue(cmdline.hasPrefix("sleep"), cmdline)
        let procs = try String(contentsOfFile: fx.cgroupDir("cpu", "web") + "/cgroup.procs", encoding: .utf8)
        XCTAssertTrue(procs.split(separator: "\n").contains(Substring(String(pid))))
        let table = try fx.corral(["ps"])
        XCTAssertTrue(table.stdout.contains("web"), table.stdout)
    }

    /// A container's arguments can hold line breaks and escape sequences: `ps` shows them as
    /// `\n`/`\x1b` in quotes, one row per container, the command cut unless --no-trunc; `-q`
    /// gives the ids alone, for `rm -f $(corral ps -aq)`.
    func testPsQuotesCommandsShortensThemAndListsIds() throws {
        try fx.detached("tricky", ["echo", "line1\nline2\t\u{1b}[31mred", #"back\slash"#, "rtl\u{202e}txt"])
        try fx.detached("long", ["sh", "-c", "sleep 1000; echo " + String(repeating: "x", count: 80)])
        XCTAssertTrue(fx.wait { (try? fx.container("tricky")?["state"] as? String) == "exited" })
        let table = try fx.corral(["ps", "-a"])
        let rows = table.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(rows.count, 4, "header, two rows and the end: \(table.stdout.debugDescription)")
        XCTAssertFalse(table.stdout.unicodeScalars.contains { $0.value == 0x1b || $0 == "\t" }, table.stdout.debugDescription)
        let untruncated = try fx.corral(["ps", "-a", "--no-trunc"]).stdout
        XCTAssertTrue(untruncated.contains(#"echo 'line1\nline2\t\x1b[31mred' 'back\\slash' 'rtl\u{202e}txt'"#), untruncated)
        XCTAssertFalse(untruncated.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x202e }, untruncated.debugDescription)
        let longRow = try XCTUnwrap(rows.first { $0.hasPrefix("long ") })
        XCTAssertTrue(longRow.hasSuffix("…") && !longRow.contains(String(repeating: "x", count: 40)), longRow)
        let full = try fx.corral(["ps", "-a", "--no-trunc"])
        XCTAssertTrue(full.stdout.contains("sh -c 'sleep 1000; echo " + String(repeating: "x", count: 80) + "'"), full.stdout)

        let ids = try fx.corral(["ps", "-aq"])
        XCTAssertEqual(Set(ids.stdout.split(separator: "\n").map(String.init)),
                       Set(try fx.psJSON().compactMap { $0["id"] as? String }))
        XCTAssertEqual(try fx.corral(["ps", "-q"]).stdout.split(separator: "\n").count, 1, "-q without -a: the running one")
        XCTAssertEqual(try fx.corral(["rm", "-f"] + ids.stdout.split(separator: "\n").map(String.init)).code, 0)
        XCTAssertEqual(try fx.psJSON().count, 0)
    }

    /// docker's `wait`: blocks while a container runs (paused too), then prints its exit code;
    /// at once for one that has exited; the code of a --rm container too, though it is gone
    /// right after; one error line for a name that isn't there.
    func testWaitBlocksUntilTheExitAndPrintsTheCode() throws {
        try fx.detached("w3", ["sh", "-c", "sleep 1; exit 7"], options: ["--rm"])
        let waitingForRm = try LiveCorral(fx, ["wait", "w3"], on: .pipes)
        try fx.detached("w1", ["sh", "-c", "sleep 1; exit 3"])
        try fx.detached("w2", ["sh", "-c", "sleep 1000"])
        XCTAssertEqual(try fx.corral(["pause", "w2"]).code, 0)
        let waiting = try LiveCorral(fx, ["wait", "w1", "w2"], on: .pipes)
        XCTAssertTrue(waiting.waitForOutput("3\n", timeout: 15), waiting.output + waiting.errorOutput)
        usleep(500_000)
        XCTAssertEqual(waiting.output, "3\n", "wait returned for a paused container")
        XCTAssertEqual(try fx.corral(["kill", "w2"]).code, 0)
        let (code, out) = waiting.finish(timeout: 15)
        XCTAssertEqual(code, 0, waiting.errorOutput)
        XCTAssertEqual(out, "3\n137\n")
        XCTAssertEqual(try fx.corral(["wait", "w1"]).stdout, "3\n", "an exited one: at once")
        XCTAssertEqual(waitingForRm.finish(timeout: 15).output, "7\n", waitingForRm.errorOutput)
        fx.assertOneLineError(try fx.corral(["wait", "nosuch"]), containing: "nosuch")
    }

    /// A `wait` that comes back only after a --rm container has ended and been removed (every
    /// file about it gone) still prints its code: it learns it from the kernel, through the
    /// pidfd of pid 1 it holds. The waiter is stopped while the container ends, so it cannot
    /// have read the `exit` file in the moment between its writing and the removal.
    func testWaitPrintsTheCodeOfARemovedContainerItMissedTheExitOf() throws {
        try XCTSkipUnless(Runtime.kernelKeepsExitStatus, "this kernel keeps no exit status for pidfds (Linux 6.15 does)")
        try fx.detached("wr", ["sleep", "1000"], options: ["--rm"])
        let waiting = try LiveCorral(fx, ["wait", "wr"], on: .pipes)
        usleep(500_000)   // blocked on the pidfd by now
        waiting.signal(SIGSTOP)
        defer { waiting.signal(SIGCONT) }
        XCTAssertEqual(try fx.corral(["kill", "wr"]).code, 0)
        let deadline = Date().addingTimeInterval(15)
        while try fx.psJSON().contains(where: { $0["name"] as? String == "wr" }), Date() < deadline { usleep(50_000) }
        XCTAssertFalse(try fx.psJSON().contains(where: { $0["name"] as? String == "wr" }), "the --rm container was not removed")
        waiting.signal(SIGCONT)
        let (code, out) = waiting.finish(timeout: 15)
        XCTAssertEqual(code, 0, waiting.errorOutput)
        XCTAssertEqual(out, "137\n")
    }

    /// A container that exits at once, waited for at once: its own code every time, never the
    /// 137 of "supervisor lost" that the moment between pid 1's end and its holder recording
    /// it read as (3 runs in 60 did, before).
    func testWaitRightAfterAQuickExitGetsItsOwnCode() throws {
        for i in 0..<25 {
            try fx.detached("q\(i)", ["sh", "-c", "exit 5"], options: i % 2 == 0 ? ["--rm"] : [])
            let r = try fx.corral(["wait", "q\(i)"])
            if i % 2 == 1 || r.code == 0 {
                XCTAssertEqual(r.stdout, "5\n", "run \(i): \(r.stderr)")
            } else {
                // A --rm one already gone when `wait` looked: one plain error line, never
                // "has not been started".
                fx.assertOneLineError(r, containing: "no such container")
            }
        }
    }

    /// `wait a b`, where b is a --rm container that ends (and goes) while `wait` is still on a:
    /// b's code is still printed, from the watch taken on every name before the first wait.
    func testWaitOnSeveralKeepsTheCodeOfARemovedOneThatEndedFirst() throws {
        try XCTSkipUnless(Runtime.kernelKeepsExitStatus, "this kernel keeps no exit status for pidfds (Linux 6.15 does)")
        try fx.detached("late", ["sh", "-c", "sleep 2; exit 2"])
        try fx.detached("early", ["sh", "-c", "sleep 1; exit 1"], options: ["--rm"])
        let r = try fx.corral(["wait", "late", "early"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "2\n1\n")
    }

    /// docker's `restart`: a running container is stopped and started again (a new pid 1, the
    /// same cgroup and quota); an exited one is just started; a missing name is one error line
    /// and the others are still restarted.
    func testRestartStopsAndStartsAgain() throws {
        try fx.detached("rs", ["sleep", "1000"], options: ["--cpus", "0.5"])
        try fx.detached("done", ["true"])
        XCTAssertTrue(try fx.wait { try fx.container("done")?["state"] as? String == "exited" })
        let before = try XCTUnwrap(try fx.container("rs")?["pid"] as? Int)
        let r = try fx.corral(["restart", "-t", "1", "rs", "nosuch", "done"])
        XCTAssertEqual(r.code, 1)
        XCTAssertEqual(r.stdout, "rs\ndone\n")
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: ") && r.stderr.contains("nosuch"), r.stderr)
        let after = try XCTUnwrap(try fx.container("rs"))
        XCTAssertEqual(after["state"] as? String, "running")
        XCTAssertNotEqual(after["pid"] as? Int, before, "the same pid 1: not restarted")
        XCTAssertEqual(after["cpus"] as? Double, 0.5)
        XCTAssertFalse(Host.startTime(Int32(before)) != nil && !Host.hasEnded(Int32(before)), "the old pid 1 still runs")
    }

    /// docker's `restart` of a `--rm` container brings it back rather than removing it: the same
    /// id, a new pid 1 — detached, and one a foreground `run` held (that run ends with the
    /// stop). Its next stop removes it as --rm says; nothing of the restart stays in its
    /// directory.
    func testRestartOfARemoveOnExitContainerBringsItBack() throws {
        try fx.detached("rmd", ["sleep", "1000"], options: ["--rm"])
        let cli = try fx.spawnCorral(["run", "--rm", "--name", "fg", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"])
        XCTAssertTrue(fx.wait { (try? fx.container("fg")?["state"] as? String) == "running" })
        let before = try ["rmd", "fg"].map { try XCTUnwrap(try fx.container($0)) }

        let r = try fx.corral(["restart", "-t", "1", "rmd", "fg"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "rmd\nfg\n")
        XCTAssertEqual(cli.finish(timeout: 10).code, 137, "the foreground run ends with the stop's SIGKILL")
        for old in before {
            let name = try XCTUnwrap(old["name"] as? String)
            let now = try XCTUnwrap(try fx.container(name), "\(name) was removed instead of restarted")
            XCTAssertEqual(now["state"] as? String, "running", name)
            XCTAssertEqual(now["id"] as? String, old["id"] as? String, name)
            XCTAssertNotEqual(now["pid"] as? Int, old["pid"] as? Int, "\(name): not restarted")
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/\(name)/restarting"), name)
        }
        // A listing meanwhile does not take it for an abandoned --rm container either.
        XCTAssertEqual(try fx.psJSON().count, 2)

        let stop = try fx.corral(["stop", "-t", "1", "rmd", "fg"])
        XCTAssertEqual(stop.code, 0, stop.stderr)
        XCTAssertTrue(fx.wait { (try? fx.psJSON().count) == 0 }, "a restarted --rm container stayed after its stop")
        let left = fx.waitForFootprint(CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: []))
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// The restart's hold ends when the new run begins: a new run that ends at once is removed
    /// by its own supervisor as --rm says, even while the same `restart` is still starting the
    /// next container (watched on disk: a listing would remove it anyway, as abandoned).
    func testARestartedRemoveOnExitContainerThatEndsAtOnceIsRemovedByItsHolder() throws {
        // The second run finds the file the first made in its writable layer and exits.
        let once = ["sh", "-c", "test -e /ran && exit 0; touch /ran; exec sleep 1000"]
        // Started after it by the same restart, so the restart still runs when it ends.
        let others = (1...6).map { "slow\($0)" }
        for (name, cmd) in [("quick", once)] + others.map({ ($0, ["sleep", "1000"]) }) {
            let r = try fx.corral(["run", "-d", "--rm", "--name", name, "busybox", "--"] + cmd)
            XCTAssertEqual(r.code, 0, r.stderr)
        }
        XCTAssertTrue(fx.wait { FileManager.default.fileExists(atPath: self.fx.stateRoot + "/quick/pid") })
        let r = try fx.corral(["restart", "-t", "1", "quick"] + others)
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(fx.wait(timeout: 5) { !FileManager.default.fileExists(atPath: self.fx.stateRoot + "/quick") },
                      "the restarted run ended but its holder left it")
        for name in others { XCTAssertEqual(try fx.container(name)?["state"] as? String, "running", name) }
    }

    /// Two restarts of one container at once would each clear the other's hold: the second is
    /// refused, in one line, and the container is left as it was.
    func testARestartOfAContainerBeingRestartedIsRefused() throws {
        try fx.detached("twice", ["sleep", "1000"], options: ["--rm"])
        let pid = try XCTUnwrap(try fx.container("twice")?["pid"] as? Int)
        // Another restart in progress: a live process named in the file as a restart would.
        let other = try Host.spawn("/bin/sleep", [Array("30".utf8)])
        defer { other.kill(); _ = other.finish(timeout: 5) }
        let started = try XCTUnwrap(Host.startTime(other.pid))
        try "\(other.pid) \(started)\n".write(toFile: fx.stateRoot + "/twice/restarting", atomically: true, encoding: .utf8)
        let r = try fx.corral(["restart", "-t", "1", "twice"])
        XCTAssertEqual(r.code, 1)
        XCTAssertEqual(r.stderr, "corral: error: container twice is being restarted already (pid \(other.pid))\n")
        XCTAssertEqual(try fx.container("twice")?["pid"] as? Int, pid, "the refused restart stopped it")
        XCTAssertTrue(FileManager.default.fileExists(atPath: fx.stateRoot + "/twice/restarting"), "the other's hold was cleared")
    }

    /// A `restarting` file left by a restart that was killed (its process gone) holds nothing
    /// up: the container's stop removes it as --rm says. And a --rm container that can't start
    /// again (its rootfs gone) is removed, as its stop would have, with the reason in one line.
    func testAnInterruptedOrFailedRestartOfARemoveOnExitContainerStillRemovesIt() throws {
        try fx.detached("stale", ["sleep", "1000"], options: ["--rm"])
        // A process that is not running: no pid 999999 here, and no process started at tick 12345.
        try "999999 12345\n".write(toFile: fx.stateRoot + "/stale/restarting", atomically: true, encoding: .utf8)
        XCTAssertEqual(try fx.corral(["stop", "-t", "1", "stale"]).code, 0)
        XCTAssertTrue(fx.wait { (try? fx.container("stale")) == nil }, "a dead restart's file kept the container")

        let rootfs = "/tmp/corral-test-\(fx.id)/doomed-rootfs"
        XCTAssertEqual(try Host.run("/bin/cp", ["-a", CorralFixture.rootfs, rootfs]).code, 0)
        try fx.detached("doomed", ["sleep", "1000"], options: ["--rm", "--rootfs", rootfs])
        try FileManager.default.removeItem(atPath: rootfs)
        let r = try fx.corral(["restart", "-t", "1", "doomed"])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: ") && r.stderr.split(separator: "\n").count == 1, r.stderr)
        XCTAssertTrue(r.stderr.contains(rootfs), r.stderr)
        XCTAssertNil(try fx.container("doomed"), "a --rm container that could not start again was kept")
        let left = fx.waitForFootprint(CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: []))
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A `--rm` container whose holder was killed (the foreground CLI, or a detached one's
    /// supervisor) dies with it and can no longer remove itself: the next listing removes it
    /// whole, as docker's daemon would. One without --rm stays, listed as exited.
    func testRemoveIsHonouredWhenTheHolderIsKilled() throws {
        let empty = CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: [])
        let cli = try fx.spawnCorral(["run", "--rm", "--name", "fg", "busybox", "--", "sleep", "100"])
        XCTAssertTrue(fx.wait { (try? fx.container("fg")?["state"] as? String) == "running" })
        cli.kill()
        _ = cli.finish(timeout: 10)

        try fx.detached("bg", ["sleep", "1000"], options: ["--rm"])
        try fx.detached("kept", ["sleep", "1000"])
        for name in ["bg", "kept"] {
            let text = try String(contentsOfFile: fx.stateRoot + "/\(name)/supervisor", encoding: .utf8)
            XCTAssertEqual(kill(try XCTUnwrap(Int32(text.split(separator: " ").first ?? "")), SIGKILL), 0)
        }
        XCTAssertTrue(fx.wait { (try? fx.container("kept")?["state"] as? String) == "exited" })
        XCTAssertTrue(fx.wait { (try? fx.psJSON().map { $0["name"] as? String }) == ["kept"] },
                      "listed: \((try? fx.psJSON()) ?? [])")
        XCTAssertEqual(try fx.container("kept")?["exitReason"] as? String, "supervisor lost")
        XCTAssertEqual(try fx.corral(["rm", "kept"]).code, 0)
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A supervisor's command line says what it is: `pkill -f 'corral run'` (or `'corral top'`,
    /// whose containers' supervisors were copies of the TUI) must not take containers with it.
    func testSupervisorsAreNamedForTheirContainer() throws {
        try fx.detached("titled", ["sleep", "1000"])
        let text = try String(contentsOfFile: fx.stateRoot + "/titled/supervisor", encoding: .utf8)
        let supervisor = try XCTUnwrap(Int32(text.split(separator: " ").first ?? ""))
        let cmdline = try XCTUnwrap(Host.kernelText("/proc/\(supervisor)/cmdline"))
        XCTAssertTrue(cmdline.hasPrefix("corral-supervisor titled\0"), cmdline.debugDescription)
        XCTAssertFalse(cmdline.contains("run"), cmdline.debugDescription)
        XCTAssertEqual(try fx.container("titled")?["state"] as? String, "running")

        // A command line shorter than the title (`/tmp/cNN start t2`): the title takes the
        // environment's memory too.
        try fx.detached("t2", ["sleep", "1000"])
        XCTAssertEqual(try fx.corral(["stop", "-t", "0", "t2"]).code, 0)
        let short = "/tmp/c\(getpid() % 100)"
        try? FileManager.default.removeItem(atPath: short)
        try FileManager.default.createSymbolicLink(atPath: short, withDestinationPath: fx.binary)
        defer { try? FileManager.default.removeItem(atPath: short) }
        let started = try Host.run(short, ["start", "t2"], env: fx.environment)
        XCTAssertEqual(started.code, 0, started.stderr)
        let t2 = try String(contentsOfFile: fx.stateRoot + "/t2/supervisor", encoding: .utf8)
        let t2Supervisor = try XCTUnwrap(Int32(t2.split(separator: " ").first ?? ""))
        let t2Line = try XCTUnwrap(Host.kernelText("/proc/\(t2Supervisor)/cmdline"))
        XCTAssertTrue(t2Line.hasPrefix("corral-supervisor t2\0") || t2Line == "corral-supervisor t2", t2Line.debugDescription)
    }

    func testLogsOfDetachedContainer() throws {
        try fx.detached("chatty", ["/bin/sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done; echo oops >&2; sleep 1000"])
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "chatty"]).stdout.contains("oops")) == true })
        let all = try fx.corral(["logs", "chatty"])
        XCTAssertTrue(all.stdout.hasPrefix("line 1\nline 2\n"), all.stdout)
        let tail = try fx.corral(["logs", "--tail", "2", "chatty"])
        XCTAssertEqual(tail.stdout, "line 5\noops\n")
    }

    func testExitIsRecordedWithItsCode() throws {
        try fx.detached("quick", ["/bin/sh", "-c", "exit 3"])
        XCTAssertTrue(fx.wait { (try? fx.container("quick")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.container("quick")?["exitCode"] as? Int, 3)
        XCTAssertTrue(try fx.corral(["ps"]).stdout.contains("quick") == false, "ps without -a lists exited")
        XCTAssertEqual(try fx.corral(["rm", "quick"]).code, 0)
        assertNothingLeft("quick")
    }

    /// `start` runs an exited container again with its limits and its cgroup; a running one is
    /// left running (docker's no-op), a paused one or one that doesn't exist is refused without
    /// changing anything.
    func testStartRunsAnExitedContainerAgain() throws {
        try fx.detached("again", ["/bin/sh", "-c", "echo run; sleep 1000"], options: ["--cpus", "0.3"])
        let firstPid = try XCTUnwrap(try fx.container("again")?["pid"] as? Int)
        let running = try fx.corral(["start", "again"])
        XCTAssertEqual(running.code, 0, running.stderr)
        XCTAssertEqual(running.stdout, "again\n")
        XCTAssertEqual(try fx.container("again")?["pid"] as? Int, firstPid, "a second init")
        XCTAssertEqual(try fx.corral(["pause", "again"]).code, 0)
        let paused = try fx.corral(["start", "again"])
        XCTAssertNotEqual(paused.code, 0)
        XCTAssertEqual(paused.stderr, "corral: error: container again is paused; `corral resume again` thaws it\n")
        XCTAssertEqual(try fx.container("again")?["state"] as? String, "paused")
        XCTAssertEqual(try fx.corral(["resume", "again"]).code, 0)
        XCTAssertEqual(try fx.corral(["kill", "again"]).code, 0)
        XCTAssertTrue(fx.wait { (try? fx.container("again")?["state"] as? String) == "exited" })
        let started = try fx.corral(["start", "again"])
        XCTAssertEqual(started.code, 0, started.stderr)
        XCTAssertEqual(started.stdout, "again\n")
        let c = try XCTUnwrap(try fx.container("again"))
        XCTAssertEqual(c["state"] as? String, "running")
        let pid = try XCTUnwrap(c["pid"] as? Int)
        let procs = try String(contentsOfFile: fx.cgroupDir("cpu", "again") + "/cgroup.procs", encoding: .utf8)
        XCTAssertTrue(procs.split(separator: "\n").contains(Substring(String(pid))))
        let quota = try String(contentsOfFile: fx.cgroupDir("cpu", "again") + "/cpu.cfs_quota_us", encoding: .utf8)
        XCTAssertEqual(quota, "30000\n")
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "again"]).stdout) == "run\nrun\n" })
        let missing = try fx.corral(["start", "nope"])
        XCTAssertNotEqual(missing.code, 0)
        XCTAssertEqual(missing.stderr, "corral: error: no such container: nope\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/nope"))
    }

    /// `update` of an exited container, as docker's of a stopped one: the new limits are in
    /// its cgroup and record at once and hold when it is started again.
    func testUpdateOfAnExitedContainerHoldsAtItsNextStart() throws {
        try fx.detached("later", ["sleep", "1000"], options: ["--cpus", "0.5"])
        XCTAssertEqual(try fx.corral(["kill", "later"]).code, 0)
        XCTAssertTrue(fx.wait { (try? fx.container("later")?["state"] as? String) == "exited" })
        let r = try fx.corral(["update", "--cpus", "0.2", "--pids-limit", "50", "later"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(try fx.container("later")?["cpuQuotaUs"] as? Int, 20000)
        XCTAssertEqual(try fx.corral(["start", "later"]).code, 0)
        XCTAssertEqual(try fx.container("later")?["state"] as? String, "running")
        XCTAssertEqual(fx.readKnob("cpu", "later", "cpu.cfs_quota_us"), "20000")
        XCTAssertEqual(fx.readKnob("pids", "later", "pids.max"), "50")
    }

    /// Two state roots with one cgroup parent and one container name: the second `run` is
    /// refused, saying why and what to do, and leaves nothing; the first runs on.
    func testASecondStateRootOnTheSameCgroupParentIsToldSo() throws {
        try fx.detached("twin", ["sleep", "1000"])
        let otherRoot = fx.scratch + "/other-root"
        let r = try fx.corral(["--root", otherRoot, "run", "-d", "--name", "twin", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"])
        fx.assertOneLineError(r, containing: "--cgroup-parent")
        XCTAssertTrue(r.stderr.contains("already exists"), r.stderr)
        // Everything but the lock, hidden leftovers included.
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: otherRoot)) ?? []).filter { $0 != ".lock" }
        XCTAssertEqual(left, [], "state left in the second root")
        XCTAssertEqual(try fx.container("twin")?["state"] as? String, "running")
        let pid = try XCTUnwrap(try fx.container("twin")?["pid"] as? Int)
        let procs = try String(contentsOfFile: fx.cgroupDir("cpu", "twin") + "/cgroup.procs", encoding: .utf8)
        XCTAssertEqual(procs, "\(pid)\n", "the first container's cgroup was touched")

        // In the foreground the container is set up while its cgroups are made: refused there,
        // it ends at the start gate, never in the first one's cgroup (which it named too).
        let foreground = try fx.corral(["--root", otherRoot, "run", "--rm", "--name", "twin", "--rootfs", CorralFixture.rootfs, "--", "sleep", "5"])
        fx.assertOneLineError(foreground, containing: "--cgroup-parent")
        XCTAssertEqual(foreground.code, 125)
        let leftAfter = ((try? FileManager.default.contentsOfDirectory(atPath: otherRoot)) ?? []).filter { $0 != ".lock" }
        XCTAssertEqual(leftAfter, [], "state left in the second root by the foreground run")
        XCTAssertEqual(try String(contentsOfFile: fx.cgroupDir("cpu", "twin") + "/cgroup.procs", encoding: .utf8), "\(pid)\n")
        XCTAssertEqual(try fx.container("twin")?["state"] as? String, "running")
    }

    /// A start that fails (its root directory is gone) leaves the container as it was: exited,
    /// with its code, and removable.
    func testFailedStartLeavesTheContainerExited() throws {
        let rootfs = "/tmp/corral-test-\(fx.id)/rootfs-copy"
        try FileManager.default.copyItem(atPath: CorralFixture.rootfs, toPath: rootfs)
        let r = try fx.corral(["run", "--name", "gone", "--rootfs", rootfs, "--", "sh", "-c", "exit 5"])
        XCTAssertEqual(r.code, 5, r.stderr)
        try FileManager.default.removeItem(atPath: rootfs)
        let start = try fx.corral(["start", "gone"])
        XCTAssertNotEqual(start.code, 0)
        XCTAssertTrue(start.stderr.hasPrefix("corral: error: "), start.stderr)
        XCTAssertEqual(start.stderr.filter { $0 == "\n" }.count, 1, start.stderr)
        let c = try XCTUnwrap(try fx.container("gone"))
        XCTAssertEqual(c["state"] as? String, "exited")
        XCTAssertEqual(c["exitCode"] as? Int, 5)
        XCTAssertEqual(fx.processesInOurCgroups(), [])
        XCTAssertEqual(try fx.corral(["rm", "gone"]).code, 0)
    }

    /// Several `start`s at once of one exited container: one runs it, the others find it
    /// running and leave it be, and exactly one init is in its cgroup.
    func testConcurrentStartsRunTheContainerOnce() throws {
        try fx.detached("once", ["sleep", "1000"])
        for round in 0..<3 {
            XCTAssertEqual(try fx.corral(["kill", "once"]).code, 0)
            XCTAssertTrue(fx.wait { (try? fx.container("once")?["state"] as? String) == "exited" })
            final class Codes: @unchecked Sendable {
                private let lock = NSLock()
                private(set) var all: [Int32] = []
                func add(_ c: Int32) { lock.lock(); all.append(c); lock.unlock() }
            }
            let codes = Codes()
            let fixture = fx!
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                codes.add((try? fixture.corral(["start", "once"]).code) ?? -1)
            }
            XCTAssertEqual(codes.all, [0, 0, 0, 0], "round \(round)")
            let procs = try String(contentsOfFile: fx.cgroupDir("pids", "once") + "/cgroup.procs", encoding: .utf8)
            XCTAssertEqual(procs.split(separator: "\n").count, 1, "round \(round): \(procs)")
            XCTAssertEqual(try fx.container("once")?["state"] as? String, "running")
        }
    }

    /// `stop a b c d` signals all first and gives them one grace period together, as docker
    /// does: one at a time, four pid-1 sleeps (which ignore SIGTERM) would take 4 × 2 s.
    func testStopOfSeveralSharesOneGracePeriod() throws {
        let names = ["s1", "s2", "s3", "s4"]
        for name in names { try fx.detached(name, ["sleep", "1000"]) }
        let t0 = Date()
        let r = try fx.corral(["stop", "-t", "2"] + names + ["ghost"])
        XCTAssertLessThan(Date().timeIntervalSince(t0), 6, "stopped one after another")
        XCTAssertEqual(r.code, 1)
        XCTAssertEqual(r.stdout, names.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.stderr, "corral: error: no such container: ghost\n")
        for name in names { XCTAssertEqual(try fx.container(name)?["exitCode"] as? Int, 137, name) }
        XCTAssertEqual(fx.processesInOurCgroups(), [])
    }

    func testStopSendsTermThenKill() throws {
        // sh as pid 1 ignores SIGTERM without a trap: stop must fall back to SIGKILL.
        try fx.detached("stubborn", ["sleep", "1000"])
        let t0 = Date()
        XCTAssertEqual(try fx.corral(["stop", "--time", "1", "stubborn"]).code, 0)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.9)
        XCTAssertEqual(try fx.container("stubborn")?["state"] as? String, "exited")
        XCTAssertEqual(try fx.container("stubborn")?["exitCode"] as? Int, 137)

        try fx.detached("polite", ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"])
        usleep(200_000)
        XCTAssertEqual(try fx.corral(["stop", "polite"]).code, 0)
        XCTAssertEqual(try fx.container("polite")?["exitCode"] as? Int, 0)
    }

    /// A frozen process acts on no signal, SIGKILL included, until thawed: `kill` of a paused
    /// container thaws it, as docker's does, so it ends now and not at some later resume.
    func testKillOfAPausedContainerEndsIt() throws {
        try fx.detached("frozen", ["sleep", "1000"])
        XCTAssertEqual(try fx.corral(["pause", "frozen"]).code, 0)
        XCTAssertEqual(try fx.container("frozen")?["state"] as? String, "paused")
        XCTAssertEqual(try fx.corral(["kill", "frozen"]).code, 0)
        XCTAssertTrue(fx.wait { (try? fx.container("frozen")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.container("frozen")?["exitCode"] as? Int, 137)
        XCTAssertEqual(try fx.corral(["rm", "frozen"]).code, 0)
        assertNothingLeft("frozen")
    }

    /// Verbs take what `ps` shows in its ID column, whole or any prefix only one id starts with.
    func testVerbsTakeAnIdOrAUniquePrefixOfIt() throws {
        try fx.detached("byid", ["sleep", "1000"])
        let id = try XCTUnwrap(try fx.container("byid")?["id"] as? String)
        XCTAssertEqual(try fx.corral(["pause", id]).code, 0)
        XCTAssertEqual(try fx.container("byid")?["state"] as? String, "paused")
        XCTAssertEqual(try fx.corral(["resume", String(id.prefix(6))]).code, 0)
        XCTAssertEqual(try fx.corral(["exec", String(id.prefix(5)), "hostname"]).stdout, "byid\n")
        XCTAssertEqual(try fx.corral(["update", "--cpus", "0.5", String(id.prefix(4))]).code, 0)
        XCTAssertEqual(try fx.container("byid")?["cpus"] as? Double, 0.5)

        // Containers until two ids start alike (16 first digits: a few suffice).
        var firsts: [Character: String] = [id.first!: "byid"]
        var shared: Character?
        for i in 0..<17 where shared == nil {
            try fx.detached("other\(i)", ["sleep", "1000"])
            let other = try XCTUnwrap(try fx.container("other\(i)")?["id"] as? String)
            if firsts[other.first!] != nil { shared = other.first! } else { firsts[other.first!] = "other\(i)" }
        }
        let ambiguous = try fx.corral(["stop", String(try XCTUnwrap(shared))])
        XCTAssertNotEqual(ambiguous.code, 0)
        XCTAssertTrue(ambiguous.stderr.hasPrefix("corral: error: ") && ambiguous.stderr.contains("more than one"), ambiguous.stderr)
        XCTAssertTrue(try fx.corral(["kill", "nothing-like-it"]).stderr.contains("no such container"))

        XCTAssertEqual(try fx.corral(["rm", "-f", String(id.prefix(8))]).code, 0)
        XCTAssertNil(try fx.container("byid"))
        XCTAssertEqual(try fx.corral(["rm", "-f"] + firsts.values.filter { $0 != "byid" } + ["other\(firsts.count - 1)"]).code, 0)
        assertNothingLeft("byid")
    }

    /// The cgroup parent stays once made, empty, as docker's does (making and removing it around
    /// each lone container cost every `run` ~0.3 ms); a start that fails removes only a parent
    /// it made itself.
    func testCgroupParentStaysAfterItsLastContainer() throws {
        let run = ["run", "--rm", "--rootfs", CorralFixture.rootfs, "--"]
        XCTAssertEqual(fx.parentCgroupDirs(), [])
        XCTAssertEqual(try fx.corral(run + ["nosuch"]).code, 127)
        XCTAssertEqual(fx.parentCgroupDirs(), [], "a failed start left the parent it made")
        XCTAssertEqual(try fx.corral(run + ["true"]).code, 0)
        let parents = fx.parentCgroupDirs()
        XCTAssertEqual(parents.count, 5, "\(parents)")
        XCTAssertEqual(fx.cgroupDirs(), [])
        XCTAssertEqual(try fx.corral(run + ["nosuch"]).code, 127)
        XCTAssertEqual(fx.parentCgroupDirs(), parents, "a failed start removed a parent it did not make")
        XCTAssertEqual(try fx.corral(["run", "-d", "--name", "again", "--rootfs", CorralFixture.rootfs, "--", "sleep", "100"]).code, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fx.cgroupDir("cpu", "again")))
        XCTAssertEqual(try fx.corral(["rm", "-f", "again"]).code, 0)
        XCTAssertEqual(fx.cgroupDirs(), [])
        XCTAssertEqual(fx.parentCgroupDirs(), parents)
    }

    /// In a long-running process (the TUI), a failed start removes a parent only while it is
    /// the directory that process made: one a person removed and made again is theirs.
    func testAFailedStartKeepsAParentMadeAgainByAPerson() throws {
        let rt = try fx.runtime()
        func spec(_ name: String, _ command: String) -> ContainerSpec {
            var spec = ContainerSpec()
            spec.name = name
            spec.rootfs = CorralFixture.rootfs
            spec.command = [command]
            spec.detached = true
            return spec
        }
        XCTAssertThrowsError(try rt.startDetached(try rt.create(spec("first", "nosuch"))))
        XCTAssertEqual(fx.parentCgroupDirs(), [], "the parent this process made, left by a failed start")
        try rt.startDetached(try rt.create(spec("second", "true")))
        try rt.remove("second", force: true)
        let parents = fx.parentCgroupDirs()
        XCTAssertEqual(parents.count, 5, "\(parents)")
        for dir in parents {
            XCTAssertEqual(rmdir(dir), 0, dir)
            XCTAssertEqual(mkdir(dir, 0o755), 0, dir)   // a person's, now
        }
        XCTAssertThrowsError(try rt.startDetached(try rt.create(spec("third", "nosuch"))))
        XCTAssertEqual(fx.parentCgroupDirs(), parents, "a failed start removed a parent a person made")
        XCTAssertEqual(fx.cgroupDirs(), [])
        XCTAssertEqual(fx.stateEntries(), [])
    }

    /// A cgroup parent spelled with extra slashes is the same group, shown one way.
    func testCgroupParentWithExtraSlashesIsOneGroup() throws {
        let r = try fx.corral(["run", "-d", "--cgroup-parent", "/\(fx.cgroupParent)//sub/", "--name", "slashes",
                               "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(try fx.container("slashes")?["cgroup"] as? String, "/\(fx.cgroupParent)/sub/slashes")
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cpu/\(fx.cgroupParent)/sub/slashes"))
        XCTAssertEqual(try fx.corral(["--version"]).stdout, "corral 0.1.0\n")
        XCTAssertEqual(try fx.corral(["rm", "-f", "slashes"]).code, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cpu/\(fx.cgroupParent)/sub/slashes"))
        XCTAssertEqual(fx.cgroupDirs(), [fx.cgroupDir("cpu", "sub"), fx.cgroupDir("cpuacct", "sub"), fx.cgroupDir("freezer", "sub"),
                                         fx.cgroupDir("pids", "sub"), fx.cgroupDir("memory", "sub")], "the parent stays, empty")
    }

    func testKillWithSignal() throws {
        try fx.detached("k", ["/bin/sh", "-c", "trap 'exit 42' USR1; while :; do sleep 0.1; done"])
        usleep(200_000)
        XCTAssertEqual(try fx.corral(["kill", "--signal", "USR1", "k"]).code, 0)
        XCTAssertTrue(fx.wait { (try? fx.container("k")?["exitCode"] as? Int) == 42 })
        XCTAssertNotEqual(try fx.corral(["kill", "--signal", "NOPE", "k"]).code, 0)
    }

    func testRmOfRunningNeedsForceAndLeavesNothing() throws {
        try fx.detached("busy", ["sleep", "1000"])
        let r = try fx.corral(["rm", "busy"])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), r.stderr)
        XCTAssertEqual(try fx.container("busy")?["state"] as? String, "running")
        XCTAssertEqual(try fx.corral(["rm", "-f", "busy"]).code, 0)
        assertNothingLeft("busy")
    }

    func testKilledSupervisorIsReportedExitedAndRemovable() throws {
        try fx.detached("orphan", ["sleep", "1000"])
        let sup = try String(contentsOfFile: fx.stateRoot + "/orphan/supervisor", encoding: .utf8)
        let supPid = try XCTUnwrap(Int32(sup.split(separator: " ")[0]))
        XCTAssertEqual(kill(supPid, SIGKILL), 0)
        XCTAssertTrue(fx.wait { (try? fx.container("orphan")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.corral(["rm", "orphan"]).code, 0)
        assertNothingLeft("orphan")
    }

    func testKilledContainerIsReportedExited() throws {
        try fx.detached("victim", ["sleep", "1000"])
        let pid = try XCTUnwrap(try fx.container("victim")?["pid"] as? Int)
        kill(Int32(pid), SIGKILL)
        XCTAssertTrue(fx.wait { (try? fx.container("victim")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.container("victim")?["exitCode"] as? Int, 137)
        XCTAssertEqual(try fx.corral(["rm", "victim"]).code, 0)
        assertNothingLeft("victim")
    }

    func testAutoRemoveDetachedAndForeground() throws {
        try fx.detached("gone", ["true"], options: ["--rm"])
        XCTAssertTrue(fx.wait { (try? fx.container("gone")) == nil && !FileManager.default.fileExists(atPath: fx.stateRoot + "/gone") })
        assertNothingLeft("gone")
        let r = try fx.runInContainer(["true"], options: ["--name", "fg"])
        XCTAssertEqual(r.code, 0)
        assertNothingLeft("fg")
    }

    /// The removal a `--rm` container's supervisor execs into when the container ended carries
    /// the container's id: by then the name may belong to a new container, which it must leave.
    func testRemovalForAnIdLeavesANewContainerOfTheSameName() throws {
        try fx.detached("heir", ["sleep", "1000"])
        let id = try XCTUnwrap(try fx.container("heir")?["id"] as? String)
        XCTAssertEqual(try fx.corral(["rm", "-f", "--if-id", "0123456789ab", "heir"]).code, 0)
        XCTAssertEqual(try fx.container("heir")?["state"] as? String, "running")
        XCTAssertEqual(try fx.corral(["rm", "-f", "--if-id", id, "heir"]).code, 0)
        assertNothingLeft("heir")
        XCTAssertEqual(try fx.corral(["rm", "-f", "--if-id", id, "heir"]).code, 0, "already gone: nothing to do")
    }

    /// `rm -f` of a running `--rm` container, then at once a new container of that name: the
    /// old supervisor's own removal, which runs after the `rm -f`, must not take the new one.
    func testNameReusedRightAfterRmOfAnAutoRemovedContainer() throws {
        try fx.detached("reused", ["sleep", "1000"], options: ["--rm"])
        let sup = try String(contentsOfFile: fx.stateRoot + "/reused/supervisor", encoding: .utf8)
        let supPid = try XCTUnwrap(Int32(sup.split(separator: " ")[0]))
        XCTAssertEqual(try fx.corral(["rm", "-f", "reused"]).code, 0)
        try fx.detached("reused", ["sleep", "1000"])
        let newID = try XCTUnwrap(try fx.container("reused")?["id"] as? String)
        XCTAssertTrue(fx.wait { Host.hasEnded(supPid) }, "the old supervisor's removal ended")
        XCTAssertEqual(try fx.container("reused")?["id"] as? String, newID)
        XCTAssertEqual(try fx.container("reused")?["state"] as? String, "running")
        XCTAssertEqual(try fx.corral(["rm", "-f", "reused"]).code, 0)
        assertNothingLeft("reused")
    }

    /// `stop` of a `run -d --rm` container returns once it is removed, so the name can be
    /// used again at once (a script's `stop x; run --name x` loop).
    func testStopOfAnAutoRemovedContainerReturnsOnceItIsGone() throws {
        for _ in 0..<3 {
            try fx.detached("again", ["sleep", "1000"], options: ["--rm"])
            XCTAssertEqual(try fx.corral(["stop", "-t", "0", "again"]).code, 0)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/again"), "still there right after stop")
        }
        assertNothingLeft("again")
    }

    /// docker's `-d -i`: stdin stays open (a pipe nobody writes), so a shell waits instead of
    /// reading end-of-file and exiting; plain `-d` gets /dev/null.
    func testDetachedInteractiveKeepsStdinOpen() throws {
        try fx.detached("held", ["sh"], options: ["-i"])
        let fd0 = try fx.corral(["exec", "held", "--", "readlink", "/proc/1/fd/0"])
        XCTAssertTrue(fd0.stdout.hasPrefix("pipe:["), fd0.stdout + fd0.stderr)
        usleep(300_000)
        XCTAssertEqual(try fx.container("held")?["state"] as? String, "running")
        try fx.detached("closed", ["sh"])
        XCTAssertTrue(fx.wait { (try? fx.container("closed")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.corral(["rm", "-f", "held", "closed"]).code, 0)
    }

    /// docker's 0 for --pids-limit and --memory: no limit, as -1 (the kernel files say "max").
    func testZeroLimitsMeanUnlimited() throws {
        try fx.detached("open", ["sleep", "1000"], options: ["--pids-limit", "0", "--memory", "0"])
        let c = try XCTUnwrap(try fx.container("open"))
        XCTAssertTrue(c["pidsLimit"] is NSNull, "\(c)")
        XCTAssertTrue(c["memoryBytes"] is NSNull, "\(c)")
        XCTAssertEqual(fx.readKnob("pids", "open", "pids.max"), "max")
        XCTAssertEqual(try fx.corral(["update", "--pids-limit", "64", "open"]).code, 0)
        XCTAssertEqual(fx.readKnob("pids", "open", "pids.max"), "64")
        XCTAssertEqual(try fx.corral(["update", "--pids-limit", "0", "open"]).code, 0)
        XCTAssertEqual(fx.readKnob("pids", "open", "pids.max"), "max")
    }

    /// Several containers to one verb, as docker takes them: each done and its name printed;
    /// a bad one reported on its own line, the others still done, and the command fails.
    func testVerbsTakeSeveralContainers() throws {
        try fx.detached("m1", ["sleep", "1000"])
        try fx.detached("m2", ["sleep", "1000"])
        let paused = try fx.corral(["pause", "m1", "m2"])
        XCTAssertEqual(paused.code, 0, paused.stderr)
        XCTAssertEqual(paused.stdout, "m1\nm2\n")
        XCTAssertEqual(try fx.container("m2")?["state"] as? String, "paused")
        let stopped = try fx.corral(["stop", "-t", "0", "m1", "ghost", "m2"])
        XCTAssertEqual(stopped.code, 1)
        XCTAssertEqual(stopped.stdout, "m1\nm2\n")
        XCTAssertEqual(stopped.stderr, "corral: error: no such container: ghost\n")
        XCTAssertEqual(try fx.container("m1")?["state"] as? String, "exited")
        XCTAssertEqual(try fx.container("m2")?["state"] as? String, "exited")
        let removed = try fx.corral(["rm", "m1", "m2"])
        XCTAssertEqual(removed.stdout, "m1\nm2\n")
        assertNothingLeft("m1")
        assertNothingLeft("m2")
    }

    func testForegroundWithoutRmStaysAsExited() throws {
        let r = try fx.corral(["run", "--name", "kept", "--rootfs", CorralFixture.rootfs, "--", "sh", "-c", "exit 5"])
        XCTAssertEqual(r.code, 5)
        XCTAssertEqual(try fx.container("kept")?["state"] as? String, "exited")
        XCTAssertEqual(try fx.container("kept")?["exitCode"] as? Int, 5)
    }
}
