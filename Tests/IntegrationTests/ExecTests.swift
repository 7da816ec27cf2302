import Foundation
import XCTest

/// `corral exec` against running containers: the new process is inside the container's
/// namespaces and cgroup, with its capabilities and no_new_privs, and its exit code comes back.
final class ExecTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func exec(_ name: String, _ script: String, options: [String] = []) throws -> CorralFixture.Result {
        try fx.corral(["exec"] + options + [name, "--", "sh", "-c", script])
    }

    /// The lines of `script`'s output before and after a `---` line.
    func halves(_ r: CorralFixture.Result, file: StaticString = #filePath, line: UInt = #line) -> (String, String) {
        let parts = r.stdout.components(separatedBy: "---\n")
        XCTAssertEqual(parts.count, 2, r.stdout + r.stderr, file: file, line: line)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }

    func testJoinsHostnamePidNamespaceAndCgroup() throws {
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "target", "--hostname", "exec-box", "busybox", "--", "sleep", "1000"]).code, 0)

        XCTAssertEqual(try exec("target", "hostname").stdout, "exec-box\n")

        // Its pid namespace: pid 1 is the container's sleep, and only a handful of pids exist.
        let ps = try exec("target", "cat /proc/1/cmdline | tr '\\0' ' '; echo; ls /proc | grep -cE '^[0-9]+$'; echo $$")
        let psLines = ps.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(psLines.first, "sleep 1000", ps.stdout + ps.stderr)
        XCTAssertLessThan(Int(psLines.count > 1 ? psLines[1] : "") ?? 999, 8, ps.stdout)
        XCTAssertLessThan(Int(psLines.last ?? "") ?? 999, 100, "exec'd shell has a host pid: \(ps.stdout)")
        let table = try fx.corral(["exec", "target", "--", "ps"])
        XCTAssertTrue(table.stdout.split(separator: "\n").contains { $0.split(separator: " ").prefix(1) == ["1"] && $0.hasSuffix("sleep 1000") }, table.stdout)

        // The same cgroup as pid 1, in every hierarchy.
        let (mine, pid1) = halves(try exec("target", "cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup"))
        XCTAssertEqual(mine, pid1)
        XCTAssertTrue(mine.contains(":cpu:/\(fx.cgroupParent)/target\n"), mine)

        // Its root, mounts and network, not the host's.
        let view = try exec("target", "ls /; echo ---; cat /proc/net/dev | tail -n +3 | cut -d: -f1")
        let (root, ifs) = halves(view)
        XCTAssertTrue(root.contains("bin\n"), root)
        XCTAssertFalse(root.contains("work\n"), "host root visible: \(root)")
        XCTAssertEqual(ifs.trimmingCharacters(in: .whitespacesAndNewlines), "lo")
    }

    func testHasTheContainersCapabilitiesAndNoNewPrivs() throws {
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "full", "busybox", "--", "sleep", "1000"]).code, 0)
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "slim", "--cap-drop", "ALL", "--cap-add", "KILL", "busybox", "--", "sleep", "1000"]).code, 0)
        let fields = "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):'"
        for name in ["full", "slim"] {
            let (mine, pid1) = halves(try exec(name, "\(fields) /proc/self/status; echo ---; \(fields) /proc/1/status"))
            XCTAssertEqual(mine, pid1, name)
            XCTAssertTrue(mine.contains("NoNewPrivs:\t1\n"), mine)
        }
        XCTAssertTrue(try exec("full", "grep CapBnd /proc/self/status").stdout == "CapBnd:\t00000000a80425fb\n")
        XCTAssertTrue(try exec("slim", "grep CapBnd /proc/self/status").stdout == "CapBnd:\t0000000000000020\n")
    }

    func testExitCodeEnvWorkdirAndUser() throws {
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "t", "-e", "FROM_RUN=yes", "busybox", "--", "sleep", "1000"]).code, 0)
        XCTAssertEqual(try exec("t", "exit 7").code, 7)
        XCTAssertEqual(try exec("t", "kill -9 $$").code, 137)
        let r = try exec("t", "echo $K $FROM_RUN; pwd; id -u; id -g; grep CapEff /proc/self/status",
                         options: ["-e", "K=V", "-w", "/tmp", "-u", "65534"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "V yes\n/tmp\n65534\n65534\nCapEff:\t0000000000000000\n")
        let defaults = try exec("t", "pwd; id -u")
        XCTAssertEqual(defaults.stdout, "/\n0\n")
        // As docker's exec: TERM with a terminal, and the HOME of the user it runs as.
        XCTAssertEqual(try exec("t", "echo [$TERM]").stdout, "[]\n")
        let term = try fx.corral(["exec", "-t", "t", "--", "sh", "-c", "echo [$TERM]"])
        XCTAssertEqual(term.stdout, "[xterm]\r\n", term.stderr)
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "app", "-u", "65534", "busybox", "--", "sleep", "1000"]).code, 0)
        XCTAssertEqual(try exec("app", "id -u; echo $HOME", options: ["-u", "0"]).stdout, "0\n/root\n")
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "data", "-u", "65534", "-e", "HOME=/data", "busybox", "--", "sleep", "1000"]).code, 0)
        XCTAssertEqual(try exec("data", "echo $HOME", options: ["-u", "0"]).stdout, "/data\n", "a HOME set on purpose stays")
        let missing = try fx.corral(["exec", "t", "--", "/no/such/program"])
        fx.assertOneLineError(missing, containing: "/no/such/program")
        // A workdir that isn't there: the command can't be started, docker's 126.
        let nowhere = try fx.corral(["exec", "-w", "/no/such/dir", "t", "--", "pwd"])
        fx.assertOneLineError(nowhere, containing: "workdir /no/such/dir")
        XCTAssertEqual(nowhere.code, 126)
        XCTAssertEqual(try fx.container("t")?["state"] as? String, "running", "a failed exec hurt the container")
    }

    func testRefusedIntoPausedExitedOrMissingContainer() throws {
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "p", "busybox", "--", "sleep", "1000"]).code, 0)
        XCTAssertEqual(try fx.corral(["pause", "p"]).code, 0)
        fx.assertOneLineError(try fx.corral(["exec", "p", "--", "true"], timeout: 10), containing: "paused")
        XCTAssertEqual(try fx.corral(["resume", "p"]).code, 0)
        XCTAssertEqual(try fx.corral(["exec", "p", "--", "true"]).code, 0)

        XCTAssertEqual(try fx.corral(["stop", "--time", "0", "p"]).code, 0)
        fx.assertOneLineError(try fx.corral(["exec", "p", "--", "true"]), containing: "exited")
        fx.assertOneLineError(try fx.corral(["exec", "nosuch", "--", "true"]), containing: "nosuch")
        fx.assertOneLineError(try fx.corral(["exec", "p"]), containing: "command")
    }
}
