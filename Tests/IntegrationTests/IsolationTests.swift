import Foundation
import XCTest

/// What a process inside a default container sees: it is pid 1 in its own namespaces, on its
/// own root, with runc's masks and Docker's 14 capabilities, and nothing else open.
final class IsolationTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func sh(_ script: String, options: [String] = []) throws -> CorralFixture.Result {
        try fx.runInContainer(["/bin/sh", "-c", script], options: options)
    }

    func testIsPidOneWithItsOwnHostname() throws {
        let r = try sh("echo pid=$$; hostname", options: ["--name", "iso1"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "pid=1\niso1\n")
        let h = try sh("hostname", options: ["--hostname", "box.example"])
        XCTAssertEqual(h.stdout, "box.example\n")
        // A name no hostname may be ('_'): the id is the hostname, as docker's default is.
        let id = try fx.detached("web_1", ["sh", "-c", "hostname; echo $HOSTNAME; sleep 1000"])
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "web_1"]).stdout)?.split(separator: "\n").count == 2 })
        let ps = try XCTUnwrap(try fx.container("web_1"))
        let shown = try XCTUnwrap(ps["id"] as? String)
        XCTAssertEqual(try fx.corral(["logs", "web_1"]).stdout, "\(shown)\n\(shown)\n", "container id \(id)")
        let long = String(repeating: "n", count: 64)
        XCTAssertEqual(try sh("hostname", options: ["--name", long]).stdout, long + "\n", "a 64-character name is a whole hostname")
    }

    func testSeesOnlyItsOwnProcessesAndRoot() throws {
        let r = try sh("ls /proc | grep -E '^[0-9]+$' | wc -l; ls /; cat /proc/self/mountinfo | wc -l")
        XCTAssertEqual(r.code, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        // sh, and the pipeline's children: a handful, never the host's hundreds.
        XCTAssertLessThan(Int(lines[0].trimmingCharacters(in: .whitespaces)) ?? 999, 6)
        XCTAssertTrue(lines.contains("bin"))
        XCTAssertFalse(lines.contains("work"), "host's /work visible: \(r.stdout)")
        XCTAssertFalse(lines.contains("opt"), "host's /opt visible: \(r.stdout)")
        let hostMounts = (try XCTUnwrap(Host.kernelText("/proc/self/mountinfo"))).split(separator: "\n").count
        XCTAssertLessThan(Int(lines.last!.trimmingCharacters(in: .whitespaces))!, hostMounts + 30)
        XCTAssertFalse(try sh("cat /proc/self/mountinfo").stdout.contains("/opt/swift"))
    }

    func testCapabilitiesAreDockersFourteenAndNoNewPrivs() throws {
        let r = try sh("grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status")
        XCTAssertEqual(r.code, 0, r.stderr)
        var f: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let kv = line.split(separator: ":", maxSplits: 1)
            f[String(kv[0])] = kv[1].trimmingCharacters(in: .whitespaces)
        }
        // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW
        // SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP = bits 0,1,3,4,5,6,7,8,10,13,18,27,29,31
        XCTAssertEqual(f["CapBnd"], "00000000a80425fb")
        XCTAssertEqual(f["CapEff"], "00000000a80425fb")
        XCTAssertEqual(f["CapPrm"], "00000000a80425fb")
        XCTAssertEqual(f["CapInh"], "0000000000000000")
        XCTAssertEqual(f["CapAmb"], "0000000000000000")
        XCTAssertEqual(f["NoNewPrivs"], "1")

        let dropped = try sh("grep CapBnd /proc/self/status", options: ["--cap-drop", "ALL", "--cap-add", "KILL"])
        XCTAssertEqual(dropped.stdout, "CapBnd:\t0000000000000020\n")
        let added = try sh("grep CapEff /proc/self/status", options: ["--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD"])
        // MKNOD (bit 27) dropped, NET_ADMIN (bit 12) added.
        XCTAssertEqual(added.stdout, "CapEff:\t00000000a00435fb\n")
    }

    /// `--cap-add ALL` is every capability corral holds (its own bounding set, which on some
    /// hosts lacks a few: this VM's lacks SYS_RESOURCE); one it doesn't hold, named, is refused.
    func testCapAddAllIsWhatCorralHolds() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let hostBounding = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("CapBnd:") })
        let mask = try XCTUnwrap(UInt64(hostBounding.dropFirst(7).filter { $0 != "\t" }, radix: 16))
        // Of those, the ones corral knows by name (0 CHOWN … 40 CHECKPOINT_RESTORE).
        let known = String(format: "%016llx", mask & ((1 << 41) - 1))
        let all = try sh("grep -E '^Cap(Eff|Bnd)' /proc/self/status", options: ["--cap-add", "ALL"])
        XCTAssertEqual(all.code, 0, all.stderr)
        XCTAssertEqual(all.stdout, "CapEff:\t\(known)\nCapBnd:\t\(known)\n")
        let lessOne = try sh("true", options: ["--cap-add", "ALL", "--cap-drop", "SYS_ADMIN"])
        XCTAssertEqual(lessOne.code, 0, lessOne.stderr)
        let names = ["SYS_RESOURCE", "SYS_TIME", "SYS_MODULE", "SYS_ADMIN"]   // bits 24, 25, 16, 21
        let bits: [UInt64] = [24, 25, 16, 21]
        if let i = bits.firstIndex(where: { mask & (1 << $0) == 0 }) {
            let r = try fx.runInContainer(["true"], options: ["--cap-add", names[i]])
            XCTAssertNotEqual(r.code, 0)
            XCTAssertTrue(r.stderr.hasPrefix("corral: error: --cap-add \(names[i])"), r.stderr)
        }
    }

    func testMaskedAndReadOnlyPaths() throws {
        let r = try sh("""
            cat /proc/kcore 2>/dev/null | wc -c; \
            echo 1 > /proc/sys/kernel/domainname && echo sys-writable || echo sys-ro; \
            echo b > /proc/sysrq-trigger && echo sysrq-writable || echo sysrq-ro; \
            ls /proc/acpi 2>/dev/null | wc -l
            """)
        let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(lines.first, "0", "kcore readable: \(r.stdout) \(r.stderr)")
        XCTAssertTrue(lines.contains("sys-ro"), r.stdout)
        XCTAssertTrue(lines.contains("sysrq-ro"), r.stdout)
        XCTAssertEqual(lines.last, "0")
    }

    func testOnlyStdioIsOpen() throws {
        // ls itself opens the directory it lists; everything else must be 0, 1, 2.
        let r = try sh("ls /proc/self/fd")
        let fds = Set(r.stdout.split(whereSeparator: { $0 == "\n" || $0 == " " }).map(String.init))
        XCTAssertTrue(fds.isSuperset(of: ["0", "1", "2"]))
        XCTAssertLessThanOrEqual(fds.count, 4, "fds open inside: \(fds.sorted())")
    }

    func testChrootEscapeFindsNoHostFiles() throws {
        // The classic escape: chroot into a subdir, then chdir("..") past the new root and
        // chroot("."). With pivot_root and the old root detached there is nothing above "/".
        let marker = "/tmp/corral-test-escape-marker-\(getpid())"
        FileManager.default.createFile(atPath: marker, contents: Data("host".utf8))
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let r = try sh("""
            mkdir -p /tmp/jail && cd /tmp && \
            chroot /tmp/jail /bin/busybox true 2>/dev/null; \
            cd /; for i in 1 2 3 4 5 6 7 8; do cd ..; done; \
            ls / ; cat \(marker) 2>&1; ls /work 2>&1
            """)
        XCTAssertFalse(r.stdout.contains("host\n"), r.stdout)
        XCTAssertFalse(r.stdout.contains("opt\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("No such file"), r.stdout)
    }

    func testNetworkNoneHasOnlyLoopbackUp() throws {
        let r = try sh("cat /proc/net/dev | tail -n +3 | cut -d: -f1; ping -c1 -W1 127.0.0.1 >/dev/null && echo lo-ok")
        let ifs = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(ifs.first, "lo")
        XCTAssertTrue(ifs.contains("lo-ok"), r.stdout + r.stderr)
        XCTAssertEqual(ifs.filter { $0 != "lo-ok" }.count, 1, "interfaces: \(ifs)")
        // /sys is mounted once the container has its namespace (it comes through the start
        // gate after the clone): sysfs shows the devices of the namespace it was mounted in.
        let sys = try sh("ls /sys/class/net; cat /sys/class/net/lo/flags")
        XCTAssertEqual(sys.stdout, "lo\n0x9\n", sys.stderr)
        let host = try sh("cat /proc/net/dev | wc -l", options: ["--net", "host"])
        let hostIfs = (try String(contentsOfFile: "/proc/net/dev", encoding: .utf8)).split(separator: "\n").count
        XCTAssertEqual(Int(host.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), hostIfs)
        let network = try sh("cat /proc/net/dev | wc -l", options: ["--network", "host"])   // docker's spelling
        XCTAssertEqual(network.stdout, host.stdout)
    }

    /// `corral run` makes one network namespace, begun by a constructor on a thread of its own
    /// and joined by the container (early_netns.c, SpareNetns), and none with --net host:
    /// counted with strace, as the network namespaces corral unshares and the container setns'.
    func testRunMakesOneNetworkNamespaceOffTheMainThread() throws {
        let trace = fx.scratch + "/netns.trace"
        for (net, unshares) in [("none", 1), ("host", 0)] {
            let run = ["-f", "-e", "trace=execve,unshare,setns", "-o", trace, fx.binary, "run", "--rm", "--net", net,
                       "--rootfs", CorralFixture.rootfs, "--", "true"]
            let r = try Host.run("/usr/bin/strace", run, env: fx.environment)
            XCTAssertEqual(r.code, 0, r.stderr)
            let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
            let made = lines.filter { $0.contains("unshare(CLONE_NEWNET") }
            XCTAssertEqual(made.count, unshares, "--net \(net): \(lines)")
            let joined = lines.filter { $0.contains("setns(") && $0.contains("CLONE_NEWNET") && $0.hasSuffix("= 0") }
            XCTAssertEqual(joined.count, unshares, "--net \(net): \(lines)")
            // The first line is corral's own execve, by its main thread.
            let mainPid = lines.first { $0.contains("execve(\"\(fx.binary)\"") }?.split(separator: " ").first
            XCTAssertNotNil(mainPid, "\(lines)")
            for line in made { XCTAssertNotEqual(line.split(separator: " ").first, mainPid, "made on the main thread: \(line)") }
        }
    }

    /// docker's rule: a working directory the image lacks is made (root's, 0755), also for a
    /// user who could not make it.
    func testMissingWorkdirIsMade() throws {
        let r = try fx.corral(["run", "--rm", "-w", "/new/work dir", "-u", "65534", "busybox", "--",
                               "sh", "-c", "pwd; stat -c '%u %a' . ..; touch x 2>/dev/null || echo not-writable"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "/new/work dir\n0 755\n0 755\nnot-writable\n")
    }

    func testEnvWorkdirAndUser() throws {
        let r = try sh("echo $GREETING; pwd; id -u; id -g", options: ["--env", "GREETING=hi there", "--workdir", "/tmp", "--user", "65534:65534"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "hi there\n/tmp\n65534\n65534\n")
        let caps = try sh("grep CapEff /proc/self/status", options: ["--user", "1000"])
        XCTAssertEqual(caps.stdout, "CapEff:\t0000000000000000\n")
        // docker's -e NAME: the caller's value, or nothing when the caller has none.
        let passed = try fx.corral(["run", "--rm", "-e", "CORRAL_TEST_FROM_HOST", "-e", "CORRAL_TEST_UNSET", "--rootfs", CorralFixture.rootfs,
                                    "--", "sh", "-c", "echo \"[$CORRAL_TEST_FROM_HOST]\"; env | grep -c CORRAL_TEST_UNSET"],
                                   extraEnvironment: ["CORRAL_TEST_FROM_HOST": "a value with spaces"])
        XCTAssertEqual(passed.stdout, "[a value with spaces]\n0\n", passed.stderr)
    }

    /// The supplementary groups are the ones the rootfs's /etc/group lists the user in, as
    /// docker sets them, for run and exec alike (only the primary group was set: a file shared
    /// through a group could not be read).
    func testUsersGetTheirGroupsFromTheRootfs() throws {
        let rootfs = "/tmp/corral-test-\(fx.id)/groups-rootfs"
        let copy = try Host.run("/bin/cp", ["-a", CorralFixture.rootfs, rootfs])
        XCTAssertEqual(copy.code, 0, copy.stderr)
        try "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1001::/:/bin/sh\n".write(toFile: rootfs + "/etc/passwd", atomically: true, encoding: .utf8)
        try "root:x:0:\nwheel:x:10:root\napp:x:1001:\nextra:x:2000:other,app\n".write(toFile: rootfs + "/etc/group", atomically: true, encoding: .utf8)
        func ids(_ options: [String]) throws -> String {
            let r = try fx.corral(["run", "--rm", "--rootfs", rootfs] + options + ["--", "sh", "-c", "id -u; id -G"])
            XCTAssertEqual(r.code, 0, r.stderr)
            return r.stdout
        }
        XCTAssertEqual(try ids(["-u", "app"]), "1001\n1001 2000\n")
        XCTAssertEqual(try ids(["-u", "1001"]), "1001\n1001 2000\n", "a uid with a passwd entry: its name's groups")
        XCTAssertEqual(try ids([]), "0\n0 10\n")
        XCTAssertEqual(try ids(["-u", "4242"]), "4242\n0\n", "no passwd entry: no groups but the primary")
        XCTAssertEqual(try ids(["-u", "app:1001"]), "1001\n1001\n", "USER:GROUP is that group alone, as runc sets it")

        XCTAssertEqual(try fx.corral(["run", "-d", "--name", "grp", "--rootfs", rootfs, "--", "sleep", "1000"]).code, 0)
        XCTAssertEqual(try fx.corral(["exec", "-u", "app", "grp", "--", "id", "-G"]).stdout, "1001 2000\n")
        XCTAssertEqual(try fx.corral(["exec", "grp", "--", "id", "-G"]).stdout, "0 10\n")
    }

    func testExitCodeAndOutputStreams() throws {
        let r = try sh("echo out; echo err >&2; exit 7")
        XCTAssertEqual(r.code, 7)
        XCTAssertEqual(r.stdout, "out\n")
        XCTAssertEqual(r.stderr, "err\n")
    }

    func testContainerIsInItsCgroup() throws {
        let r = try sh("cat /proc/self/cgroup", options: ["--name", "cg1"])
        XCTAssertTrue(r.stdout.contains(":cpu:/\(fx.cgroupParent)/cg1") || r.stdout.contains("cpu,cpuacct:/\(fx.cgroupParent)/cg1") || r.stdout.contains(":cpu:/"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\(fx.cgroupParent)/cg1"), r.stdout)
    }
}
