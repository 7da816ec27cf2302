import Foundation
import SeededRandom
import XCTest

/// SIGKILL of the CLI, a supervisor or a container's pid 1 at random moments across many
/// run/stop/rm cycles. Afterwards every container is running and fully listed, or exited
/// and removable, and removing them all leaves nothing. CORRAL_STRESS=1 runs the long
/// version; CORRAL_FAULT_SEED repeats a run.
final class FaultKillTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    static var stress: Bool { ProcessInfo.processInfo.environment["CORRAL_STRESS"] == "1" }

    /// The live processes a "<pid> <starttime>" file of each container names: one whose pid
    /// number has been reused since (a foreground CLI long gone) is not ours to kill.
    func livePids(_ file: String) -> [pid_t] {
        fx.stateEntries().compactMap { name in
            guard let text = try? String(contentsOfFile: fx.stateRoot + "/" + name + "/" + file, encoding: .utf8) else { return nil }
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard fields.count >= 2, let pid = pid_t(fields[0]), pid > 0, Host.startTime(pid) == UInt64(fields[1]) else { return nil }
            return pid
        }
    }

    func supervisorPids() -> [pid_t] { livePids("supervisor") }
    func containerPids() -> [pid_t] { livePids("pid") }

    func testRandomKillsAcrossRunStopRmCycles() throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["CORRAL_FAULT_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1..<UInt64.max)
        var rng = SplitMix64(state: seed)
        let (maxCycles, budget): (Int, TimeInterval) = Self.stress ? (600, 900) : (200, 40)
        let names = ["k0", "k1", "k2", "k3"]
        let rootfs = CorralFixture.rootfs
        let context = "seed \(seed) (CORRAL_FAULT_SEED=\(seed) repeats it)"
        var killedCLIs = 0, killedSupervisors = 0, killedInits = 0, cycles = 0
        let started = Date()

        while cycles < maxCycles && Date().timeIntervalSince(started) < budget {
            cycles += 1
            let name = names.randomElement(using: &rng)!
            let args: [String]
            switch Int.random(in: 0..<11, using: &rng) {
            case 0, 1: args = ["run", "-d", "--name", name, "--rootfs", rootfs, "--", "sleep", "1000"]
            case 2: args = ["run", "-d", "--rm", "--name", name, "--rootfs", rootfs, "--", "sleep", "0.2"]
            case 3: args = ["run", "-d", "--name", name, "busybox", "--", "sleep", "1000"]
            case 4: args = ["stop", "--time", "1", name]
            case 5: args = ["rm", "-f", name]
            case 6: args = ["run", "--rm", "--name", name, "--rootfs", rootfs, "--", "sh", "-c", "sleep 0.1"]
            case 7: args = ["kill", name]
            case 8: args = ["pause", name]
            case 9: args = ["resume", name]
            default: args = ["update", "--cpus", "0.5", "--pids-limit", "99", name]
            }
            let cli = try fx.spawnCorral(args)
            if Bool.random(using: &rng) {
                usleep(UInt32.random(in: 0..<120_000, using: &rng))
                cli.kill()
                killedCLIs += 1
            }
            let out = cli.finish(timeout: 30)
            if !out.signaled && out.code != 0 && !out.stderr.isEmpty {
                XCTAssertTrue(out.stderr.hasPrefix("corral: error: "), "\(args): \(out.stderr) — \(context)")
            }
            if Int.random(in: 0..<6, using: &rng) == 0, let s = supervisorPids().randomElement(using: &rng) {
                kill(s, SIGKILL)
                killedSupervisors += 1
            }
            if Int.random(in: 0..<6, using: &rng) == 0, let p = containerPids().randomElement(using: &rng) {
                kill(p, SIGKILL)
                killedInits += 1
            }
            if cycles % 10 == 0 {
                let ps = try fx.corral(["ps", "-a", "--json"])
                XCTAssertEqual(ps.code, 0, "ps after cycle \(cycles): \(ps.stderr) — \(context)")
            }
        }
        print("fault cycles: \(cycles), CLIs killed \(killedCLIs), supervisors \(killedSupervisors), inits \(killedInits); \(context)")

        // Let the short-lived --rm containers end, and the clean-ups of --rm containers finish:
        // those running, and those about to (a supervisor whose container's exit is recorded
        // goes on to exec its `rm`). The checks below would race them.
        _ = fx.wait(timeout: 10) {
            let shortLivedRunning = ((try? fx.psJSON()) ?? []).contains {
                $0["state"] as? String == "running" && $0["command"] as? [String] == ["sleep", "0.2"]
            }
            return !shortLivedRunning && !supervisorStillFinishing() && !Host.processes(withStateRoot: fx.stateRoot).contains { pid in
                let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
                return cmdline.contains("\0rm\0")
            }
        }
        try assertEveryContainerIsWhole(context)
        for name in names {
            let r = try fx.corral(["run", "-d", "--name", name, "--rootfs", rootfs, "--", "true"])
            XCTAssertEqual(r.code, 0, "\(name) can't be created again: \(r.stderr) — \(context)")
            XCTAssertEqual(try fx.corral(["rm", "-f", name]).code, 0)
        }
        _ = try fx.psJSON()   // sweeps hidden leftovers, with nothing else holding the lock now
        let left = fx.waitForFootprint(CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: []))
        XCTAssertTrue(left.isEmpty, "left after removing everything: \(left) — \(context)")
    }

    /// The TUI killed while it samples and while quota keys are being pressed: every
    /// container still runs, and its kernel quota is the one its record shows.
    func testKilledTUILeavesEveryContainerWhole() throws {
        try fx.detached("t1", ["sleep", "1000"], options: ["--cpus", "0.5"])
        try fx.detached("t2", ["sleep", "1000"])
        let socket = "corral-test-\(fx.id)"
        let tmux = "/usr/bin/tmux"
        let command = ["env", "CORRAL_ROOT=\(fx.stateRoot)", "CORRAL_IMAGES=\(fx.imagesRoot)",
                       "CORRAL_CGROUP_PARENT=\(fx.cgroupParent)", "TERM=xterm-256color", fx.binary, "top", "--interval", "0.2"]
        let started = try Host.run(tmux, ["-L", socket, "new-session", "-d", "-x", "120", "-y", "40", command.joined(separator: " ")])
        XCTAssertEqual(started.code, 0, started.stderr)
        // A killed tmux server leaves its socket file behind: removed too.
        defer {
            _ = try? Host.run(tmux, ["-L", socket, "kill-server"])
            unlink("/tmp/tmux-\(getuid())/\(socket)")
        }
        var top: pid_t?
        XCTAssertTrue(fx.wait {
            top = Host.processes(withStateRoot: fx.stateRoot).first { pid in
                ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("\0top\0")
            }
            return top != nil
        }, "corral top did not start")
        usleep(600_000)
        var rng = SystemRandomNumberGenerator()
        for key in ["l", "l", "j", "h", "L", "k", "l"] {
            _ = try Host.run(tmux, ["-L", socket, "send-keys", key])
            usleep(UInt32.random(in: 0..<150_000, using: &rng))
        }
        kill(try XCTUnwrap(top), SIGKILL)
        XCTAssertTrue(fx.wait { kill(top!, 0) != 0 })

        for name in ["t1", "t2"] {
            let c = try XCTUnwrap(try fx.container(name))
            XCTAssertEqual(c["state"] as? String, "running", name)
            XCTAssertEqual(Int(fx.readKnob("cpu", name, "cpu.cfs_quota_us") ?? ""), c["cpuQuotaUs"] as? Int, "\(name): kernel and record differ")
        }
        _ = try? Host.run(tmux, ["-L", socket, "kill-server"])
        for name in ["t1", "t2"] { XCTAssertEqual(try fx.corral(["rm", "-f", name]).code, 0) }
        let left = fx.waitForFootprint(CorralFixture.Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: []))
        XCTAssertTrue(left.isEmpty, "left: \(left)")
    }

    /// A container's exit is recorded and its supervisor (whose last step may be the `--rm`
    /// removal) has not ended yet.
    func supervisorStillFinishing() -> Bool {
        fx.stateEntries().contains { name in
            let dir = fx.stateRoot + "/" + name
            guard FileManager.default.fileExists(atPath: dir + "/exit"),
                  let text = try? String(contentsOfFile: dir + "/supervisor", encoding: .utf8) else { return false }
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard fields.count >= 2, let pid = Int32(fields[0]), Host.startTime(pid) == UInt64(fields[1]) else { return false }
            return !Host.hasEnded(pid)
        }
    }

    /// Every state dir is a listed container; running ones have their pid in their cgroup,
    /// exited ones go with a plain `rm`; then `rm -f` of the rest leaves nothing.
    func assertEveryContainerIsWhole(_ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let listed = try fx.psJSON()
        let names = Set(listed.compactMap { $0["name"] as? String })
        // Hidden leftovers of killed creates and removals are swept by ps when the lock is
        // free; the footprint at the end shows any that stayed.
        XCTAssertEqual(Set(fx.stateEntries().filter { !$0.hasPrefix(".") }), names,
                       "state dirs that ps does not list (half-made containers) — \(context)", file: file, line: line)
        for c in listed {
            let name = c["name"] as? String ?? "?"
            switch c["state"] as? String {
            case "running", "paused":
                let pid = try XCTUnwrap(c["pid"] as? Int, "\(name) runs without a pid — \(context)", file: file, line: line)
                let procs = (try? String(contentsOfFile: fx.cgroupDir("cpu", name) + "/cgroup.procs", encoding: .utf8)) ?? ""
                XCTAssertTrue(procs.split(separator: "\n").contains(Substring(String(pid))),
                              "\(name) pid \(pid) is not in its cgroup (\(procs)) — \(context)", file: file, line: line)
                XCTAssertEqual(c["cgroup"] as? String, "/\(fx.cgroupParent)/\(name)", file: file, line: line)
            case "exited", "created":
                let r = try fx.corral(["rm", name])
                XCTAssertEqual(r.code, 0, "\(c["state"]!) \(name) is not removable: \(r.stderr) — \(context)", file: file, line: line)
            default:
                XCTFail("\(name) in state \(String(describing: c["state"])) — \(context)", file: file, line: line)
            }
        }
        for name in fx.stateEntries() where !name.hasPrefix(".") {
            let r = try fx.corral(["rm", "-f", name])
            XCTAssertEqual(r.code, 0, "rm -f \(name): \(r.stderr) — \(context)", file: file, line: line)
        }
    }
}
