import Foundation
import XCTest

/// corral itself can't make a thread or a process: the pids cgroup it was started in is full.
/// Every way a start can be refused by the kernel there — the thread that makes the record and
/// cgroups, the supervisor's fork, the container's clone — ends in one line and leaves nothing.
final class FaultTaskLimitTests: XCTestCase {
    var fx: CorralFixture!
    /// A pids cgroup beside the fixture's parent, not under it: what is left under the parent
    /// is what corral left.
    var limit = ""

    override func setUpWithError() throws {
        fx = try CorralFixture()
        guard FileManager.default.fileExists(atPath: "/sys/fs/cgroup/pids/cgroup.procs") else {
            throw XCTSkip("needs the cgroup v1 pids hierarchy at /sys/fs/cgroup/pids")
        }
        limit = "/sys/fs/cgroup/pids/\(fx.cgroupParent)-limit"
        XCTAssertEqual(mkdir(limit, 0o755), 0, "mkdir \(limit): errno \(errno)")
    }

    override func tearDown() {
        if !limit.isEmpty {
            let procs = (try? String(contentsOfFile: limit + "/cgroup.procs", encoding: .utf8)) ?? ""
            for p in procs.split(separator: "\n").compactMap({ Int32($0) }) { kill(p, SIGKILL) }
            for _ in 0..<100 where rmdir(limit) != 0 && errno == EBUSY { usleep(10_000) }
        }
        fx?.tearDown()
    }

    /// `corral ARGS` started inside `limit` with room for `tasks` tasks in all.
    func corralLimited(to tasks: Int, _ args: [String]) throws -> CorralFixture.Result {
        try "\(tasks)\n".write(toFile: limit + "/pids.max", atomically: false, encoding: .utf8)
        let enter = #"echo $$ > "$0/cgroup.procs" && exec "$@""#
        return try fx.corral(args, launcher: ["/bin/sh", "-c", enter, limit])
    }

    func testAStartThatCannotMakeItsThreadOrProcessesFailsInOneLineAndLeavesNothing() throws {
        let empty = CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: [])
        // The first thing each start makes: the thread that makes the record and cgroups while
        // the container is cloned, or the supervisor.
        let runs: [(String, [String], String)] = [
            ("foreground", ["run", "--rm", "--name", "limited"], "pthread_create"),
            ("detached", ["run", "-d", "--name", "limited"], "fork"),
        ]
        for (label, run, firstStep) in runs {
            var refusedBy: [String] = []
            var started = false
            // Room for one more task at a time until the start goes through. How many a start
            // needs moves with the threads that happen to be alive (the build, the namespace
            // thread's timing); with room for none the first thing each makes is refused.
            for tasks in 1...16 where !started {
                let r = try corralLimited(to: tasks, run + ["--rootfs", CorralFixture.rootfs, "--", "sh", "-c", "echo ok"])
                let what = "\(label) run with room for \(tasks) tasks"
                if r.code == 0 {
                    started = true
                    if label == "foreground" { XCTAssertEqual(r.stdout, "ok\n", what) }
                    if label == "detached" { XCTAssertEqual(try fx.corral(["rm", "-f", "limited"]).code, 0, what) }
                } else {
                    XCTAssertEqual(r.code, 125, "\(what): \(r.stderr)")
                    XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(what): \(r.stderr)")
                    let step = ["pthread_create", "fork", "clone"].first { r.stderr.hasPrefix("corral: error: \($0): ") }
                    XCTAssertNotNil(step, "\(what): \(r.stderr)")
                    XCTAssertTrue(r.stderr.contains("Resource temporarily unavailable"), "\(what): \(r.stderr)")
                    refusedBy.append(step ?? r.stderr)
                }
                let left = fx.waitForFootprint(empty)
                XCTAssertTrue(left.isEmpty, "\(what) left \(left)")
                // Zombies too, at once: the parent of what a failed start leaves unreaped may be
                // a subreaper that is slow to reap or never does (a test runner).
                let current = { (try? String(contentsOfFile: self.limit + "/pids.current", encoding: .utf8)) ?? "" }
                if r.code != 0 { XCTAssertEqual(current(), "0\n", "\(what) left tasks in its cgroup") }
                XCTAssertTrue(fx.wait { current() == "0\n" }, "\(what) left tasks in its cgroup: \(current())")
                XCTAssertEqual(try fx.psJSON().count, 0, what)
            }
            XCTAssertTrue(started, "\(label): no room was enough to start (refused by \(refusedBy))")
            XCTAssertEqual(refusedBy.first, firstStep, "\(label): refused by \(refusedBy)")
        }
    }
}
