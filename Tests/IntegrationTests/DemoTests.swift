import Foundation
import XCTest

/// `corral demo` next to containers that aren't its own and next to another demo: it fails
/// with one line and leaves everything as it was, rather than adopting and then removing them.
final class DemoTests: XCTestCase {
    var fx: CorralFixture!
    var screens: [TmuxScreen] = []

    static let names = ["demo-unlimited", "demo-half", "demo-fifth", "demo-bursty"]

    override func setUpWithError() throws {
        fx = try CorralFixture()
        try fx.requireTmux()
    }

    override func tearDown() {
        for s in screens { s.close() }
        fx?.tearDown()
    }

    /// `corral ARGS` in a tmux window of its own (a terminal); the shell then prints the exit status.
    func open(_ args: String) throws -> TmuxScreen {
        let s = try TmuxScreen(fx, command: "\(fx.binary) \(args); echo EXITED:$?; exec sleep 3600")
        screens.append(s)
        return s
    }

    /// name -> "id state" of every container, to compare before and after.
    func containers() throws -> [String: String] {
        var all: [String: String] = [:]
        for c in try fx.psJSON() {
            all[c["name"] as? String ?? "?"] = "\(c["id"] ?? "?") \(c["state"] ?? "?")"
        }
        return all
    }

    /// The status line (second-last row) of the last screen read.
    func statusLine(_ s: TmuxScreen) -> String {
        let lines = s.lastScreen.components(separatedBy: "\n")
        return lines.count >= 3 ? lines[lines.count - 3] : ""
    }

    func waitForDemo(_ s: TmuxScreen) -> Bool {
        s.waitFor(timeout: 30) { screen in
            screen.contains("4 containers: 4 running") && Self.names.allSatisfy { s.row($0, in: screen) != nil }
        }
    }

    func testUserContainersNamedLikeTheDemosAreLeftAloneAndTheDemoFails() throws {
        // A running one and an exited one, neither started by the demo.
        try fx.detached("demo-half", ["sleep", "600"])
        try fx.detached("demo-fifth", ["true"])
        XCTAssertTrue(try fx.wait { try fx.container("demo-fifth")?["state"] as? String == "exited" })
        let pid = try XCTUnwrap(fx.container("demo-half")?["pid"] as? Int)
        let before = try containers()

        let s = try open("demo")
        XCTAssertTrue(s.waitFor("EXITED:1", timeout: 30), s.lastScreen)
        XCTAssertTrue(s.lastScreen.contains(
            "corral: error: a container named demo-half exists and is not the demo's; remove or rename it"), s.lastScreen)
        XCTAssertEqual(try containers(), before, "the demo changed the containers")
        XCTAssertEqual(try fx.container("demo-half")?["pid"] as? Int, pid, "the user's demo-half is not the same process")
        XCTAssertEqual(kill(pid_t(pid), 0), 0, "the user's sleep is gone")
        for name in ["demo-unlimited", "demo-bursty"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.cgroupDir("cpu", name)), "\(name) was started")
        }
    }

    func testASecondDemoFailsAndTheFirstsKeptContainersGoToTheNextDemo() throws {
        let first = try open("demo --keep")
        XCTAssertTrue(waitForDemo(first), first.lastScreen)
        let before = try containers()
        XCTAssertEqual(Set(before.keys), Set(Self.names))

        let second = try open("demo")
        XCTAssertTrue(second.waitFor("EXITED:1", timeout: 30), second.lastScreen)
        XCTAssertTrue(second.lastScreen.contains(
            "corral: error: another corral demo is running (state root \(fx.stateRoot))"), second.lastScreen)
        XCTAssertEqual(try containers(), before, "the second demo changed the first's containers")
        XCTAssertTrue(first.waitFor { $0.contains("4 containers: 4 running") }, first.lastScreen)

        // Once the first has ended (keeping its containers), the next demo takes them up: the
        // running ones as they are, an ended one started anew; and removes them on quit.
        first.press("q")
        XCTAssertTrue(first.waitFor("EXITED:0"), first.lastScreen)
        XCTAssertEqual(try containers(), before, "--keep did not keep them")
        XCTAssertEqual(try fx.corral(["kill", "demo-fifth"]).code, 0)
        XCTAssertTrue(try fx.wait { try fx.container("demo-fifth")?["state"] as? String == "exited" })
        XCTAssertEqual(try fx.corral(["pause", "demo-half"]).code, 0)
        let next = try open("demo")
        XCTAssertTrue(waitForDemo(next), next.lastScreen)
        let now = try containers()
        for name in Self.names where name != "demo-fifth" {
            XCTAssertEqual(now[name], before[name], "\(name) was not reused")
        }
        XCTAssertNotEqual(now["demo-fifth"], before["demo-fifth"], "the ended demo-fifth was not started anew")
        XCTAssertEqual(try fx.container("demo-half")?["state"] as? String, "running", "the paused demo-half was not thawed")
        next.press("q")
        XCTAssertTrue(next.waitFor("EXITED:0"), next.lastScreen)
        XCTAssertEqual(try fx.psJSON().count, 0, "demo containers left after quit")
    }

    func testWithoutATerminalTheDemoTouchesNothing() throws {
        try fx.detached("demo-half", ["sleep", "600"])
        try fx.detached("web", ["sleep", "600"])
        let before = try containers()

        let r = try fx.corral(["demo"])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertEqual(r.stderr, "corral: error: needs a terminal: stdin and stdout must be a tty\n")
        XCTAssertEqual(try containers(), before)
        for name in ["demo-unlimited", "demo-fifth", "demo-bursty"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: fx.cgroupDir("cpu", name)), "\(name) was made")
        }
    }

    func testStoppingABurnerThatIgnoresSIGTERMSaysStoppingUntilItHasStopped() throws {
        // The burners' sh is pid 1 of its namespace with no SIGTERM handler: only the SIGKILL
        // after the grace period ends it.
        let s = try open("demo")
        XCTAssertTrue(waitForDemo(s), s.lastScreen)
        s.press("/")
        s.type("demo-half")
        s.press("Enter")
        XCTAssertTrue(s.waitFor { s.row("demo-half", in: $0) != nil && s.row("demo-fifth", in: $0) == nil }, s.lastScreen)
        s.press("s")
        XCTAssertTrue(s.waitFor { _ in self.statusLine(s).contains("stopping demo-half") }, s.lastScreen)
        XCTAssertTrue(s.row("demo-half", in: s.lastScreen)?.contains("running") ?? false, s.lastScreen)
        XCTAssertTrue(s.waitFor(timeout: 15) { screen in
            self.statusLine(s).contains("stopped demo-half") && (s.row("demo-half", in: screen)?.contains("exit 137") ?? false)
        }, s.lastScreen)
        s.press("q")
        XCTAssertTrue(s.waitFor("EXITED:0"), s.lastScreen)
    }
}
