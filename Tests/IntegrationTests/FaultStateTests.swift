import Foundation
import XCTest

/// State and kernel objects damaged behind corral's back: a state file that is not JSON any
/// more, a cgroup someone removed, a cgroup the kernel will not remove. Each gets a clear
/// one-line error where something can't be done, and `rm -f` still cleans up.
final class FaultStateTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    let empty = CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: [])

    func assertOneLineError(_ r: CorralFixture.Result, _ what: String, contains: String? = nil,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(r.code, 0, "\(what) succeeded", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), "\(what): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(what): \(r.stderr)", file: file, line: line)
        if let contains { XCTAssertTrue(r.stderr.contains(contains), "\(what): \(r.stderr) lacks \(contains)", file: file, line: line) }
    }

    func pid(of name: String) throws -> Int32 {
        Int32(try XCTUnwrap(try fx.container(name)?["pid"] as? Int))
    }

    func testCorruptStateFilesGiveClearErrorsAndRmForceCleansUp() throws {
        let record = { (name: String) in self.fx.stateRoot + "/" + name + "/state.json" }
        try fx.detached("healthy", ["sleep", "1000"])
        var rng = SystemRandomNumberGenerator()
        let corruptions: [(String, (Data) -> Data)] = [
            ("truncated", { $0.prefix($0.count / 2) }),
            ("empty", { _ in Data() }),
            ("garbage", { _ in Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &rng) }) }),
            ("wrong types", { _ in Data("{\"id\": 7, \"name\": [\"x\"], \"limits\": \"lots\"}".utf8) }),
            ("not an object", { _ in Data("[1,2,3]".utf8) }),
            ("non-UTF-8", { d in var d = d; d[d.count / 3] = 0xff; d[d.count / 3 + 1] = 0xfe; return d }),
        ]
        for (i, (label, corrupt)) in corruptions.enumerated() {
            let name = "bad\(i)"
            // Every other one from the builtin image, so an overlay mount is at stake too.
            if i % 2 == 0 {
                try fx.detached(name, ["sleep", "1000"])
            } else {
                let r = try fx.corral(["run", "-d", "--name", name, "busybox", "--", "sleep", "1000"])
                XCTAssertEqual(r.code, 0, r.stderr)
            }
            let pid = try pid(of: name)
            let original = try Data(contentsOf: URL(fileURLWithPath: record(name)))
            try corrupt(original).write(to: URL(fileURLWithPath: record(name)))

            for verb in [["stop", name], ["kill", name], ["pause", name], ["update", "--cpus", "1", name], ["logs", name], ["exec", name, "--", "true"]] {
                assertOneLineError(try fx.corral(verb), "\(verb[0]) with a \(label) state file", contains: name)
            }
            assertOneLineError(try fx.corral(["rm", name]), "rm (without -f) of a \(label) state file", contains: "rm -f")
            let ps = try fx.corral(["ps", "-a", "--json"])
            XCTAssertEqual(ps.code, 0, "ps fails on one \(label) state file: \(ps.stderr)")
            XCTAssertTrue(ps.stdout.contains("\"healthy\""), "a \(label) state file hid the others: \(ps.stdout)")
            XCTAssertEqual(ps.stderr, "corral: warning: container \(name) has a damaged state file and is not listed; `corral rm -f \(name)` removes it\n",
                           "ps must name the container it can't list (\(label))")
            XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)), "ps --json stdout stays JSON")
            XCTAssertEqual(try fx.corral(["run", "-d", "--name", name, "--rootfs", CorralFixture.rootfs, "--", "true"]).code == 0, false,
                           "a \(label) state file let its name be taken again")

            let rm = try fx.corral(["rm", "-f", name])
            XCTAssertEqual(rm.code, 0, "rm -f of a \(label) state file: \(rm.stderr)")
            XCTAssertTrue(fx.wait { kill(pid, 0) != 0 }, "the container of a \(label) state file still runs")
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/" + name), "\(label): state dir left")
            for h in ["cpu", "cpuacct", "freezer", "pids", "memory"] {
                XCTAssertFalse(FileManager.default.fileExists(atPath: fx.cgroupDir(h, name)), "\(label): \(h) cgroup left")
            }
            XCTAssertTrue(fx.wait { !fx.mounts().contains { $0.contains("/\(name)/") } }, "\(label): overlay left: \(fx.mounts())")
        }
        XCTAssertEqual(try fx.container("healthy")?["state"] as? String, "running")
        XCTAssertEqual(try fx.corral(["rm", "-f", "healthy"]).code, 0)
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A damaged record no longer says which cgroup parent its container was made under: `rm -f`
    /// given another parent finds the group from the running init and kills and removes it.
    func testRmForceOfADamagedRecordMadeUnderAnotherCgroupParent() throws {
        let other = ["CORRAL_CGROUP_PARENT": fx.cgroupParent + "/elsewhere"]
        let made = try fx.corral(["run", "-d", "--name", "moved", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"],
                                 extraEnvironment: other)
        XCTAssertEqual(made.code, 0, made.stderr)
        let pid = try self.pid(of: "moved")
        let group = "/sys/fs/cgroup/cpu/\(fx.cgroupParent)/elsewhere/moved"
        XCTAssertTrue(FileManager.default.fileExists(atPath: group))
        try Data("{junk".utf8).write(to: URL(fileURLWithPath: fx.stateRoot + "/moved/state.json"))

        let rm = try fx.corral(["rm", "-f", "moved"])
        XCTAssertEqual(rm.code, 0, rm.stderr)
        XCTAssertTrue(fx.wait { kill(pid, 0) != 0 }, "rm -f said it removed moved, but its init still runs")
        XCTAssertFalse(FileManager.default.fileExists(atPath: group), "its cgroup is left")
        // The other parent stays, empty, as every cgroup parent does.
        var expected = empty
        expected.cgroupDirs = ["cpu", "cpuacct", "freezer", "memory", "pids"].map { fx.cgroupDir($0, "elsewhere") }
        let left = fx.waitForFootprint(expected)
        XCTAssertEqual(left, expected, "left: \(left)")
    }

    /// What a `run` leaves when it is killed after making the container and before starting it:
    /// the record, its cgroups, its holder (the killed CLI) and no pid. While the holder lives
    /// the container is being started: "created", and a plain `rm` refuses it. Once the holder
    /// is gone it is "exited ... start interrupted": a plain `rm` takes it, and a --rm one is
    /// removed by the next `ps` (it stayed "created", cgroups and all, for good).
    func testAContainerWhoseStartWasCutShort() throws {
        func cutShort(_ name: String, holder: (pid: Int32, startTime: UInt64), autoRemove: Bool) throws {
            try fx.detached(name, ["sleep", "1000"])
            XCTAssertEqual(try fx.corral(["stop", "--time", "0", name]).code, 0)
            let dir = fx.stateRoot + "/" + name
            for file in ["exit", "pid"] { unlink(dir + "/" + file) }
            try "\(holder.pid) \(holder.startTime)\n".write(toFile: dir + "/supervisor", atomically: true, encoding: .utf8)
            if autoRemove {
                let state = try String(contentsOfFile: dir + "/state.json", encoding: .utf8)
                try state.replacingOccurrences(of: "\"autoRemove\" : false", with: "\"autoRemove\" : true")
                    .write(toFile: dir + "/state.json", atomically: true, encoding: .utf8)
            }
        }
        let me = (getpid(), try XCTUnwrap(Host.startTime(getpid())))
        let gone: (Int32, UInt64) = (4_194_303, 12_345)   // no such process

        try cutShort("starting", holder: me, autoRemove: false)
        XCTAssertEqual(try fx.container("starting")?["state"] as? String, "created")
        assertOneLineError(try fx.corral(["rm", "starting"]), "rm while it is being started", contains: "being started")
        // No holder at all (an older corral's record): nothing will start it, so `wait` says so
        // instead of waiting for ever.
        unlink(fx.stateRoot + "/starting/supervisor")
        assertOneLineError(try fx.corral(["wait", "starting"], timeout: 10), "wait on a container nothing starts",
                           contains: "nothing is starting it")

        try cutShort("cut", holder: gone, autoRemove: false)
        let cut = try XCTUnwrap(try fx.container("cut"))
        XCTAssertEqual(cut["state"] as? String, "exited")
        XCTAssertEqual(cut["exitReason"] as? String, "start interrupted")
        XCTAssertTrue(try fx.corral(["ps", "-a"]).stdout.contains("exited start interrupted"))
        assertOneLineError(try fx.corral(["wait", "cut"]), "wait on a start cut short", contains: "start interrupted")
        XCTAssertEqual(try fx.corral(["rm", "cut"]).code, 0)

        try cutShort("cutrm", holder: gone, autoRemove: true)
        XCTAssertTrue(fx.wait(timeout: 5) { (try? fx.psJSON())?.contains { $0["name"] as? String == "cutrm" } == false },
                      "the --rm container whose start was cut short is still listed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.cgroupDir("cpu", "cutrm")), "its cgroup is left")

        XCTAssertEqual(try fx.corral(["rm", "-f", "starting"]).code, 0)
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// The small files the supervisor writes, damaged: the container is still found and removed.
    func testCorruptPidExitAndSupervisorFiles() throws {
        for (i, file) in ["pid", "exit", "supervisor"].enumerated() {
            let name = "small\(i)"
            try fx.detached(name, ["sleep", "1000"])
            let pid = try pid(of: name)
            for junk in ["", "-5 -5\n", "99999999999999999999 x\n", "\u{ff}\u{fe}garbage", "0 0\n"] {
                try junk.write(toFile: fx.stateRoot + "/" + name + "/" + file, atomically: false, encoding: .utf8)
                let ps = try fx.corral(["ps", "-a", "--json"])
                XCTAssertEqual(ps.code, 0, "ps with \(file)=\(junk.debugDescription): \(ps.stderr)")
                XCTAssertTrue(ps.stdout.contains("\"\(name)\""), "\(name) vanished with \(file)=\(junk.debugDescription)")
            }
            XCTAssertEqual(try fx.corral(["rm", "-f", name]).code, 0)
            XCTAssertTrue(fx.wait { kill(pid, 0) != 0 }, "container with a damaged \(file) file still runs")
        }
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// What a `run` or `rm` SIGKILLed between making the directory and writing state.json
    /// (or between deleting state.json and the directory) leaves: a dir ps can't list. The
    /// name must not stay blocked, and rm -f must clear it.
    func testHalfMadeContainerDirDoesNotBlockItsName() throws {
        for (i, leftover) in [["state.json.tmp.99999"], [], ["pid", "log", "upper/x"]].enumerated() {
            let name = "half\(i)"
            let dir = fx.stateRoot + "/" + name
            try FileManager.default.createDirectory(atPath: dir + "/upper", withIntermediateDirectories: true)
            for f in leftover { FileManager.default.createFile(atPath: dir + "/" + f, contents: Data("{\"id\":".utf8)) }
            XCTAssertNil(try fx.container(name))
            if i == 1 {
                XCTAssertEqual(try fx.corral(["rm", "-f", name]).code, 0, "rm -f of a half-made dir")
                XCTAssertFalse(FileManager.default.fileExists(atPath: dir))
                continue
            }
            let r = try fx.corral(["run", "-d", "--name", name, "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"])
            XCTAssertEqual(r.code, 0, "a half-made dir blocks its name: \(r.stderr)")
            XCTAssertEqual(try fx.container(name)?["state"] as? String, "running")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/state.json.tmp.99999"))
            XCTAssertEqual(try fx.corral(["rm", "-f", name]).code, 0)
        }
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A removal that fails half-way through the state dir (here a file the kernel won't
    /// unlink) still takes the container out whole: no `<name>/` without its record is left for
    /// `ps` to skip, the name is free at once, and the rest goes at a later listing.
    func testRemovalThatFailsHalfWayLeavesNoNamelessDirectory() throws {
        try fx.detached("pinned", ["sleep", "1000"])
        let pid = try pid(of: "pinned")
        let pin = fx.stateRoot + "/pinned/pin"
        FileManager.default.createFile(atPath: pin, contents: Data("x".utf8))
        let chattr = try Host.run("/usr/bin/chattr", ["+i", pin])
        try XCTSkipIf(chattr.code != 0, "no immutable files here: \(chattr.stderr)")
        func unpinAll() {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: fx.stateRoot)) ?? [] {
                _ = try? Host.run("/usr/bin/chattr", ["-i", fx.stateRoot + "/" + entry + "/pin"])
            }
        }
        defer { unpinAll() }

        assertOneLineError(try fx.corral(["rm", "-f", "pinned"]), "rm -f with a file that can't go", contains: "/pin: Operation not permitted")
        XCTAssertTrue(Host.hasEnded(pid), "the container's process outlived its removal")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/pinned"), "a state dir without its record")
        XCTAssertEqual(try fx.psJSON().count, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.cgroupDir("cpu", "pinned")))
        let again = try fx.corral(["run", "-d", "--name", "pinned", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"])
        XCTAssertEqual(again.code, 0, "the name is still taken: \(again.stderr)")
        XCTAssertEqual(try fx.corral(["rm", "-f", "pinned"]).code, 0)

        let hidden = { (try? FileManager.default.contentsOfDirectory(atPath: self.fx.stateRoot))?.filter { $0.hasPrefix(".gone-") } ?? [] }
        XCTAssertEqual(hidden().count, 1, "the half-removed dir, out of the listing")
        _ = try fx.psJSON()
        XCTAssertEqual(hidden().count, 1, "removed while the kernel still refuses")
        unpinAll()
        _ = try fx.psJSON()
        XCTAssertEqual(hidden(), [], "a listing with the lock free removes what a failed removal left")
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A foreground run from a rootfs sets its container up while it waits for the store lock
    /// (the start gate): a Ctrl-C then ends it as it always did, and what it began goes too.
    func testCtrlCEndsAForegroundRunWaitingForTheLock() throws {
        let empty = CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: [])
        try FileManager.default.createDirectory(atPath: fx.stateRoot, withIntermediateDirectories: true)
        let lock = open(fx.stateRoot + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { close(lock) }
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        let run = try fx.spawnCorral(["run", "--rm", "--name", "waiting", "--rootfs", CorralFixture.rootfs, "--", "true"])
        usleep(300_000)
        run.kill(SIGINT)
        let out = run.finish(timeout: 5)
        XCTAssertTrue(out.signaled && out.code == 128 + SIGINT, "not ended by the Ctrl-C: \(out.code) \(out.stderr)")
        flock(lock, LOCK_UN)
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A foreground `--rm` removal, after pid 1 is reaped, skips `rm -f`'s checks (the pid
    /// namespace ended with pid 1) unless the cgroup won't go: a process moved into it from
    /// outside is then killed as `rm -f` kills it, and nothing is left.
    func testForegroundRmRemovesAProcessMovedIntoItsCgroup() throws {
        let run = try fx.spawnCorral(["run", "--rm", "--name", "host", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"])
        XCTAssertTrue(fx.wait { (try? self.fx.container("host")?["state"] as? String) == "running" }, "never ran")
        let pid1 = try XCTUnwrap(try fx.container("host")?["pid"] as? Int)
        let outsider = Process()
        outsider.executableURL = URL(fileURLWithPath: "/bin/sleep")
        outsider.arguments = ["100"]
        try outsider.run()
        defer { if outsider.isRunning { outsider.terminate() } }
        for h in ["cpu", "cpuacct", "freezer", "pids", "memory"] {
            try Data("\(outsider.processIdentifier)".utf8).write(to: URL(fileURLWithPath: fx.cgroupDir(h, "host") + "/cgroup.procs"))
        }
        XCTAssertEqual(kill(pid_t(pid1), SIGKILL), 0)
        let out = run.finish(timeout: 15)
        XCTAssertEqual(out.code, 128 + SIGKILL, out.stderr)
        XCTAssertTrue(fx.wait { !outsider.isRunning }, "the process moved into the cgroup outlived the removal")
        XCTAssertEqual(fx.cgroupDirs(), [])
        XCTAssertEqual(fx.stateEntries(), [])
    }

    /// What `ps` sweeps: only the leftovers publish and discard name (`.new-`/`.gone-NAME.PID.NS`),
    /// and only while nobody holds the store lock (its holder may be making or removing one).
    func testPsSweepsOnlyItsOwnLeftoversAndOnlyWhenTheLockIsFree() throws {
        let ours = [".gone-web.123.456", ".new-db.7.89"]
        let foreign = [".gone-web", ".new-.1.2", ".keep-me", ".gone-web.1.x"]
        for entry in ours + foreign {
            try FileManager.default.createDirectory(atPath: fx.stateRoot + "/" + entry + "/sub", withIntermediateDirectories: true)
        }
        let entries = { Set((try? FileManager.default.contentsOfDirectory(atPath: self.fx.stateRoot)) ?? []) }
        let lock = open(fx.stateRoot + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        XCTAssertEqual(try fx.corral(["ps", "-a"]).code, 0, "ps waited for the lock")
        XCTAssertTrue(entries().isSuperset(of: ours), "swept while another process held the lock")
        close(lock)
        XCTAssertEqual(try fx.corral(["ps", "-a"]).code, 0)
        XCTAssertTrue(entries().isDisjoint(with: ours), "leftovers stayed: \(entries())")
        XCTAssertTrue(entries().isSuperset(of: foreign), "a hidden entry corral did not make was removed")
        for entry in foreign { try FileManager.default.removeItem(atPath: fx.stateRoot + "/" + entry) }
    }

    func testMissingCgroupDirs() throws {
        let hierarchies = ["cpu", "cpuacct", "freezer", "pids", "memory"]
        // Exited: its cgroup removed by someone else.
        try fx.detached("exited", ["true"])
        XCTAssertTrue(fx.wait { (try? fx.container("exited")?["state"] as? String) == "exited" })
        for h in hierarchies { rmdir(fx.cgroupDir(h, "exited")) }
        XCTAssertEqual(try fx.container("exited")?["state"] as? String, "exited")
        XCTAssertEqual(try fx.corral(["rm", "exited"]).code, 0)

        // Running: its process moved out, then its cgroup removed.
        try fx.detached("adrift", ["sleep", "1000"])
        let pid = try pid(of: "adrift")
        for h in hierarchies {
            try String(pid).write(toFile: "/sys/fs/cgroup/\(h)/cgroup.procs", atomically: false, encoding: .utf8)
            XCTAssertEqual(rmdir(fx.cgroupDir(h, "adrift")), 0, "rmdir \(h): \(String(cString: strerror(errno)))")
        }
        assertOneLineError(try fx.corral(["update", "--cpus", "1", "adrift"]), "update without a cgroup")
        assertOneLineError(try fx.corral(["pause", "adrift"]), "pause without a cgroup")
        let ps = try fx.corral(["ps", "-a", "--json"])
        XCTAssertEqual(ps.code, 0, ps.stderr)
        XCTAssertTrue(ps.stdout.contains("\"adrift\""), ps.stdout)
        let stats = try fx.corral(["stats", "--no-stream", "--json"])
        XCTAssertEqual(stats.code, 0, "stats fails for every container when one lost its cgroup: \(stats.stderr)")
        XCTAssertEqual(try fx.corral(["rm", "-f", "adrift"]).code, 0)
        XCTAssertTrue(fx.wait { kill(pid, 0) != 0 }, "rm -f left the container's process running outside its cgroup")
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A mount on the container's cgroup dir makes rmdir fail with EBUSY, as a cgroup the
    /// kernel won't let go of does. rm -f says so, keeps the container listed so it can be
    /// retried, and cleans up fully once the obstacle is gone.
    func testCgroupTheKernelRefusesToRemove() throws {
        try fx.detached("stuck", ["sleep", "1000"])
        let pid = try pid(of: "stuck")
        let blocked = fx.cgroupDir("pids", "stuck")
        XCTAssertEqual(mount("corral-test", blocked, "tmpfs", 0, nil), 0, String(cString: strerror(errno)))
        var mounted = true
        defer { if mounted { umount2(blocked, Int32(MNT_DETACH)) } }

        let r = try fx.corral(["rm", "-f", "stuck"])
        assertOneLineError(r, "rm -f of a cgroup that can't be removed", contains: "stuck")
        XCTAssertTrue(fx.wait { kill(pid, 0) != 0 }, "the container still runs after a failed rm -f")
        let listed = try fx.container("stuck")
        XCTAssertNotNil(listed, "the container vanished from ps with its cgroup still there")
        XCTAssertEqual(listed?["state"] as? String, "exited")

        XCTAssertEqual(umount2(blocked, Int32(0)), 0)
        mounted = false
        XCTAssertEqual(try fx.corral(["rm", "-f", "stuck"]).code, 0)
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A host-side crash: every CLI killed mid-work, then a new one finds each container in
    /// the state it is really in and can drive it.
    func testRestartedCLIFindsEveryContainer() throws {
        try fx.detached("up", ["sleep", "1000"], options: ["--cpus", "0.5"])
        try fx.detached("frozen", ["sleep", "1000"])
        XCTAssertEqual(try fx.corral(["pause", "frozen"]).code, 0)
        try fx.detached("done", ["/bin/sh", "-c", "echo bye; exit 3"])
        XCTAssertTrue(fx.wait { (try? fx.container("done")?["state"] as? String) == "exited" })
        // Long-running CLIs killed the hard way: a streaming stats, a foreground run.
        let stats = try fx.spawnCorral(["stats"])
        let fg = try fx.spawnCorral(["run", "--name", "fg", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"])
        XCTAssertTrue(fx.wait { (try? fx.container("fg")?["state"] as? String) == "running" })
        usleep(300_000)
        stats.kill()
        fg.kill()
        stats.finish()
        fg.finish()

        // PDEATHSIG reaches the foreground container as its CLI dies, but it ends when it next
        // runs: on a loaded machine a listing right after can still find it running.
        XCTAssertTrue(fx.wait { (try? fx.container("fg")?["state"] as? String) == "exited" }, "the foreground container outlived its CLI")
        let all = try fx.psJSON()
        XCTAssertEqual(Set(all.compactMap { $0["name"] as? String }), ["up", "frozen", "done", "fg"])
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0["name"] as! String, $0) })
        XCTAssertEqual(byName["up"]?["state"] as? String, "running")
        XCTAssertEqual(byName["up"]?["cpuQuotaUs"] as? Int, 50000)
        XCTAssertEqual(byName["frozen"]?["state"] as? String, "paused")
        XCTAssertEqual(byName["done"]?["state"] as? String, "exited")
        XCTAssertEqual(byName["done"]?["exitCode"] as? Int, 3)
        // The foreground CLI held its container: it went with it, and says so.
        XCTAssertEqual(byName["fg"]?["state"] as? String, "exited")
        XCTAssertEqual(byName["fg"]?["exitCode"] as? Int, 137)

        XCTAssertEqual(try fx.corral(["logs", "done"]).stdout, "bye\n")
        XCTAssertEqual(try fx.corral(["resume", "frozen"]).code, 0)
        XCTAssertEqual(try fx.corral(["update", "--cpus", "1", "up"]).code, 0)
        XCTAssertEqual(fx.readKnob("cpu", "up", "cpu.cfs_quota_us"), "100000")
        XCTAssertEqual(try fx.corral(["exec", "up", "--", "true"]).code, 0)
        XCTAssertEqual(try fx.corral(["stop", "--time", "0", "up"]).code, 0)
        for name in ["up", "frozen", "done", "fg"] {
            XCTAssertEqual(try fx.corral(["rm", "-f", name]).code, 0, name)
        }
        let left = fx.waitForFootprint(empty)
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }
}
