import Foundation
import XCTest

/// A container that forks or allocates without end is stopped by its own cgroup, the host
/// goes on, the end is reported, and both limits change live.
final class HostileLimitTests: XCTestCase {
    var fx: CorralFixture!
    var rootfs = ""

    override func setUpWithError() throws {
        fx = try CorralFixture()
        rootfs = try fx.hostileRootfs()
    }

    override func tearDown() { fx?.tearDown() }

    func start(_ name: String, _ options: [String], _ cmd: [String]) throws {
        let r = try fx.corral(["run", "-d", "--name", name, "--rootfs", rootfs] + options + ["--"] + cmd)
        XCTAssertEqual(r.code, 0, r.stderr)
    }

    func testDefaultPidsLimitIs4096() throws {
        try start("plain", [], ["sleep", "1000"])
        XCTAssertEqual(fx.readKnob("pids", "plain", "pids.max"), "4096")
        XCTAssertEqual(try fx.container("plain")?["pidsLimit"] as? Int, 4096)
    }

    func testForkBombIsCappedAndTheHostStillForks() throws {
        try start("bomb", ["--pids-limit", "64"], ["/hostile/fork_bomb", "4"])
        var highest = 0
        var hostForks: [TimeInterval] = []
        let end = Date().addingTimeInterval(3)
        while Date() < end {
            highest = max(highest, Int(fx.readKnob("pids", "bomb", "pids.current") ?? "") ?? 0)
            let t0 = Date()
            let r = try Host.run("/bin/true", [])
            XCTAssertEqual(r.code, 0, "the host could not fork during the bomb")
            hostForks.append(Date().timeIntervalSince(t0))
            usleep(100_000)
        }
        XCTAssertLessThanOrEqual(highest, 64, "pids.current went past the limit")
        XCTAssertGreaterThanOrEqual(highest, 48, "the bomb never filled its limit: the test proves nothing")
        XCTAssertEqual(fx.readKnob("pids", "bomb", "pids.max"), "64")
        let events = fx.readKnob("pids", "bomb", "pids.events") ?? ""
        XCTAssertFalse(events.isEmpty || events == "max 0", "no fork was refused: \(events)")
        XCTAssertLessThan(hostForks.max() ?? 0, 2, "host forks took \(hostForks.max() ?? 0)s")
        XCTAssertEqual(try fx.corral(["rm", "-f", "bomb"]).code, 0)
        let left = fx.waitForFootprint(CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: []))
        XCTAssertTrue(left.isEmpty, "left after rm -f of the bomb: \(left)")
    }

    func testMemoryLimitEndsInAnOOMKillThatPsReports() throws {
        try start("hog", ["--memory", "32m"], ["/hostile/mem_hog", "256"])
        XCTAssertEqual(fx.readKnob("memory", "hog", "memory.limit_in_bytes"), String(32 << 20))
        if FileManager.default.fileExists(atPath: fx.cgroupDir("memory", "hog") + "/memory.memsw.limit_in_bytes") {
            XCTAssertEqual(fx.readKnob("memory", "hog", "memory.memsw.limit_in_bytes"), String(32 << 20), "swap would get around the cap")
        }
        XCTAssertTrue(fx.wait(timeout: 20) { (try? fx.container("hog")?["state"] as? String) == "exited" })
        let c = try XCTUnwrap(try fx.container("hog"))
        XCTAssertEqual(c["exitCode"] as? Int, 137)
        XCTAssertEqual(c["exitReason"] as? String, "killed by the OOM killer")
        XCTAssertTrue(try fx.corral(["ps", "-a"]).stdout.contains("killed by the OOM killer"))
        XCTAssertFalse(try fx.corral(["logs", "hog"]).stdout.contains("allocated 256"), "it got all it asked for")

        // pid 1 a shell whose child the OOM killer took: the shell's own exit is 137 too.
        try start("hog-sh", ["--memory", "32m"], ["/bin/sh", "-c", "/hostile/mem_hog 256; exit $?"])
        XCTAssertTrue(fx.wait(timeout: 20) { (try? fx.container("hog-sh")?["state"] as? String) == "exited" })
        let s = try XCTUnwrap(try fx.container("hog-sh"))
        XCTAssertEqual(s["exitCode"] as? Int, 137)
        XCTAssertEqual(s["exitReason"] as? String, "killed by the OOM killer")

        // A plain SIGKILL is not an OOM kill.
        try start("victim", ["--memory", "32m"], ["sleep", "1000"])
        XCTAssertEqual(try fx.corral(["kill", "victim"]).code, 0)
        XCTAssertTrue(fx.wait { (try? fx.container("victim")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.container("victim")?["exitCode"] as? Int, 137)
        XCTAssertTrue(try fx.container("victim")?["exitReason"] is NSNull)

        // The cgroup (and its OOM count) outlives a run: once restarted, a run killed by hand is
        // no OOM kill because an earlier run was one.
        // (The rootfs is this test's own copy: the mark survives in it from run to run.)
        let once = "if [ -e /ran-once ]; then exec sleep 1000; fi; touch /ran-once; /hostile/mem_hog 256; exit $?"
        try start("twice", ["--memory", "32m"], ["/bin/sh", "-c", once])
        XCTAssertTrue(fx.wait(timeout: 20) { (try? fx.container("twice")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.container("twice")?["exitReason"] as? String, "killed by the OOM killer")
        let restart = try fx.corral(["start", "twice"])
        XCTAssertEqual(restart.code, 0, restart.stderr)
        XCTAssertEqual(try fx.container("twice")?["state"] as? String, "running")
        XCTAssertEqual(try fx.corral(["kill", "twice"]).code, 0)
        XCTAssertTrue(fx.wait { (try? fx.container("twice")?["state"] as? String) == "exited" })
        XCTAssertEqual(try fx.container("twice")?["exitCode"] as? Int, 137)
        XCTAssertTrue(try fx.container("twice")?["exitReason"] is NSNull, "the first run's OOM kill labels the second run")

        // Foreground: the CLI exits with the container's 137.
        let fg = try fx.corral(["run", "--rm", "--rootfs", rootfs, "--memory", "32m", "--", "/hostile/mem_hog", "256"])
        XCTAssertEqual(fg.code, 137, fg.stderr)
    }

    func testPidsAndMemoryLimitsUpdateLive() throws {
        try start("live", ["--pids-limit", "100", "--memory", "64m"], ["sleep", "1000"])
        XCTAssertEqual(fx.readKnob("pids", "live", "pids.max"), "100")

        XCTAssertEqual(try fx.corral(["update", "--pids-limit", "200", "live"]).code, 0)
        XCTAssertEqual(fx.readKnob("pids", "live", "pids.max"), "200")
        XCTAssertEqual(try fx.container("live")?["pidsLimit"] as? Int, 200)

        // Down to one task: sleep is the one, so nothing else may start in it.
        XCTAssertEqual(try fx.corral(["update", "--pids-limit", "1", "live"]).code, 0)
        let refused = try fx.corral(["exec", "live", "--", "true"])
        XCTAssertNotEqual(refused.code, 0, "exec started a second task under pids.max 1")
        XCTAssertTrue(refused.stderr.hasPrefix("corral: error: "), refused.stderr)
        XCTAssertEqual(try fx.corral(["update", "--pids-limit", "-1", "live"]).code, 0)
        XCTAssertEqual(fx.readKnob("pids", "live", "pids.max"), "max")
        XCTAssertTrue(try fx.container("live")?["pidsLimit"] is NSNull)
        XCTAssertEqual(try fx.corral(["exec", "live", "--", "true"]).code, 0)

        XCTAssertEqual(try fx.corral(["update", "--memory", "128m", "live"]).code, 0)
        XCTAssertEqual(fx.readKnob("memory", "live", "memory.limit_in_bytes"), String(128 << 20))
        if FileManager.default.fileExists(atPath: fx.cgroupDir("memory", "live") + "/memory.memsw.limit_in_bytes") {
            XCTAssertEqual(fx.readKnob("memory", "live", "memory.memsw.limit_in_bytes"), String(128 << 20))
        }
        XCTAssertEqual(try fx.container("live")?["memoryBytes"] as? Int, 128 << 20)
        XCTAssertEqual(try fx.corral(["update", "--memory", "16m", "live"]).code, 0)
        XCTAssertEqual(fx.readKnob("memory", "live", "memory.limit_in_bytes"), String(16 << 20))
        XCTAssertEqual(try fx.corral(["update", "--memory", "-1", "live"]).code, 0)
        XCTAssertGreaterThan(Int64(fx.readKnob("memory", "live", "memory.limit_in_bytes") ?? "") ?? 0, 1 << 40)
        XCTAssertTrue(try fx.container("live")?["memoryBytes"] is NSNull)

        // The new cap holds: what fit before is killed now.
        XCTAssertEqual(try fx.corral(["update", "--memory", "24m", "live"]).code, 0)
        let hog = try fx.corral(["exec", "live", "--", "/hostile/mem_hog", "64"])
        XCTAssertEqual(hog.code, 137, "a 64 MiB allocation survived a live 24m limit: \(hog.stdout)")
        XCTAssertEqual(try fx.container("live")?["state"] as? String, "running", "the OOM kill took pid 1 too")
    }

    /// Lowering the memory limit below what is in use: the kernel reclaims or refuses, and
    /// the record follows the kernel either way.
    func testMemoryLimitBelowUsageKeepsRecordAndKernelInStep() throws {
        try start("full", ["--memory", "128m"], ["/hostile/mem_hog", "48"])
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "full"]).stdout.contains("allocated 48")) == true })
        let r = try fx.corral(["update", "--memory", "8m", "full"])
        let kernel = Int64(fx.readKnob("memory", "full", "memory.limit_in_bytes") ?? "")
        let recorded = try fx.container("full")?["memoryBytes"] as? Int
        if r.code == 0 {
            XCTAssertEqual(kernel, 8 << 20)
            XCTAssertEqual(recorded, 8 << 20)
        } else {
            XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertEqual(kernel.map(Int.init), recorded, "refused, yet kernel and record disagree")
        }
    }
}
