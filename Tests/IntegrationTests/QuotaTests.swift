import Foundation
import XCTest

/// CPU quotas as the kernel enforces them: written at run, rewritten by update, measured from
/// the kernel's own counters by `corral stats`.
final class QuotaTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    let burner = ["/bin/sh", "-c", "while :; do :; done"]

    func quotaFiles(_ name: String) throws -> (quota: String, period: String) {
        let dir = fx.cgroupDir("cpu", name)
        let q = try String(contentsOfFile: dir + "/cpu.cfs_quota_us", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let p = try String(contentsOfFile: dir + "/cpu.cfs_period_us", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (q, p)
    }

    func stats(_ name: String) throws -> [String: Any] {
        let r = try fx.corral(["stats", "--no-stream", "--json", name])
        XCTAssertEqual(r.code, 0, r.stderr)
        let arr = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        return try XCTUnwrap(arr.first { $0["name"] as? String == name })
    }

    func testQuotaIsWrittenAtRunAndUpdate() throws {
        try fx.detached("q1", ["sleep", "1000"], options: ["--cpus", "0.5"])
        XCTAssertEqual(try quotaFiles("q1").quota, "50000")
        XCTAssertEqual(try quotaFiles("q1").period, "100000")

        XCTAssertEqual(try fx.corral(["update", "q1", "--cpu-quota", "25000", "--cpu-period", "50000"]).code, 0)
        XCTAssertEqual(try quotaFiles("q1").quota, "25000")
        XCTAssertEqual(try quotaFiles("q1").period, "50000")

        let v = try fx.corral(["update", "--verbose", "q1", "--cpus", "1.5"])
        XCTAssertEqual(v.code, 0, v.stderr)
        XCTAssertTrue(v.stdout.contains("cpu.cfs_quota_us ← 75000"), v.stdout)
        XCTAssertEqual(try quotaFiles("q1").quota, "75000")

        try fx.detached("q1b", ["sleep", "1000"])
        let both = try fx.corral(["update", "q1", "q1b", "--cpus", "0"])
        XCTAssertEqual(both.code, 0, both.stderr)
        XCTAssertEqual(both.stdout, "q1\nq1b\n", "each name, as docker's update prints them")
        XCTAssertEqual(try quotaFiles("q1").quota, "-1")
        let ps = try XCTUnwrap(try fx.container("q1"))
        XCTAssertEqual(ps["cpuQuotaUs"] as? Int, -1)
        XCTAssertTrue(ps["cpus"] is NSNull)
    }

    func testBadUpdateValuesWriteNothing() throws {
        try fx.detached("q2", ["sleep", "1000"], options: ["--cpus", "0.5"])
        for args in [["--cpus", "-1"], ["--cpus", "abc"], ["--cpu-quota", "10"], ["--cpu-period", "999"],
                     ["--cpu-period", "1000001"], ["--cpus", "0.5", "--cpu-quota", "20000"], ["--cpus", "nan"], []] {
            let r = try fx.corral(["update", "q2"] + args)
            XCTAssertNotEqual(r.code, 0, "update \(args) succeeded")
            XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertEqual(try quotaFiles("q2").quota, "50000", "after update \(args)")
        }
        XCTAssertNotEqual(try fx.corral(["update", "nosuch", "--cpus", "1"]).code, 0)

        // A period alone keeps the cores; when that would take the quota under the kernel's
        // least, the message says so in the user's terms, not with a quota they never gave.
        XCTAssertEqual(try fx.corral(["update", "q2", "--cpu-quota", "20000", "--cpu-period", "1000000"]).code, 0)
        let r = try fx.corral(["update", "q2", "--cpu-period", "1000"])
        XCTAssertEqual(r.stderr, "corral: error: --cpu-period 1000 would make the present 0.02-core quota 20 µs, "
                       + "below the kernel's 1000 µs: give --cpus or --cpu-quota too\n")
        XCTAssertEqual(try quotaFiles("q2").quota, "20000")
    }

    /// The kernel refuses the last of three limits (a memory limit under what the container
    /// holds in tmpfs, EBUSY): the CPU quota and pids limit written before it go back, so the
    /// kernel, `ps` and the next start agree (the container was throttled while every tool
    /// said it was unlimited).
    func testAnUpdateTheKernelRefusesHalfWayChangesNothing() throws {
        try fx.detached("q3", ["sh", "-c", "dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 2>/dev/null; echo held; sleep 1000"],
                        options: ["--memory", "128m"])
        XCTAssertTrue(fx.wait(timeout: 10) { ((try? fx.corral(["logs", "q3"]).stdout) ?? "").contains("held") })
        let pidsMax = fx.cgroupDir("pids", "q3") + "/pids.max"
        let memoryLimit = fx.cgroupDir("memory", "q3") + "/memory.limit_in_bytes"
        func read(_ path: String) -> String {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let memoryBefore = read(memoryLimit)
        let r = try fx.corral(["update", "q3", "--cpus", "0.5", "--pids-limit", "33", "--memory", "8m"])
        XCTAssertNotEqual(r.code, 0, "an 8 MiB limit under 40 MiB of tmpfs was taken")
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: ") && r.stderr.contains("memory"), r.stderr)
        XCTAssertEqual(try quotaFiles("q3").quota, "-1", "the CPU quota stayed written")
        XCTAssertEqual(read(pidsMax), "4096", "the pids limit stayed written")
        XCTAssertEqual(read(memoryLimit), memoryBefore)
        let ps = try XCTUnwrap(try fx.container("q3"))
        XCTAssertTrue(ps["cpus"] is NSNull)
    }

    func testBusyLoopIsHeldToItsQuotaAndFollowsUpdate() throws {
        try fx.detached("burn", burner, options: ["--cpus", "0.3"])
        usleep(300_000)
        let a = try stats("burn")
        let cpuA = try XCTUnwrap(a["cpuPercent"] as? Double)
        // The quota is a ceiling: on a busy shared machine the burner may get less, never much more.
        XCTAssertLessThan(cpuA, 36, "at --cpus 0.3: \(a)")
        XCTAssertGreaterThan(cpuA, 15, "at --cpus 0.3: \(a)")
        XCTAssertGreaterThan(try XCTUnwrap(a["throttledPercent"] as? Double), 50, "a busy loop at 0.3 cores is throttled most periods: \(a)")
        XCTAssertGreaterThan(try XCTUnwrap(a["throttledPeriods"] as? Int), 0)

        XCTAssertEqual(try fx.corral(["update", "burn", "--cpus", "0.6"]).code, 0)
        let b = try stats("burn")
        let cpuB = try XCTUnwrap(b["cpuPercent"] as? Double)
        XCTAssertLessThan(cpuB, 70, "after update --cpus 0.6: \(b)")
        XCTAssertGreaterThan(cpuB, cpuA * 1.4, "after update --cpus 0.6: \(b), before: \(a)")
        XCTAssertEqual(b["cpus"] as? Double, 0.6)
    }

    func testPauseStopsCPUAndResumeRestartsIt() throws {
        try fx.detached("pz", burner, options: ["--cpus", "0.5"])
        XCTAssertEqual(try fx.corral(["pause", "pz"]).code, 0)
        XCTAssertEqual(try fx.container("pz")?["state"] as? String, "paused")
        let frozen = try String(contentsOfFile: fx.cgroupDir("freezer", "pz") + "/freezer.state", encoding: .utf8)
        XCTAssertEqual(frozen.trimmingCharacters(in: .whitespacesAndNewlines), "FROZEN")
        let s = try stats("pz")
        XCTAssertLessThan(try XCTUnwrap(s["cpuPercent"] as? Double), 1.0, "paused yet using CPU: \(s)")
        XCTAssertNotEqual(try fx.corral(["pause", "pz"]).code, 0, "pausing twice should fail")

        XCTAssertEqual(try fx.corral(["resume", "pz"]).code, 0)
        XCTAssertEqual(try fx.container("pz")?["state"] as? String, "running")
        XCTAssertGreaterThan(try XCTUnwrap(try stats("pz")["cpuPercent"] as? Double), 20)
    }

    func testStatsJSONHasEveryField() throws {
        try fx.detached("st", ["sleep", "1000"])
        let s = try stats("st")
        for key in ["name", "cpuPercent", "throttledPercent", "usageNs", "periods", "throttledPeriods", "throttledTimeNs", "cpus"] {
            XCTAssertTrue(s.keys.contains(key), "missing \(key) in \(s)")
        }
    }
}
