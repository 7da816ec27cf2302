import Foundation
import XCTest

/// Eight CLIs at once on the same names: one winner per name, a clear error for every other,
/// and the state, the kernel and the process table agreeing afterwards.
final class FaultRaceTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    /// Starts every command before waiting for any.
    func race(_ commands: [[String]]) throws -> [Host.Output] {
        let running = try commands.map { try fx.spawnCorral($0) }
        return running.map { $0.finish(timeout: 60) }
    }

    func assertClearError(_ r: Host.Output, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), "\(what): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(what): \(r.stderr)", file: file, line: line)
    }

    /// What the kernel, the state root and ps say about `name` agrees.
    func assertConsistent(_ name: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = try fx.container(name)
        let hasDir = FileManager.default.fileExists(atPath: fx.stateRoot + "/" + name)
        let cgroups = ["cpu", "cpuacct", "freezer", "pids", "memory"].filter {
            FileManager.default.fileExists(atPath: fx.cgroupDir($0, name))
        }
        guard let c else {
            XCTAssertFalse(hasDir, "\(context): state dir of unlisted \(name)", file: file, line: line)
            XCTAssertEqual(cgroups, [], "\(context): cgroups of unlisted \(name)", file: file, line: line)
            return
        }
        XCTAssertTrue(hasDir, file: file, line: line)
        guard c["state"] as? String == "running" else { return }
        XCTAssertEqual(cgroups.count, 5, "\(context): \(name) runs with cgroups in \(cgroups) only", file: file, line: line)
        let pid = try XCTUnwrap(c["pid"] as? Int, file: file, line: line)
        let procs = fx.readKnob("cpu", name, "cgroup.procs") ?? ""
        XCTAssertTrue(procs.split(separator: "\n").contains(Substring(String(pid))), "\(context): pid \(pid) not in \(procs)", file: file, line: line)
        let quota = Int(fx.readKnob("cpu", name, "cpu.cfs_quota_us") ?? "")
        XCTAssertEqual(quota, c["cpuQuotaUs"] as? Int, "\(context): kernel quota and record differ", file: file, line: line)
    }

    func testEightCLIsCreateUpdateAndRemoveTheSameNames() throws {
        let names = ["r0", "r1", "r2"]
        let rootfs = CorralFixture.rootfs
        var creates: [[String]] = []
        for i in 0..<8 {
            for name in names {
                creates.append(["run", "-d", "--name", name, "--rootfs", rootfs, "--cpus", "0.\(i + 1)", "--", "sleep", "1000"])
            }
        }
        let created = try race(creates)
        for name in names {
            let results = zip(creates, created).filter { $0.0[3] == name }.map(\.1)
            XCTAssertEqual(results.filter { $0.code == 0 }.count, 1, "winners for \(name): \(results.map(\.stderr))")
            for r in results where r.code != 0 {
                assertClearError(r, "losing create of \(name)")
                XCTAssertTrue(r.stderr.contains("already exists"), r.stderr)
            }
            try assertConsistent(name, "after the create race")
        }
        XCTAssertEqual(Set(try fx.psJSON().compactMap { $0["name"] as? String }), Set(names))
        for name in names {
            XCTAssertEqual(fx.readKnob("cpu", name, "cgroup.procs")?.split(separator: "\n").count, 1, "\(name) holds one process")
        }

        // Updates queue behind each other; the last one written is the one recorded.
        var updates: [[String]] = []
        for i in 0..<8 { for name in names { updates.append(["update", "--cpus", "0.\(i + 1)", "--pids-limit", "\(100 + i)", name]) } }
        for (args, r) in zip(updates, try race(updates)) {
            XCTAssertEqual(r.code, 0, "\(args): \(r.stderr)")
        }
        for name in names {
            try assertConsistent(name, "after the update race")
            XCTAssertEqual(Int(fx.readKnob("pids", name, "pids.max") ?? ""), try fx.container(name)?["pidsLimit"] as? Int)
        }

        // Everything at once on one name, a few rounds (many with CORRAL_STRESS=1).
        var rng = SystemRandomNumberGenerator()
        for round in 0..<(ProcessInfo.processInfo.environment["CORRAL_STRESS"] == "1" ? 60 : 4) {
            let mixed: [[String]] = (0..<8).map { i in
                switch Int.random(in: 0..<5, using: &rng) {
                case 0, 1: return ["run", "-d", "--name", "r0", "--rootfs", rootfs, "--cpus", "0.\(i + 1)", "--", "sleep", "1000"]
                case 2: return ["rm", "-f", "r0"]
                case 3: return ["update", "--cpus", "0.\(i + 1)", "r0"]
                default: return ["stop", "--time", "0", "r0"]
                }
            }
            for (args, r) in zip(mixed, try race(mixed)) where r.code != 0 {
                assertClearError(r, "round \(round): \(args)")
            }
            try assertConsistent("r0", "after mixed round \(round)")
        }

        // Eight removals of each: one succeeds, the rest say there is no such container.
        let existing = Set(try fx.psJSON().compactMap { $0["name"] as? String })
        var removals: [[String]] = []
        for _ in 0..<8 { for name in names { removals.append(["rm", "-f", name]) } }
        let removed = try race(removals)
        for name in names {
            let results = zip(removals, removed).filter { $0.0[2] == name }.map(\.1)
            let present = results.filter { $0.code == 0 }.count
            XCTAssertEqual(present, existing.contains(name) ? 1 : 0, "\(name) removed \(present) times")
            for r in results where r.code != 0 { assertClearError(r, "losing rm of \(name)") }
        }
        let left = fx.waitForFootprint(CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: []))
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }
}
