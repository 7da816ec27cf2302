import Foundation
import XCTest
@testable import Engine

/// The v2 driver against a fake cgroupfs in a temp dir. The test plays the kernel: it makes the
/// files the kernel would make, and the driver must work with nothing more than that.
final class CgroupV2DriverTests: XCTestCase {
    var root = ""
    var driver: CgroupV2Driver!
    var spawned: [pid_t] = []

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + CgroupTestSupport.uniqueName() + "/cgroup"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try put("cgroup.controllers", "cpuset cpu io memory pids\n")
        try put("cgroup.subtree_control", "")
        driver = CgroupV2Driver(root: root + "/")
    }

    override func tearDownWithError() throws {
        for pid in spawned {
            kill(pid, SIGKILL)
            _ = CgroupTestSupport.wait(pid)
        }
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }

    func put(_ relative: String, _ text: String) throws {
        try text.write(toFile: root + "/" + relative, atomically: false, encoding: .utf8)
    }

    func get(_ relative: String) -> String? { CgroupTestSupport.read(root + "/" + relative) }

    /// What the kernel shows in a new child of a parent that enabled cpu, pids and memory.
    func makeKernelFiles(_ group: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/" + group, withIntermediateDirectories: true)
        let files = [
            "cgroup.controllers": "cpu memory pids\n", "cgroup.subtree_control": "",
            "cgroup.procs": "", "cgroup.freeze": "0\n", "cgroup.events": "populated 0\nfrozen 0\n",
            "cgroup.kill": "", "cpu.max": "max 100000\n", "pids.max": "max\n", "memory.max": "max\n",
            "memory.swap.max": "max\n", "memory.current": "0\n",
            "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
            "cpu.stat": "usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
        ]
        for (name, text) in files { try put(group + "/" + name, text) }
    }

    /// cgroupfs regenerates a file on every read; a plain file keeps old bytes past a shorter
    /// write. Emptying it first makes the fake read back exactly what was written.
    func blank(_ relative: String) throws { try put(relative, "") }

    func testCreateEnablesControllersInEveryAncestorFromTheRootDown() throws {
        try makeKernelFiles("corral")
        try put("corral/cgroup.subtree_control", "cpu\n")
        try driver.create(CgroupPath("corral/web"))

        XCTAssertEqual(get("cgroup.subtree_control"), "+cpu +pids +memory")
        XCTAssertEqual(get("corral/cgroup.subtree_control"), "+pids +memory",
                       "only the controllers not yet enabled are written")
        XCTAssertTrue(driver.exists(CgroupPath("corral/web")))
        XCTAssertEqual(driver.procsFiles(CgroupPath("corral/web")), [root + "/corral/web/cgroup.procs"])
        XCTAssertEqual(driver.joinFiles(CgroupPath("corral/web")), [root + "/corral/web/cgroup.procs"])

        XCTAssertThrowsError(try driver.create(CgroupPath("corral/web"))) { err in
            XCTAssertEqual(err as? EngineError, .system(step: "mkdir", path: root + "/corral/web", errno: EEXIST))
        }
    }

    func testCreateEnablesOnlyWhatTheParentOffers() throws {
        try put("cgroup.controllers", "cpu memory\n")
        try driver.create(CgroupPath("solo"))
        XCTAssertEqual(get("cgroup.subtree_control"), "+cpu +memory")
    }

    func testCreateNeedsTheKernelsFilesInANewAncestor() throws {
        // The kernel fills a new directory with cgroup.controllers; an empty directory is not a cgroup.
        XCTAssertThrowsError(try driver.create(CgroupPath("a/b"))) { err in
            XCTAssertEqual(err as? EngineError, .system(step: "open", path: root + "/a/cgroup.controllers", errno: ENOENT))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/a"), "a failed create leaves nothing")
        XCTAssertThrowsError(try driver.create(CgroupPath("ok/../../escape")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/ok"))
        XCTAssertThrowsError(try driver.create(CgroupPath("../escape"))) { err in
            guard case .invalid = err as? EngineError else { return XCTFail("got \(err)") }
        }
    }

    func testSetCPUWritesCpuMaxAndReadsItBack() throws {
        try makeKernelFiles("web")
        let g = CgroupPath("web")
        XCTAssertEqual(try driver.readCPUQuota(g), .unlimited)

        try blank("web/cpu.max")
        let writes = try driver.setCPU(g, CPUQuota.cores(0.5))
        XCTAssertEqual(writes, [KernelWrite(path: root + "/web/cpu.max", value: "50000 100000")])
        XCTAssertEqual(writes.first?.fileName, "cpu.max")
        XCTAssertEqual(get("web/cpu.max"), "50000 100000")
        XCTAssertEqual(try driver.readCPUQuota(g), CPUQuota(quotaUs: 50000, periodUs: 100_000))

        try blank("web/cpu.max")
        try driver.setCPU(g, CPUQuota(quotaUs: nil, periodUs: 20_000))
        XCTAssertEqual(get("web/cpu.max"), "max 20000")

        XCTAssertThrowsError(try driver.setCPU(g, CPUQuota(quotaUs: 500))) { err in
            guard case .invalid = err as? EngineError else { return XCTFail("got \(err)") }
        }
        XCTAssertThrowsError(try driver.setCPU(g, CPUQuota(quotaUs: 5000, periodUs: 2_000_000)))
        XCTAssertEqual(get("web/cpu.max"), "max 20000", "a refused value writes nothing")
    }

    func testCpuMaxParsing() {
        XCTAssertEqual(V2CPU.parseMax("max 100000"), CPUQuota(quotaUs: nil, periodUs: 100_000))
        XCTAssertEqual(V2CPU.parseMax("25000 50000"), CPUQuota(quotaUs: 25000, periodUs: 50000))
        XCTAssertNil(V2CPU.parseMax("max"))
        XCTAssertNil(V2CPU.parseMax("-1 100000"))
        XCTAssertNil(V2CPU.parseMax(""))
    }

    func testReadCPUConvertsMicrosecondsToNanoseconds() throws {
        try makeKernelFiles("web")
        try put("web/cpu.stat", """
            usage_usec 1234567
            user_usec 1000000
            system_usec 234567
            core_sched.force_idle_usec 0
            nr_periods 40
            nr_throttled 10
            throttled_usec 250000
            nr_bursts 0
            burst_usec 0

            """)
        let c = try driver.readCPU(CgroupPath("web"))
        XCTAssertEqual(c, CPUCounters(usageNs: 1_234_567_000, periods: 40, throttledPeriods: 10,
                                      throttledTimeNs: 250_000_000))
        XCTAssertThrowsError(try driver.readCPU(CgroupPath("gone")))
    }

    func testFreezeWritesOneAndWaitsForFrozenInEvents() throws {
        try makeKernelFiles("web")
        let g = CgroupPath("web")
        XCTAssertFalse(try driver.isFrozen(g))

        // A kernel that never reports "frozen 1": freeze gives up, thaws, and says so.
        let started = Date()
        XCTAssertThrowsError(try driver.freeze(g)) { err in
            XCTAssertEqual(err as? EngineError,
                           .system(step: "freeze", path: root + "/web/cgroup.events", errno: ETIMEDOUT))
        }
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 1.5)
        XCTAssertEqual(get("web/cgroup.freeze"), "0")

        try put("web/cgroup.events", "populated 1\nfrozen 1\n")
        try driver.freeze(g)
        XCTAssertEqual(get("web/cgroup.freeze"), "1")
        XCTAssertTrue(try driver.isFrozen(g))

        try driver.thaw(g)
        XCTAssertEqual(get("web/cgroup.freeze"), "0")
    }

    func testPidsAndMemoryLimits() throws {
        try makeKernelFiles("web")
        let g = CgroupPath("web")
        try blank("web/pids.max")
        XCTAssertEqual(try driver.setPidsLimit(g, 64), [KernelWrite(path: root + "/web/pids.max", value: "64")])
        XCTAssertEqual(get("web/pids.max"), "64")
        try blank("web/pids.max")
        try driver.setPidsLimit(g, nil)
        XCTAssertEqual(get("web/pids.max"), "max")
        XCTAssertThrowsError(try driver.setPidsLimit(g, -1))

        try blank("web/memory.max"); try blank("web/memory.swap.max")
        XCTAssertEqual(try driver.setMemoryLimit(g, 64 << 20), [
            KernelWrite(path: root + "/web/memory.max", value: "67108864"),
            KernelWrite(path: root + "/web/memory.swap.max", value: "0"),
        ])
        XCTAssertEqual(get("web/memory.max"), "67108864")
        XCTAssertEqual(get("web/memory.swap.max"), "0")
        try blank("web/memory.max"); try blank("web/memory.swap.max")
        try driver.setMemoryLimit(g, nil)
        XCTAssertEqual(get("web/memory.max"), "max")
        XCTAssertEqual(get("web/memory.swap.max"), "max")

        try FileManager.default.removeItem(atPath: root + "/web/memory.swap.max")
        XCTAssertEqual(try driver.setMemoryLimit(g, 4096).count, 1, "no swap file without swap accounting")

        XCTAssertEqual(try driver.oomKills(g), 0)
        try put("web/memory.events", "low 0\nhigh 0\nmax 7\noom 3\noom_kill 2\noom_group_kill 0\n")
        XCTAssertEqual(try driver.oomKills(g), 2)
    }

    func testKillAllUsesCgroupKillForSIGKILL() throws {
        try makeKernelFiles("web")
        try driver.killAll(CgroupPath("web"), signal: SIGKILL)
        XCTAssertEqual(get("web/cgroup.kill"), "1")
        XCTAssertThrowsError(try driver.killAll(CgroupPath("missing"), signal: SIGKILL))
    }

    /// A paused group gets other signals without being thawed: it stays paused.
    func testKillAllOfAPausedGroupSignalsEachPidAndLeavesItPaused() throws {
        try makeKernelFiles("web")
        let pid = try CgroupTestSupport.spawn(["/bin/sleep", "100"])
        spawned.append(pid)
        try put("web/cgroup.procs", "\(pid)\n")
        try put("web/cgroup.events", "populated 1\nfrozen 1\n")
        try blank("web/cgroup.freeze")

        try driver.killAll(CgroupPath("web"), signal: SIGTERM)
        XCTAssertEqual(CgroupTestSupport.wait(pid).flatMap(CgroupTestSupport.termSignal), SIGTERM)
        XCTAssertEqual(get("web/cgroup.freeze"), "", "neither frozen again nor thawed")
        XCTAssertEqual(try driver.pids(CgroupPath("web")), [pid])
    }

    /// Before Linux 5.14 there is no cgroup.kill; a paused group is thawed so SIGKILL lands.
    func testWithoutCgroupKillSIGKILLGoesToEachPidAndThaws() throws {
        try makeKernelFiles("web")
        try FileManager.default.removeItem(atPath: root + "/web/cgroup.kill")
        let pid = try CgroupTestSupport.spawn(["/bin/sleep", "100"])
        spawned.append(pid)
        try put("web/cgroup.procs", "\(pid)\n")
        try put("web/cgroup.events", "populated 1\nfrozen 1\n")
        try put("web/cgroup.freeze", "1\n")
        try driver.killAll(CgroupPath("web"), signal: SIGKILL)
        XCTAssertEqual(CgroupTestSupport.wait(pid).flatMap(CgroupTestSupport.termSignal), SIGKILL)
        XCTAssertEqual(get("web/cgroup.freeze"), "0")
    }

    func testRemoveTakesChildrenFirstAndMissingIsFine() throws {
        // rmdir is the only call the driver makes; in cgroupfs the kernel's files go with the
        // directory, in this fake there are none left to go.
        for dir in ["web", "web/inner", "web/inner/deeper", "web/other"] {
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
        try driver.remove(CgroupPath("web"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/web"))
        XCTAssertFalse(driver.exists(CgroupPath("web")))
        try driver.remove(CgroupPath("web"))

        // Never the root itself, never above it.
        for bad in ["", "/", "web/..", "../x"] {
            XCTAssertThrowsError(try driver.remove(CgroupPath(bad)), bad) { err in
                guard case .invalid = err as? EngineError else { return XCTFail("got \(err)") }
            }
            XCTAssertThrowsError(try driver.killAll(CgroupPath(bad), signal: SIGKILL), bad)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/cgroup.controllers"))

        try makeKernelFiles("busy")
        XCTAssertThrowsError(try driver.remove(CgroupPath("busy"))) { err in
            XCTAssertEqual(err as? EngineError, .system(step: "rmdir", path: root + "/busy", errno: ENOTEMPTY))
        }
    }

    func testKernelFilesShowsWhatExistsTrimmed() throws {
        try makeKernelFiles("web")
        try FileManager.default.removeItem(atPath: root + "/web/memory.swap.max")
        let files = driver.kernelFiles(CgroupPath("web"))
        let byName = Dictionary(uniqueKeysWithValues: files.map { ($0.path.split(separator: "/").last.map(String.init)!, $0.value) })
        XCTAssertEqual(byName["cpu.max"], "max 100000")
        XCTAssertEqual(byName["cgroup.freeze"], "0")
        XCTAssertEqual(byName["memory.events"]?.contains("oom_kill 0"), true)
        XCTAssertNil(byName["memory.swap.max"])
        XCTAssertEqual(files.first?.path, root + "/web/cpu.max")
        XCTAssertEqual(driver.kernelFiles(CgroupPath("missing")), [])
    }
}
