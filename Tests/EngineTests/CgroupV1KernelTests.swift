import Foundation
import XCTest
@testable import Engine

/// The v1 driver against this machine's kernel, under a parent group of its own
/// ("corral-test-<pid>-<random>") that tearDown removes whatever happened.
final class CgroupV1KernelTests: XCTestCase {
    var driver: CgroupV1Driver!
    var parent = ""
    var spawned: [pid_t] = []

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("cgroup kernel tests need root") }
        guard let v1 = try CgroupDetector.detect() as? CgroupV1Driver else {
            throw XCTSkip("this machine's cpu controller is not on cgroup v1")
        }
        driver = v1
        parent = CgroupTestSupport.uniqueName()
    }

    override func tearDownWithError() throws {
        guard driver != nil else { return }
        for pid in spawned { kill(pid, SIGKILL) }
        for root in driver.hierarchies { CgroupTestSupport.purge(root + "/" + parent) }
        for pid in spawned { _ = CgroupTestSupport.wait(pid) }
        for root in driver.hierarchies {
            XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/" + parent), "leaked \(root)/\(parent)")
        }
    }

    func group(_ name: String) -> CgroupPath { CgroupPath(parent: parent, name: name) }

    func file(_ g: CgroupPath, _ controller: String, _ name: String) throws -> String {
        try driver.directory(g, controller: controller) + "/" + name
    }

    func value(_ g: CgroupPath, _ controller: String, _ name: String) throws -> String? {
        CgroupTestSupport.read(try file(g, controller, name))
    }

    /// A shell that moves itself into `g` in every hierarchy before it runs `script`, so even
    /// its first fork happens inside the group.
    func shellInside(_ g: CgroupPath, _ script: String, files: [String]? = nil) throws -> pid_t {
        let join = (files ?? driver.procsFiles(g)).map { "echo $$ > '\($0)'" }.joined(separator: " && ")
        // A line of its own: "join && a & b" would run the join in a background subshell.
        let pid = try CgroupTestSupport.shell(join + " || exit 99\n" + script)
        spawned.append(pid)
        return pid
    }

    func busyLoop(in g: CgroupPath) throws -> pid_t {
        let pid = try shellInside(g, "while :; do :; done")
        XCTAssertTrue(CgroupTestSupport.eventually { (try? self.driver.pids(g)) == [pid] }, "busy loop joined")
        return pid
    }

    func usage(_ g: CgroupPath) throws -> UInt64 { try driver.readCPU(g).usageNs }

    /// What a container's init does (cspawn_config.cgroup_join): a process of one thread writes
    /// "0" to each join file and is then in the group in every hierarchy, whole.
    func testAProcessEntersEveryHierarchyThroughTheJoinFiles() throws {
        let g = group("join")
        try driver.create(g)
        XCTAssertEqual(driver.joinFiles(g).map { ($0 as NSString).lastPathComponent }, Array(repeating: "tasks", count: driver.hierarchies.count))
        let writes = driver.joinFiles(g).map { "echo 0 > '\($0)'" }.joined(separator: " && ")
        let pid = try CgroupTestSupport.shell(writes + " || exit 99\nexec sleep 100")
        spawned.append(pid)
        for procs in driver.procsFiles(g) {
            XCTAssertTrue(CgroupTestSupport.eventually { CgroupTestSupport.read(procs) == "\(pid)" }, procs)
        }
    }

    func testCreateMakesTheGroupInEveryHierarchyOnce() throws {
        let g = group("web")
        XCTAssertFalse(driver.exists(g))
        try driver.create(g)
        XCTAssertTrue(driver.exists(g))
        XCTAssertEqual(driver.procsFiles(g).count, driver.hierarchies.count)
        for procs in driver.procsFiles(g) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: procs), procs)
        }
        XCTAssertEqual(try value(g, "cpu", "cpu.cfs_quota_us"), "-1")
        XCTAssertEqual(try driver.readCPUQuota(g), .unlimited)
        XCTAssertEqual(try driver.pids(g), [])
        XCTAssertThrowsError(try driver.create(g)) { err in
            guard case let .system(step, _, code) = err as? EngineError else { return XCTFail("got \(err)") }
            XCTAssertEqual(step, "mkdir")
            XCTAssertEqual(code, EEXIST)
        }
        let shown = driver.kernelFiles(g).map(\.path)
        XCTAssertTrue(shown.contains(try file(g, "cpu", "cpu.cfs_quota_us")))
        XCTAssertTrue(shown.contains(try file(g, "cpuacct", "cpuacct.usage")))
        XCTAssertTrue(shown.contains(try file(g, "freezer", "freezer.state")))
    }

    /// `--cpus` (and the TUI's quota) in cores: as docker, no more than the machine's CPUs, and
    /// the message for too little speaks of cores, not of the µs the user never gave.
    func testCoresAreBetweenTheKernelsLeastAndTheMachinesCPUs() throws {
        XCTAssertEqual(try CPUQuota.cores(2, online: 2), CPUQuota(quotaUs: 200_000))
        XCTAssertEqual(try CPUQuota.cores(0, online: 2), .unlimited)
        for (cores, period, words) in [(2.5, Int64(100_000), "2 CPUs"), (0.0001, 100_000, "least"), (0.5, 999, "period")] {
            XCTAssertThrowsError(try CPUQuota.cores(cores, periodUs: period, online: 2)) { err in
                guard case let .invalid(message) = err as? EngineError else { return XCTFail("got \(err)") }
                XCTAssertTrue(message.contains(words), message)
                XCTAssertFalse(message.contains("µs or -1"), message)
            }
        }
    }

    func testSetCPUWritesPeriodThenQuota() throws {
        let g = group("q")
        try driver.create(g)
        let writes = try driver.setCPU(g, CPUQuota.cores(0.3))
        XCTAssertEqual(writes, [
            KernelWrite(path: try file(g, "cpu", "cpu.cfs_period_us"), value: "100000"),
            KernelWrite(path: try file(g, "cpu", "cpu.cfs_quota_us"), value: "30000"),
        ])
        XCTAssertEqual(try value(g, "cpu", "cpu.cfs_quota_us"), "30000")
        XCTAssertEqual(try value(g, "cpu", "cpu.cfs_period_us"), "100000")
        XCTAssertEqual(try driver.readCPUQuota(g), CPUQuota(quotaUs: 30000))

        try driver.setCPU(g, CPUQuota(quotaUs: nil, periodUs: 50_000))
        XCTAssertEqual(try value(g, "cpu", "cpu.cfs_quota_us"), "-1")
        XCTAssertEqual(try value(g, "cpu", "cpu.cfs_period_us"), "50000")

        XCTAssertThrowsError(try driver.setCPU(g, CPUQuota(quotaUs: 999))) { err in
            guard case .invalid = err as? EngineError else { return XCTFail("got \(err)") }
        }
        XCTAssertThrowsError(try driver.setCPU(g, CPUQuota(quotaUs: 20000, periodUs: 999)))
        XCTAssertEqual(try value(g, "cpu", "cpu.cfs_period_us"), "50000", "refused before any write")
    }

    /// Under a parent capped at 0.5 core, a child at 40000/100000 moving to 4000/10000 (the same
    /// 0.4 core) can't take the new period first: 40000/10000 would be 4 cores. The kernel says
    /// EINVAL and the driver writes the quota first.
    func testSetCPUWritesQuotaFirstWhenTheKernelRefusesThePeriod() throws {
        let p = group("capped")
        let c = CgroupPath(parent: p.relative, name: "child")
        try driver.create(p)
        try driver.create(c)
        try driver.setCPU(p, CPUQuota(quotaUs: 50_000))
        try driver.setCPU(c, CPUQuota(quotaUs: 40_000))

        let writes = try driver.setCPU(c, CPUQuota(quotaUs: 4_000, periodUs: 10_000))
        XCTAssertEqual(writes, [
            KernelWrite(path: try file(c, "cpu", "cpu.cfs_quota_us"), value: "4000"),
            KernelWrite(path: try file(c, "cpu", "cpu.cfs_period_us"), value: "10000"),
        ])
        XCTAssertEqual(try driver.readCPUQuota(c), CPUQuota(quotaUs: 4_000, periodUs: 10_000))

        // More than the parent allows is refused in either order, and the error names the file.
        XCTAssertThrowsError(try driver.setCPU(c, CPUQuota(quotaUs: 60_000))) { err in
            XCTAssertEqual(err as? EngineError,
                           .system(step: "write", path: try! self.file(c, "cpu", "cpu.cfs_quota_us"), errno: EINVAL))
        }
        XCTAssertEqual(try value(c, "cpu", "cpu.cfs_quota_us"), "4000")
    }

    func testBusyLoopIsHeldNearItsQuota() throws {
        let g = group("busy")
        try driver.create(g)
        try driver.setCPU(g, CPUQuota.cores(0.2))
        let pid = try busyLoop(in: g)
        usleep(200_000)

        let sweep = CgroupSweep(driver: driver)
        let before = sweep.run([g])
        usleep(1_500_000)
        let after = sweep.run([g])
        XCTAssertEqual(after.failures.count, 0)
        let rate = try XCTUnwrap(after.rates(since: before)[g])
        print("busy loop under 0.2 core: cpu \(rate.cpuPercent)%, throttled \(rate.throttledPercent)% of \(rate.periods) periods")
        XCTAssertTrue((10.0...30.0).contains(rate.cpuPercent), "cpu \(rate.cpuPercent)% under a 0.2-core quota")
        XCTAssertGreaterThan(rate.throttledPercent, 50, "a busy loop runs out of quota in most periods")
        XCTAssertGreaterThan(rate.throttledTimeNs, 0)
        XCTAssertGreaterThan(rate.periods, 10)

        try driver.killAll(g, signal: SIGKILL)
        XCTAssertEqual(CgroupTestSupport.wait(pid).flatMap(CgroupTestSupport.termSignal), SIGKILL)
    }

    func testFreezeStopsTheCPUAndThawResumesIt() throws {
        let g = group("frost")
        try driver.create(g)
        try driver.setCPU(g, CPUQuota.cores(0.5))
        _ = try busyLoop(in: g)

        try driver.freeze(g)
        XCTAssertTrue(try driver.isFrozen(g))
        XCTAssertEqual(try value(g, "freezer", "freezer.state"), "FROZEN")
        let frozenStart = try usage(g)
        usleep(300_000)
        XCTAssertLessThan(try usage(g) - frozenStart, 2_000_000, "no CPU while frozen")

        try driver.thaw(g)
        XCTAssertFalse(try driver.isFrozen(g))
        let thawedStart = try usage(g)
        usleep(300_000)
        XCTAssertGreaterThan(try usage(g) - thawedStart, 20_000_000, "running again after thaw")
    }

    func testPidsLimitRefusesAFork() throws {
        let g = group("forks")
        try driver.create(g)
        let procs = [try file(g, "pids", "cgroup.procs")]
        let script = "/bin/true && exit 0"

        XCTAssertEqual(try driver.setPidsLimit(g, 1), [KernelWrite(path: try file(g, "pids", "pids.max"), value: "1")])
        XCTAssertEqual(try value(g, "pids", "pids.max"), "1")
        let refused = try shellInside(g, script, files: procs)
        let refusedStatus = try XCTUnwrap(CgroupTestSupport.wait(refused))
        XCTAssertNotEqual(CgroupTestSupport.exitCode(refusedStatus), 0, "fork must fail at pids.max 1")

        try driver.setPidsLimit(g, nil)
        XCTAssertEqual(try value(g, "pids", "pids.max"), "max")
        let allowed = try shellInside(g, script, files: procs)
        XCTAssertEqual(CgroupTestSupport.wait(allowed).flatMap(CgroupTestSupport.exitCode), 0)
    }

    func testMemoryLimitCoversSwapAndTheOOMKillerIsCounted() throws {
        let g = group("mem")
        try driver.create(g)
        let limit = try file(g, "memory", "memory.limit_in_bytes")
        let memsw = try file(g, "memory", "memory.memsw.limit_in_bytes")
        let hasSwapFile = FileManager.default.fileExists(atPath: memsw)

        let lowered = try driver.setMemoryLimit(g, 32 << 20)
        XCTAssertEqual(lowered.first, KernelWrite(path: limit, value: "33554432"), "lowering: limit first")
        XCTAssertEqual(CgroupTestSupport.read(limit), "33554432")
        if hasSwapFile {
            XCTAssertEqual(lowered.last, KernelWrite(path: memsw, value: "33554432"))
            XCTAssertEqual(CgroupTestSupport.read(memsw), "33554432")
            // Raising to unlimited: memsw must go first, or limit > memsw for a moment.
            let raised = try driver.setMemoryLimit(g, nil)
            XCTAssertEqual(raised, [KernelWrite(path: memsw, value: "-1"), KernelWrite(path: limit, value: "-1")])
            XCTAssertNotEqual(CgroupTestSupport.read(limit), "33554432")
            try driver.setMemoryLimit(g, 32 << 20)
        }

        XCTAssertEqual(try driver.oomKills(g), 0)
        let memProcs = [try file(g, "memory", "cgroup.procs")]
        let hog = try shellInside(g, "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}", files: memProcs)
        let status = try XCTUnwrap(CgroupTestSupport.wait(hog, timeout: 30))
        XCTAssertEqual(CgroupTestSupport.termSignal(status), SIGKILL, "the OOM killer ends the hog")
        XCTAssertGreaterThanOrEqual(try driver.oomKills(g), 1)
    }

    func testKillAllSignalsEveryProcessInTheGroup() throws {
        let g = group("family")
        try driver.create(g)
        let sh = try shellInside(g, "/bin/sleep 100 & /bin/sleep 100 & wait")
        XCTAssertTrue(CgroupTestSupport.eventually { (try? self.driver.pids(g).count) == 3 })

        try driver.killAll(g, signal: SIGTERM)
        XCTAssertEqual(CgroupTestSupport.wait(sh).flatMap(CgroupTestSupport.termSignal), SIGTERM)
        XCTAssertTrue(CgroupTestSupport.eventually { (try? self.driver.pids(g)) == [] }, "children got it too")
        XCTAssertFalse(try driver.isFrozen(g), "thawed after signalling")
    }

    func testKillAllOfAPausedGroupStillKills() throws {
        let g = group("paused")
        try driver.create(g)
        let sh = try shellInside(g, "/bin/sleep 100 & wait")
        XCTAssertTrue(CgroupTestSupport.eventually { (try? self.driver.pids(g).count) == 2 })
        try driver.freeze(g)

        try driver.killAll(g, signal: SIGKILL)
        XCTAssertEqual(CgroupTestSupport.wait(sh).flatMap(CgroupTestSupport.termSignal), SIGKILL)
        XCTAssertTrue(CgroupTestSupport.eventually { (try? self.driver.pids(g)) == [] })
    }

    func testRemoveLeavesNothingInAnyHierarchy() throws {
        let g = group("gone")
        try driver.create(g)
        try driver.create(CgroupPath(parent: g.relative, name: "inner"))
        try driver.remove(g)
        for root in driver.hierarchies {
            XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/" + g.relative), root)
        }
        XCTAssertFalse(driver.exists(g))
        try driver.remove(g)
    }

    func testRemoveWaitsThenRefusesWhileProcessesRemain() throws {
        let g = group("occupied")
        try driver.create(g)
        _ = try busyLoop(in: g)
        let started = Date()
        XCTAssertThrowsError(try driver.remove(g)) { err in
            guard case let .system(step, path, code) = err as? EngineError else { return XCTFail("got \(err)") }
            XCTAssertEqual(step, "rmdir")
            XCTAssertEqual(code, EBUSY)
            XCTAssertTrue(path.hasSuffix(g.relative))
        }
        let waited = Date().timeIntervalSince(started)
        XCTAssertTrue((0.9...3.0).contains(waited), "retried for about a second, took \(waited) s")
        XCTAssertTrue(driver.exists(g))

        // Right after SIGKILL the kernel may still hold the task for a moment: remove rides that out.
        try driver.killAll(g, signal: SIGKILL)
        try driver.remove(g)
        XCTAssertFalse(driver.exists(g))
    }
}
