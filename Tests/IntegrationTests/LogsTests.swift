import Foundation
import XCTest

/// `corral logs` of detached image containers: --tail, -f that follows and returns when the
/// container exits, and the size cap that keeps a chatty container's newest output.
final class LogsTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    /// Past its cap (8 MiB) the log is replaced by its newest half; `logs -f` goes on in the new
    /// file where it left the old one: every line once, none twice (it printed half again).
    func testFollowAcrossTrimsPrintsEveryLineOnce() throws {
        try fx.detached("flood", ["sh", "-c", "sleep 1; seq 1 1500000; echo END"])
        let r = try fx.corral(["logs", "-f", "flood"], timeout: 120)
        XCTAssertEqual(r.code, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.last, "END")
        let numbers = lines.compactMap { Int($0) }
        XCTAssertFalse(zip(numbers, numbers.dropFirst()).contains { $1 <= $0 }, "a line printed twice")
        // Followed from before the first line and through the trim (11 MB of lines against the
        // 8 MiB cap): every line, once, in order — none skipped either.
        XCTAssertEqual(numbers.count, 1_500_000)
        XCTAssertEqual(numbers.first, 1)
        XCTAssertEqual(numbers.last, 1_500_000)
    }

    func testTailAndFollowUntilExit() throws {
        // The container goes on only once the test has looked (an exec makes /tmp/go).
        let script = "for i in 1 2 3; do echo early $i; done; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo late; echo late-err >&2; sleep 0.5; echo last"
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "talk", "busybox", "--", "sh", "-c", script]).code, 0)
        let follow = try LiveCorral(fx, ["logs", "-f", "talk"], on: .pipes)
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "talk"]).stdout) == "early 1\nearly 2\nearly 3\n" })
        XCTAssertEqual(try fx.corral(["logs", "--tail", "2", "talk"]).stdout, "early 2\nearly 3\n")
        XCTAssertEqual(try fx.corral(["logs", "--tail", "0", "talk"]).stdout, "")
        XCTAssertEqual(try fx.corral(["logs", "--tail", "100", "talk"]).stdout, "early 1\nearly 2\nearly 3\n")
        XCTAssertEqual(try fx.corral(["logs", "--tail", "all", "talk"]).stdout, "early 1\nearly 2\nearly 3\n")
        XCTAssertEqual(try fx.corral(["logs", "-n", "1", "talk"]).stdout, "early 3\n", "docker's short -n")
        XCTAssertEqual(try fx.corral(["logs", "-n1", "talk"]).stdout, "early 3\n", "-n with its value attached, as docker takes it")
        // Still following while the container waits for the gate.
        XCTAssertTrue(follow.process.isRunning, "logs -f returned before the container exited")
        XCTAssertEqual(try fx.corral(["exec", "talk", "--", "touch", "/tmp/go"]).code, 0)

        let (code, out) = follow.finish(timeout: 15)
        XCTAssertEqual(code, 0, follow.errorOutput)
        XCTAssertEqual(out, "early 1\nearly 2\nearly 3\nlate\nlate-err\nlast\n")
        XCTAssertEqual(try fx.container("talk")?["state"] as? String, "exited")

        // On an exited container -f prints what there is and returns.
        let after = try fx.corral(["logs", "-f", "--tail", "1", "talk"], timeout: 10)
        XCTAssertEqual(after.stdout, "last\n")
        fx.assertOneLineError(try fx.corral(["logs", "nosuch"]), containing: "nosuch")
    }

    /// `logs -f` started while the container writes fast: the part printed at once and the
    /// part followed afterwards join without a gap or a repeat.
    func testFollowStartedMidStreamMissesNothing() throws {
        let lines = 150_000
        let script = "awk 'BEGIN{for(i=1;i<=\(lines);i++) printf \"%d follow\\n\", i}'; sleep 0.2"
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "stream", "busybox", "--", "sh", "-c", script]).code, 0)
        XCTAssertTrue(fx.wait { ((try? FileManager.default.attributesOfItem(atPath: fx.stateRoot + "/stream/log"))?[.size] as? Int ?? 0) > 0 })
        let follow = try LiveCorral(fx, ["logs", "-f", "stream"], on: .pipes)
        let (code, out) = follow.finish(timeout: 30)
        XCTAssertEqual(code, 0, follow.errorOutput)
        let numbers = out.split(separator: "\n").map { Int($0.split(separator: " ").first ?? "") ?? -1 }
        XCTAssertEqual(numbers.count, lines)
        XCTAssertTrue(numbers == Array(1...lines), "gap or repeat around \(zip(numbers, 1...lines).first { $0 != $1 }.map { "\($0)" } ?? "the end")")
    }

    /// ~21 MB of numbered lines into a log capped at `Runtime.logMaxBytes` (8 MiB): the file
    /// never grows past the cap, and what it keeps is the newest output, whole lines in order.
    func testLogIsCappedAndKeepsTheNewestOutput() throws {
        let cap = 8 << 20
        let lines = 300_000
        let script = "awk 'BEGIN{for(i=1;i<=\(lines);i++) printf \"%d abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789\\n\", i}'; echo end-of-output; sleep 1000"
        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "chatty", "busybox", "--", "sh", "-c", script]).code, 0)
        let follow = try LiveCorral(fx, ["logs", "-f", "chatty"], on: .pipes)

        // Sampled in a tight loop: a trim copies megabytes, so a file that overshoots the cap
        // until its trim is done is seen over it.
        let logPath = fx.stateRoot + "/chatty/log"
        let sampler = SizeSampler(path: logPath)
        let done = fx.wait(timeout: 60) {
            (try? fx.corral(["logs", "--tail", "1", "chatty"]).stdout) == "end-of-output\n"
        }
        let (largest, samples) = sampler.stop()
        XCTAssertTrue(done, "end-of-output never reached the log")
        XCTAssertGreaterThan(samples, 100)
        XCTAssertLessThanOrEqual(largest, cap, "the log grew past the cap")

        let data = try Data(contentsOf: URL(fileURLWithPath: logPath))
        XCTAssertLessThanOrEqual(data.count, cap)
        XCTAssertGreaterThan(data.count, cap / 4, "kept far less than the cap")
        let kept = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(kept.suffix(2), ["end-of-output", ""])
        let numbers = kept.dropLast(2).map { Int($0.split(separator: " ").first ?? "") ?? -1 }
        let first = try XCTUnwrap(numbers.first)
        XCTAssertGreaterThan(first, 1, "the oldest output was kept")
        XCTAssertEqual(numbers, Array(first...lines), "the log is not the newest whole lines in order")
        XCTAssertFalse(FileManager.default.fileExists(atPath: logPath + ".trim"))

        // A follower across the trims still reaches the end, and returns when the container goes.
        XCTAssertTrue(follow.waitForOutput("end-of-output\n", timeout: 30))
        XCTAssertEqual(try fx.corral(["kill", "chatty"]).code, 0)
        let (code, out) = follow.finish(timeout: 15)
        XCTAssertEqual(code, 0, follow.errorOutput)
        XCTAssertTrue(out.hasSuffix("\(lines) abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789\nend-of-output\n"))
    }
}

/// Watches a file's size from a thread of its own until stopped; reports the largest seen.
final class SizeSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var largest = 0
    private var samples = 0
    private let finished = DispatchSemaphore(value: 0)

    init(path: String) {
        Thread.detachNewThread { [self] in
            var st = stat()
            while true {
                lock.lock()
                let go = running
                if stat(path, &st) == 0 {
                    largest = max(largest, Int(st.st_size))
                    samples += 1
                }
                lock.unlock()
                if !go { break }
                usleep(200)
            }
            finished.signal()
        }
    }

    func stop() -> (largest: Int, samples: Int) {
        lock.lock()
        running = false
        lock.unlock()
        finished.wait()
        lock.lock()
        defer { lock.unlock() }
        return (largest, samples)
    }
}
