import Engine
import Foundation
import XCTest

/// `corral top` lists containers through a ProcessWatch (pidfds instead of re-reading pid files
/// and /proc every refresh). What it reports must match the full check at every change a
/// person can make from another terminal while the TUI runs.
final class ProcessWatchTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func runtime() throws -> Runtime { try fx.runtime() }

    /// The watched listing next to a plain one, same moment: state and pid must agree.
    func assertWatchedAgrees(_ rt: Runtime, _ watch: ProcessWatch, _ name: String,
                             _ expected: ContainerState, file: StaticString = #filePath, line: UInt = #line) throws -> pid_t? {
        let watched = try rt.list(watch: watch).first { $0.name == name }
        let plain = try rt.list().first { $0.name == name }
        XCTAssertEqual(watched?.state, expected, "watched", file: file, line: line)
        XCTAssertEqual(plain?.state, expected, "plain", file: file, line: line)
        XCTAssertEqual(watched?.pid, plain?.pid, file: file, line: line)
        XCTAssertEqual(watched?.startTicks, plain?.startTicks, file: file, line: line)
        return watched?.pid
    }

    /// This test process's open pidfds (the fixture's pipes and Dispatch come and go meanwhile).
    func openPidfds() -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == "anon_inode:[pidfd]" }.count
    }

    func testWatchedListingFollowsPauseStopRestartAndRemoval() throws {
        let rt = try runtime()
        let watch = ProcessWatch()
                try fx.detached("w", ["/bin/sleep", "1000"])
        let first = try assertWatchedAgrees(rt, watch, "w", .running)
        XCTAssertNotNil(first)
        // The second listing is the one answered from the pidfd alone.
        XCTAssertEqual(try assertWatchedAgrees(rt, watch, "w", .running), first)
        XCTAssertEqual(openPidfds(), 1, "one pidfd for the running container")

        XCTAssertEqual(try fx.corral(["pause", "w"]).code, 0)
        _ = try assertWatchedAgrees(rt, watch, "w", .paused)
        XCTAssertEqual(try fx.corral(["resume", "w"]).code, 0)
        _ = try assertWatchedAgrees(rt, watch, "w", .running)

        XCTAssertEqual(try fx.corral(["kill", "w"]).code, 0)
        XCTAssertTrue(try fx.wait { try rt.list(watch: watch).first { $0.name == "w" }?.state == .exited })
        _ = try assertWatchedAgrees(rt, watch, "w", .exited)
        XCTAssertEqual(openPidfds(), 0, "the pidfd of an ended container is closed")

        XCTAssertEqual(try fx.corral(["start", "w"]).code, 0)
        let second = try assertWatchedAgrees(rt, watch, "w", .running)
        XCTAssertNotNil(second)
        XCTAssertNotEqual(second, first, "a restarted container has a new pid 1")

        // Removed and made again under the same name between two refreshes.
        XCTAssertEqual(try fx.corral(["rm", "-f", "w"]).code, 0)
        try fx.detached("w", ["/bin/sleep", "1000"])
        let third = try assertWatchedAgrees(rt, watch, "w", .running)
        XCTAssertNotEqual(third, second)

        XCTAssertEqual(try fx.corral(["rm", "-f", "w"]).code, 0)
        XCTAssertEqual(try rt.list(watch: watch).map(\.name), [])
        XCTAssertEqual(openPidfds(), 0, "nothing kept for a removed container")
    }

    /// A supervisor killed with SIGKILL takes its container along (PDEATHSIG) and writes no exit
    /// file: the watched listing must still say exited, as the full check does.
    func testWatchedListingSeesALostSupervisor() throws {
        let rt = try runtime()
        let watch = ProcessWatch()
        try fx.detached("lost", ["/bin/sleep", "1000"])
        _ = try assertWatchedAgrees(rt, watch, "lost", .running)
        let supervisor = try String(contentsOfFile: fx.stateRoot + "/lost/supervisor", encoding: .utf8)
        let pid = try XCTUnwrap(Int32(supervisor.split(whereSeparator: { $0 == " " || $0 == "\n" }).first ?? ""))
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        XCTAssertTrue(try fx.wait { try rt.list(watch: watch).first { $0.name == "lost" }?.state == .exited })
        let st = try XCTUnwrap(try rt.list(watch: watch).first { $0.name == "lost" })
        XCTAssertEqual(st.exitReason, "supervisor lost")
    }

    /// `corral top` on two cores hands half of each refresh to a SweepWorker. The split listing
    /// and CPU sample must be the serial ones, container by container, including paused and
    /// exited ones, and the worker's reads must go through the caller's kept-open files.
    func testSplitRefreshAgreesWithASerialOne() throws {
        guard let worker = SweepWorker.ifUseful() else { throw XCTSkip("needs two cores") }
        let rt = try runtime()
        let count = SweepWorker.minimumSplit + 12
        for i in 0..<count {
            var spec = ContainerSpec()
            spec.name = String(format: "split-%02d", i)
            spec.rootfs = CorralFixture.rootfs
            spec.command = ["/bin/sleep", "1000"]
            spec.detached = true
            try rt.startDetached(try rt.create(spec))
        }
        for name in ["split-03", "split-40"] { try rt.pause(name) }
        for name in ["split-07", "split-51"] { try rt.kill(name, signal: SIGKILL) }
        XCTAssertTrue(fx.wait { ((try? rt.list()) ?? []).filter { $0.state == .exited }.count == 2 })

        let watch = ProcessWatch()
        let knobs = KnobFiles()
        for round in 0..<3 {  // the first round fills the watch, the next ones answer from it
            let (split, splitCPU) = try knobs.reading { () throws -> ([ContainerStatus], [String: CPUSample]) in
                let all = try rt.list(watch: watch, worker: worker)
                return (all, rt.sampleCPU(all, worker: worker))
            }
            let serial = try rt.list()
            XCTAssertEqual(split.map(\.name), serial.map(\.name), "round \(round)")
            XCTAssertEqual(split.map(\.state), serial.map(\.state), "round \(round)")
            XCTAssertEqual(split.map(\.pid), serial.map(\.pid), "round \(round)")
            let live = Set(serial.filter { $0.state == .running || $0.state == .paused }.map(\.name))
            XCTAssertEqual(Set(splitCPU.keys), live, "round \(round)")
            XCTAssertEqual(live.count, count - 2)
        }
        XCTAssertEqual(try rt.list().filter { $0.state == .paused }.map(\.name), ["split-03", "split-40"])
        // Every live container's three knob files stay open between refreshes, whichever
        // thread read them: a refresh after the removal of all of them closes every one.
        let knobFds = { () -> Int in
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0))?.hasPrefix("/sys/fs/cgroup/") == true }.count
        }
        // freezer.state, cpuacct.usage and cpu.stat of each live one, and the OOM counter of
        // the two SIGKILLed ones (was it the OOM killer?).
        XCTAssertEqual(knobFds(), 3 * (count - 2) + 2)
        for c in try rt.list() { try rt.remove(c.name, force: true) }
        try knobs.reading { _ = try rt.list(watch: watch, worker: worker) }
        XCTAssertEqual(knobFds(), 0)
    }

    /// A supervisor started through the Engine is this process's child: once its container has
    /// ended, the next listing collects it, so a long-running caller (the TUI) keeps no zombies.
    func testEndedSupervisorsAreCollectedByTheNextListing() throws {
        let rt = try runtime()
        var spec = ContainerSpec()
        spec.name = "reaped"
        spec.rootfs = CorralFixture.rootfs
        spec.command = ["/bin/sleep", "1000"]
        spec.detached = true
        try rt.startDetached(try rt.create(spec))
        let line = try String(contentsOfFile: fx.stateRoot + "/reaped/supervisor", encoding: .utf8)
        let supervisor = try XCTUnwrap(Int32(line.split(separator: " ").first ?? ""))
        // Our child, looked at without collecting it: still in /proc with us as its parent.
        func isOurChild() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(supervisor)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == getpid()
        }
        XCTAssertTrue(isOurChild())
        try rt.kill("reaped", signal: SIGKILL)
        XCTAssertTrue(fx.wait { (try? rt.list().first { $0.name == "reaped" }?.state) == .exited })
        // Its exit is recorded, so the supervisor is done or about to be: listings collect it.
        XCTAssertTrue(fx.wait { _ = try? rt.list(); return !isOurChild() }, "the supervisor stays an uncollected child")
    }
}
