import Foundation
import XCTest

/// Every bad input: one line `corral: error: ...`, a non-zero exit, and nothing left behind.
final class BadInputTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func assertRefused(_ args: [String], contains: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let parentsBefore = fx.parentCgroupDirs()
        let spareBefore = FileManager.default.fileExists(atPath: fx.stateRoot + "/.spare")
        let r = try fx.corral(args)
        XCTAssertNotEqual(r.code, 0, "accepted: \(args)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), "stderr for \(args): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "not one line for \(args): \(r.stderr)", file: file, line: line)
        if let contains { XCTAssertTrue(r.stderr.contains(contains), "\(r.stderr) lacks \(contains)", file: file, line: line) }
        XCTAssertEqual(fx.stateEntries(), [], "state left by \(args)", file: file, line: line)
        if !spareBefore {
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/.spare"), "spare directory left by \(args)", file: file, line: line)
        }
        XCTAssertEqual(fx.cgroupDirs(), [], "cgroup dirs left by \(args)", file: file, line: line)
        XCTAssertEqual(fx.parentCgroupDirs(), parentsBefore, "cgroup parent made by \(args)", file: file, line: line)
        XCTAssertEqual(fx.mounts(), [], "mounts left by \(args)", file: file, line: line)
    }

    func testBadRunInputsLeaveNothing() throws {
        let rootfs = CorralFixture.rootfs
        let run = ["run", "--rootfs", rootfs]
        try assertRefused(run + ["--name", "../x", "--", "true"], contains: "name")
        try assertRefused(run + ["--name", "", "--", "true"])
        try assertRefused(run + ["--name", String(repeating: "a", count: 65), "--", "true"])
        try assertRefused(run + ["--name", "a b", "--", "true"])
        try assertRefused(run + ["--name", "-x", "--", "true"])
        try assertRefused(["run", "--rootfs", "/nonexistent/rootfs", "--", "true"], contains: "/nonexistent/rootfs")
        try assertRefused(["run", "--rootfs", "/etc/passwd", "--", "true"], contains: "not a directory")
        try assertRefused(run + ["--"], contains: "command")
        try assertRefused(run)
        try assertRefused(run + ["--", "/no/such/command"], contains: "/no/such/command")
        try assertRefused(run + ["--cpus", "-0.5", "--", "true"])
        try assertRefused(run + ["--cpus", "lots", "--", "true"])
        try assertRefused(run + ["--cpus", "0.001", "--", "true"])
        try assertRefused(run + ["--cpu-quota", "999", "--", "true"])
        try assertRefused(run + ["--cpu-quota", "-2", "--", "true"])
        try assertRefused(run + ["--cpu-quota", "17592186044416", "--", "true"], contains: "kernel's limit")
        try assertRefused(run + ["--cpu-period", "0", "--", "true"])
        try assertRefused(run + ["--cpu-period", "2000000", "--", "true"])
        try assertRefused(run + ["--cpu-period", "99999999999999999999", "--", "true"])
        try assertRefused(run + ["--net", "bridge", "--", "true"], contains: "--net")
        try assertRefused(run + ["--env", "=x", "--", "true"])
        try assertRefused(run + ["--workdir", "relative", "--", "true"])
        try assertRefused(run + ["--workdir", "/etc/passwd/below-a-file", "--", "true"], contains: "/etc/passwd")
        try assertRefused(run + ["--user", "nosuchuser", "--", "true"])
        try assertRefused(run + ["--user", "1:", "--", "true"])
        try assertRefused(run + ["--cap-add", "CAP_WHATEVER", "--", "true"], contains: "capability")
        try assertRefused(run + ["--cap-drop", "", "--", "true"])
        try assertRefused(run + ["--hostname", "bad host", "--", "true"])
        try assertRefused(run + ["--pids-limit", "-2", "--", "true"])
        try assertRefused(run + ["--memory", "1k", "--", "true"])
        try assertRefused(run + ["--memory", "12x", "--", "true"])
        // Numbers only as decimals, and a number too large said to be that, not malformed.
        for cpus in ["0x1", "1e0", "inf", "1.2.3", " 1"] {
            try assertRefused(run + ["--cpus", cpus, "--", "true"], contains: "expected a number of cores")
        }
        try assertRefused(run + ["--memory", "99999999999g", "--", "true"], contains: "more than the kernel can count")
        try assertRefused(run + ["--memory", "99999999999999999999", "--", "true"], contains: "more than the kernel can count")
        try assertRefused(run + ["--user", "99999999999", "--", "true"], contains: "a UID is at most 4294967294")
        try assertRefused(run + ["--user", "0:99999999999", "--", "true"], contains: "a GID is at most 4294967294")
        try assertRefused(run + ["--user", "4294967295", "--", "true"], contains: "at most 4294967294")
        try assertRefused(run + ["--bogus-flag", "--", "true"], contains: "unknown option \"--bogus-flag\"")
        try assertRefused(["run", "--bogus", "busybox", "--", "true"], contains: "unknown option \"--bogus\"")
        try assertRefused(run + ["--cpus", "-1", "--", "true"], contains: "number of cores")
        try assertRefused(run + ["--cpus", "\(sysconf(Int32(_SC_NPROCESSORS_ONLN)) + 1)", "--", "true"], contains: "CPUs")
        try assertRefused(run + ["--network", "bridge", "--", "true"], contains: "--net")
        try assertRefused(["run", "nosuchimage", "--", "true"], contains: "nosuchimage")
        try assertRefused(["--root", "/tmp/corral-test-\(fx.id)/state", "--cgroup-parent", "../escape", "run", "--rootfs", rootfs, "--", "true"])
    }

    func testDuplicateNameIsRefusedAndTheFirstSurvives() throws {
        try fx.detached("dup", ["sleep", "1000"])
        let r = try fx.corral(["run", "-d", "--name", "dup", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1"])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.stderr.contains("already exists"), r.stderr)
        XCTAssertEqual(try fx.container("dup")?["state"] as? String, "running")
        // In the foreground too: refused before the new container touches the rootfs (its
        // workdir is not made), in none of the first one's cgroups, nothing of it left. (The
        // gate's own refusal, past that check, is driven by LifecycleTests' shared parent.)
        let first = try XCTUnwrap(try fx.container("dup")?["pid"] as? Int)
        let workdir = "/made-by-a-refused-start-\(fx.id)"
        let foreground = try fx.corral(["run", "--rm", "--name", "dup", "-w", workdir, "--rootfs", CorralFixture.rootfs, "--", "sleep", "5"])
        XCTAssertEqual(foreground.code, 125, foreground.stderr)
        XCTAssertEqual(foreground.stderr, "corral: error: a container named dup already exists\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: CorralFixture.rootfs + workdir), "a refused start made its workdir in the rootfs")
        XCTAssertEqual(Set(fx.processesInOurCgroups()), [Int32(first)], "a process other than the first container's in our cgroups")
        XCTAssertEqual(try fx.container("dup")?["state"] as? String, "running")

        // Another container's whole id as a name would hide that container from its id.
        let id = try XCTUnwrap(try fx.container("dup")?["id"] as? String)
        let named = try fx.corral(["run", "-d", "--name", id, "--rootfs", CorralFixture.rootfs, "--", "sleep", "1"])
        XCTAssertEqual(named.code, 125)
        XCTAssertEqual(named.stderr, "corral: error: \(id) is the id of container dup; a name can't be another container's id\n")
        XCTAssertEqual(fx.stateEntries(), ["dup"])
        XCTAssertEqual(try fx.corral(["rm", "-f", id]).stdout, id + "\n")
        XCTAssertNil(try fx.container("dup"))
    }

    func testVerbsOnMissingContainers() throws {
        for verb in [["stop"], ["kill"], ["pause"], ["resume"], ["rm"], ["logs"], ["update", "--cpus", "1"], ["exec"]] {
            try assertRefused(verb + ["ghost"] + (verb == ["exec"] ? ["--", "true"] : []), contains: "ghost")
        }
        try assertRefused(["stop", "../../etc"])
        try assertRefused(["stop", "--time", "-1", "x"])
        try assertRefused(["logs", "--tail", "-3", "x"])
        try assertRefused(["ps", "-q", "--json"], contains: "--quiet and --json")
    }

    /// A moved state root keeps its images in `<root>/images-store`; a container of that name
    /// would own that directory, and `rm` removes a container's directory whole.
    func testTheImageStoreIsNoContainerName() throws {
        let movedStore = ["CORRAL_IMAGES": ""]
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "true"], extraEnvironment: movedStore).code, 0)
        let image = fx.stateRoot + "/images-store/images/busybox"
        XCTAssertTrue(FileManager.default.fileExists(atPath: image))
        for args in [["run", "-d", "--name", "images-store", "busybox", "--", "sleep", "100"],
                     ["rm", "-f", "images-store"], ["rm", "images-store"]] {
            let r = try fx.corral(args, extraEnvironment: movedStore)
            XCTAssertNotEqual(r.code, 0, "\(args)")
            XCTAssertTrue(r.stderr.hasPrefix("corral: error: ") && r.stderr.contains("image store"), "\(args): \(r.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: image), "\(args) removed the image store")
        }
        // Nor with the images elsewhere for this one command: the next command, without
        // $CORRAL_IMAGES, would put its images in that container's directory (and an `rm`
        // with it would remove them).
        for args in [["run", "-d", "--name", "images-store", "--rootfs", CorralFixture.rootfs, "--", "sleep", "100"],
                     ["run", "--rm", "--name", "images-store", "--rootfs", CorralFixture.rootfs, "--", "true"]] {
            let r = try fx.corral(args)
            XCTAssertNotEqual(r.code, 0, "\(args) with $CORRAL_IMAGES set")
            XCTAssertEqual(r.stderr, "corral: error: container name images-store is kept for the image store of a moved state root\n", "\(args)")
            XCTAssertEqual(fx.stateEntries(), [], "\(args)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/images-store/state.json"), "\(args)")
        }
        // Nor is that directory removed as a half-made container's by an `rm -f` whose images
        // are elsewhere.
        let rm = try fx.corral(["rm", "-f", "images-store"])
        XCTAssertNotEqual(rm.code, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: image), "rm -f with $CORRAL_IMAGES set removed the image store")
        XCTAssertEqual(fx.cgroupDirs(), [])
        XCTAssertEqual(fx.mounts(), [])
    }

    /// An empty --root would put the state in the current directory and images at /images-store.
    func testEmptyRootIsRefused() throws {
        let cwd = FileManager.default.currentDirectoryPath
        let before = try FileManager.default.contentsOfDirectory(atPath: cwd)
        let storeAtSlash = FileManager.default.fileExists(atPath: "/images-store")
        try assertRefused(["--root", "", "run", "--rootfs", CorralFixture.rootfs, "--", "true"], contains: "--root")
        try assertRefused(["--root=", "run", "--rootfs", CorralFixture.rootfs, "--", "true"], contains: "--root")
        try assertRefused(["--cgroup-parent=", "ps"], contains: "--cgroup-parent")
        try assertRefused(["ps", "--root", ""], contains: "--root")
        try assertRefused(["image", "ls", "--root", ""], contains: "--root")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cwd), before)
        if !storeAtSlash { XCTAssertFalse(FileManager.default.fileExists(atPath: "/images-store")) }
    }

    /// A command that can't be started exits as docker's and a shell's do: 127 when there is
    /// no such command, 126 when it can't be executed; and nothing is left behind.
    func testCommandsThatCannotRunExit127Or126() throws {
        let run = ["run", "--rootfs", CorralFixture.rootfs, "--"]
        for (command, code) in [(["nosuch"], Int32(127)), (["/no/such/command"], 127), (["/etc"], 126), (["/etc/passwd"], 126)] {
            let r = try fx.corral(run + command)
            XCTAssertEqual(r.code, code, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("corral: error: exec "), r.stderr)
            XCTAssertEqual(fx.stateEntries(), [], "state left by \(command)")
            XCTAssertEqual(fx.cgroupDirs(), [])
            XCTAssertEqual(fx.parentCgroupDirs(), [], "the cgroup parent the failed start made is left")
        }
        try fx.detached("target", ["sleep", "1000"])
        XCTAssertEqual(try fx.corral(["exec", "target", "--", "nosuch"]).code, 127)
        XCTAssertEqual(try fx.corral(["exec", "target", "--", "/etc"]).code, 126)
    }

    /// `-it` feeds the container's pty from our stdin, which must be a terminal then (here it
    /// is /dev/null); `-i` alone or `-t` alone read or write a pipe fine.
    func testInteractiveTerminalNeedsATerminal() throws {
        try assertRefused(["run", "-it", "--rm", "--rootfs", CorralFixture.rootfs, "--", "cat"], contains: "not a TTY")
        try fx.detached("target", ["sleep", "1000"])
        let r = try fx.corral(["exec", "-it", "target", "--", "cat"])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.stderr.contains("not a TTY"), r.stderr)
        XCTAssertEqual(try fx.corral(["run", "-i", "--rm", "--rootfs", CorralFixture.rootfs, "--", "cat"]).code, 0)
    }

    func testUnknownVerb() throws {
        for args in [["frobnicate"], ["commit", "x"]] {
            let r = try fx.corral(args)
            XCTAssertNotEqual(r.code, 0)
            XCTAssertEqual(r.stderr, "corral: error: unknown command \"\(args[0])\" (see corral --help)\n")
        }
        XCTAssertEqual(try fx.corral(["help"]).code, 0)
        try assertRefused(["stop", "-t", "-1", "x"], contains: "--time must be")
        try assertRefused(["logs", "--tail", "-1", "x"], contains: "--tail must be")
        try assertRefused(["logs", "--tail", "some", "x"], contains: "--tail must be")
        // A negative interval is a value, not an option: the range is what's wrong with it.
        for verb in ["top", "demo", "stats"] {
            try assertRefused([verb, "--interval", "-1"], contains: "--interval must be")
        }
    }

    /// docker's exit codes: `run` fails with 125 when corral itself failed, so a script can tell
    /// that from the container's own 1; usage errors of the other verbs are 64 (EX_USAGE), their
    /// other failures 1.
    func testExitCodesTellCorralFromTheContainer() throws {
        let rootfs = CorralFixture.rootfs
        XCTAssertEqual(try fx.corral(["run", "--rm", "--rootfs", rootfs, "--", "sh", "-c", "exit 1"]).code, 1, "the container's own")
        for args in [["run", "--bogus", "--rootfs", rootfs, "--", "true"], ["run", "--rm", "nosuchimage", "--", "true"],
                     ["run", "--cpus", "lots", "--rootfs", rootfs, "--", "true"], ["run", "--rm", "--rootfs", "/nonexistent", "--", "true"],
                     ["run", "--cpu-period", "1", "--rootfs", rootfs, "--", "true"]] {
            let r = try fx.corral(args)
            XCTAssertEqual(r.code, 125, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), r.stderr)
        }
        XCTAssertEqual(try fx.corral(["run", "--rm", "--rootfs", rootfs, "--", "/no/such/program"]).code, 127)
        XCTAssertEqual(try fx.corral(["ps", "--bogus"]).code, 64)
        // Usage errors are 64 whether ArgumentParser or corral tells them, and before the
        // container is looked up (ghost doesn't exist: that would be 1).
        for args in [["frob"], ["--root", "", "ps"], ["--root"], ["kill", "-s", "BOGUS", "ghost"], ["update", "ghost"], ["update", "--cpus", "abc", "ghost"], ["update", "--memory", "lots", "ghost"],
                     ["exec", "ghost"], ["exec", "-w", "rel", "ghost", "--", "pwd"], ["exec", "-e", "=x", "ghost", "--", "true"]] {
            let r = try fx.corral(args)
            XCTAssertEqual(r.code, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("corral: error: ") && r.stderr.split(separator: "\n").count == 1, r.stderr)
        }
        XCTAssertEqual(try fx.corral(["stop", "ghost"]).code, 1)
        XCTAssertEqual(fx.stateEntries(), [])
    }
}
