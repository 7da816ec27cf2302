import Foundation
import XCTest

/// Root inside a default container tries the known ways out, each a small static program
/// from Tests/hostile run through the real CLI; the test checks its report and the host.
final class HostileEscapeTests: XCTestCase {
    var fx: CorralFixture!
    var rootfs = ""

    override func setUpWithError() throws {
        fx = try CorralFixture()
        rootfs = try fx.hostileRootfs()
    }

    override func tearDown() { fx?.tearDown() }

    var base: String { "/tmp/corral-test-\(fx.id)" }

    /// The host's mount points, without the ones corral tests (this one and others running
    /// at the same time) make and remove under their own directories.
    func hostMounts() -> [String] {
        (Host.kernelText("/proc/self/mountinfo") ?? "").split(separator: "\n")
            .compactMap { line in
                let f = line.split(separator: " ")
                return f.count > 4 && !f[4].contains("corral") ? String(f[4]) : nil
            }.sorted()
    }

    func run(_ cmd: [String], options: [String] = [], extraFds: [Int32: Int32] = [:]) throws -> Host.Output {
        try fx.corralRaw(["run", "--rm", "--rootfs", rootfs] + options + ["--"] + cmd, extraFds: extraFds)
    }

    func testChrootEscapeReachesNoHostPath() throws {
        let marker = base + "/host-marker"
        FileManager.default.createFile(atPath: marker, contents: Data("host".utf8))
        for p in ["/opt/swift", "/etc/debian_version", marker] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: rootfs + p), "rootfs has \(p): the check would prove nothing")
        }
        let r = try run(["/hostile/chroot_escape", "/opt/swift", "/etc/debian_version", marker])
        assertContained(r, "chroot escape")
        XCTAssertEqual(r.stdout.components(separatedBy: "ok chroot").count - 1, 2, r.stdout)
    }

    /// CVE-2024-21626: host directories open on inherited fds, as a careless caller would
    /// leave them, must not reach the container in `run`, `run -d` or `exec`, nor serve as
    /// its working directory through /proc/self/fd.
    func testInheritedHostFdsDoNotReachTheContainer() throws {
        let hostDir = base + "/host-dir"
        try FileManager.default.createDirectory(atPath: hostDir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: hostDir + "/host-marker", contents: Data("host".utf8))
        let dirFd = open(hostDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let fileFd = open(hostDir + "/host-marker", O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThan(dirFd, 2)
        XCTAssertGreaterThan(fileFd, 2)
        defer { close(dirFd); close(fileFd) }
        let leaked: [Int32: Int32] = [7: dirFd, 8: fileFd, 100: dirFd, 1000: dirFd]

        assertContained(try run(["/hostile/fd_leak", "host-marker"], extraFds: leaked), "run with leaked fds")

        let started = try fx.corralRaw(["run", "-d", "--name", "fds", "--rootfs", rootfs, "--", "sleep", "1000"], extraFds: leaked)
        XCTAssertEqual(started.code, 0, started.stderr)
        let sup = try String(contentsOfFile: fx.stateRoot + "/fds/supervisor", encoding: .utf8)
        let supPid = try XCTUnwrap(Int32(sup.split(separator: " ")[0]))
        for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(supPid)/fd")) ?? [] {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(supPid)/fd/\(fd)")) ?? ""
            XCTAssertFalse(target.hasPrefix(hostDir), "the supervisor holds fd \(fd) -> \(target)")
        }
        assertContained(try fx.corralRaw(["exec", "fds", "--", "/hostile/fd_leak", "host-marker"], extraFds: leaked), "exec with leaked fds")

        // The working directory is entered after pivot_root, inside the container: a path
        // through an fd that is still open at that moment must not lead out.
        for (label, args) in [
            ("run", ["run", "--rm", "--rootfs", rootfs, "--workdir", "/proc/self/fd/7", "--", "/hostile/fd_leak", "host-marker"]),
            ("run -d", ["run", "-d", "--name", "fdwd", "--rootfs", rootfs, "--workdir", "/proc/self/fd/7", "--", "/hostile/fd_leak", "host-marker"]),
            ("exec", ["exec", "--workdir", "/proc/self/fd/7", "fds", "--", "/hostile/fd_leak", "host-marker"]),
        ] {
            let r = try fx.corralRaw(args, extraFds: leaked)
            var output = r.stdout + r.stderr
            if label == "run -d" && r.code == 0 {
                XCTAssertTrue(fx.wait { (try? fx.container("fdwd")?["state"] as? String) == "exited" })
                output += try fx.corral(["logs", "fdwd"]).stdout
                _ = try fx.corral(["rm", "-f", "fdwd"])
            }
            XCTAssertFalse(output.contains("ESCAPE"), "\(label) --workdir /proc/self/fd/7: \(output)")
            if r.code != 0 {
                XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), "\(label): \(r.stderr)")
            }
        }
        // Whatever corral itself has open while it starts or joins a container.
        for n in 3..<24 {
            let r = try fx.corralRaw(["exec", "--workdir", "/proc/self/fd/\(n)", "fds", "--", "/hostile/fd_leak", "host-marker"])
            XCTAssertFalse(r.stdout.contains("ESCAPE"), "exec --workdir /proc/self/fd/\(n): \(r.stdout)")
            let s = try fx.corralRaw(["run", "--rm", "--rootfs", rootfs, "--workdir", "/proc/self/fd/\(n)", "--", "/hostile/fd_leak", "host-marker"])
            XCTAssertFalse(s.stdout.contains("ESCAPE"), "run --workdir /proc/self/fd/\(n): \(s.stdout)")
        }
    }

    func testMountsOfTheHostDiskProcSysAndCgroupfsFail() throws {
        let disk = try XCTUnwrap(Host.rootDevice())
        let before = hostMounts()
        let r = try run(["/hostile/mount_host", String(disk.major), String(disk.minor), String(getpid())])
        assertContained(r, "mounts")
        XCTAssertEqual(hostMounts(), before, "the host's mount table changed")
    }

    func testProcAndSysWritesAndMaskedReads() throws {
        let watched = ["/proc/sys/kernel/core_pattern", "/proc/sys/kernel/hostname", "/proc/sys/vm/swappiness"]
        let before = watched.map { try? String(contentsOfFile: $0, encoding: .utf8) }
        assertContained(try run(["/hostile/proc_write"]), "proc writes")
        XCTAssertEqual(watched.map { try? String(contentsOfFile: $0, encoding: .utf8) }, before)
    }

    func testMknodOfTheHostDiskCannotBeOpened() throws {
        let disk = try XCTUnwrap(Host.rootDevice())
        let r = try run(["/hostile/mknod_disk", String(disk.major), String(disk.minor)])
        assertContained(r, "mknod")
        XCTAssertTrue(r.stdout.contains("ok open host disk node"), "mknod never got as far as open: \(r.stdout)")
    }

    func testNoUserNamespaceOrOtherNamespaces() throws {
        assertContained(try run(["/hostile/userns"]), "namespaces")
    }

    func testHostProcessesCannotBeTracedOrSignalled() throws {
        // sh stays pid 1 (the `exit` keeps it from exec'ing the program), so pid 1 is a
        // different process from the one tracing it.
        assertContained(try run(["/bin/sh", "-c", "/hostile/ptrace_host \(getpid()); exit $?"]), "ptrace of the test")
        // The supervisor holding this very container.
        try fx.corral(["run", "-d", "--name", "tracer", "--rootfs", rootfs, "--", "sleep", "1000"])
        let sup = try String(contentsOfFile: fx.stateRoot + "/tracer/supervisor", encoding: .utf8)
        let supPid = String(sup.split(separator: " ")[0])
        assertContained(try fx.corralRaw(["exec", "tracer", "--", "/hostile/ptrace_host", supPid]), "ptrace of its supervisor")
    }

    func testOwnCgroupLimitsCannotBeRaisedFromInside() throws {
        try fx.corral(["run", "-d", "--name", "cg", "--rootfs", rootfs, "--pids-limit", "50", "--memory", "64m", "--cpus", "0.5", "--", "sleep", "1000"])
        assertContained(try fx.corralRaw(["exec", "cg", "--", "/hostile/cgroup_write"]), "cgroup writes")
        XCTAssertEqual(fx.readKnob("pids", "cg", "pids.max"), "50")
        XCTAssertEqual(fx.readKnob("memory", "cg", "memory.limit_in_bytes"), String(64 << 20))
        XCTAssertEqual(fx.readKnob("cpu", "cg", "cpu.cfs_quota_us"), "50000")
        XCTAssertEqual(try fx.container("cg")?["state"] as? String, "running")
    }

    /// CVE-2019-5736. The container asks `corral exec` to run a script whose interpreter is
    /// /proc/self/exe, with a rootfs whose program interpreter (ld.so) only waits: the process
    /// exec'ing it becomes the host's corral binary, mapped and dumpable. A watcher inside grabs
    /// /proc/<pid>/exe and writes it once nothing runs it. The exec is done by a copy of corral
    /// that no supervisor runs (as after an upgrade), so only corral's own defence stands
    /// between the container and that file.
    func testExecCannotBeUsedToRewriteTheHostBinary() throws {
        let victim = base + "/bin/corral"
        try FileManager.default.createDirectory(atPath: base + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fx.binary, toPath: victim)
        let hash = try Host.sha256(victim)
        let loader = try HostilePrograms.path("fake_loader")
        for ld in ["/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"] {
            try FileManager.default.createDirectory(atPath: rootfs + (ld as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: loader, toPath: rootfs + ld)
        }
        try "#!/proc/self/exe\n".write(toFile: rootfs + "/evil", atomically: false, encoding: .utf8)
        chmod(rootfs + "/evil", 0o755)

        try fx.corral(["run", "-d", "--name", "watch", "--rootfs", rootfs, "--", "/hostile/exe_overwrite", "7000", victim])
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "watch"]).stdout.contains("watching")) == true })
        for _ in 0..<2 { _ = try fx.corralRaw(["exec", "watch", "--", "/evil"], binary: victim) }
        for _ in 0..<5 { _ = try fx.corralRaw(["exec", "watch", "--", "true"], binary: victim) }
        XCTAssertTrue(fx.wait(timeout: 15) { (try? fx.container("watch")?["state"] as? String) == "exited" })
        let report = try fx.corral(["logs", "watch"]).stdout
        XCTAssertFalse(report.contains("ESCAPE"), report)
        XCTAssertTrue(report.contains("seen="), report)
        XCTAssertEqual(try Host.sha256(victim), hash, "the host's corral binary was rewritten from inside: \(report)")
        XCTAssertEqual(try fx.container("watch")?["exitCode"] as? Int, 0, report)
    }

    /// runc refuses a rootfs whose /proc is a symlink: mounting "onto" it would mount on
    /// whatever it points at, on the host.
    func testRootfsWithSymlinkedProcDevOrSysIsRefused() throws {
        let hostMountsBefore = hostMounts()
        for dir in ["proc", "dev", "sys"] {
            for (i, target) in ["/" + dir, "../../../../../../" + dir, "/tmp"].enumerated() {
                let bad = try fx.hostileRootfs("bad-\(dir)-\(i)")
                try FileManager.default.removeItem(atPath: bad + "/" + dir)
                try FileManager.default.createSymbolicLink(atPath: bad + "/" + dir, withDestinationPath: target)
                for detach in [false, true] {
                    let parentsBefore = fx.parentCgroupDirs()
                    let r = try fx.corralRaw(["run"] + (detach ? ["-d"] : ["--rm"]) + ["--name", "sym", "--rootfs", bad, "--", "true"])
                    let what = "\(detach ? "run -d" : "run") with /\(dir) -> \(target)"
                    XCTAssertNotEqual(r.code, 0, "\(what) was accepted")
                    XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), "\(what): \(r.stderr)")
                    XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(what): \(r.stderr)")
                    XCTAssertTrue(r.stderr.contains("/" + dir), "\(what): \(r.stderr)")
                    XCTAssertEqual(fx.stateEntries(), [], "\(what) left state")
                    XCTAssertEqual(fx.processesInOurCgroups(), [], "\(what) left processes")
                    XCTAssertEqual(fx.mounts(), [], "\(what) left mounts")
                    XCTAssertEqual(fx.parentCgroupDirs(), parentsBefore, "\(what) left the cgroup parent it made")
                    XCTAssertEqual(hostMounts(), hostMountsBefore, "\(what) changed the host's mounts")
                }
                XCTAssertEqual(fx.cgroupDirs(), [], "/\(dir) -> \(target) left cgroups")
            }
        }
    }
}
