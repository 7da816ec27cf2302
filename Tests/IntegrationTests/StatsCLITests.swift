import Foundation
import Glibc
import XCTest

/// `corral stats` as scripts use it: streaming into a pipe or a file (one frame per interval,
/// each there as soon as it is made), ending when the reader goes or a signal comes, and
/// `--no-stream` of a container that has exited.
final class StatsCLITests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    let burner = ["sh", "-c", "while :; do :; done"]

    /// Nothing running: `[]` for a script, as `ps --json` gives; a damaged state file is named
    /// on stderr as `ps` names it, not silently left out.
    func testEmptyJSONIsAnEmptyArrayAndADamagedRecordIsNamed() throws {
        XCTAssertEqual(try fx.corral(["stats", "--no-stream", "--json"]).stdout, "[]\n")
        XCTAssertEqual(try fx.corral(["ps", "--json"]).stdout, "[]\n")
        try fx.detached("hurt", ["sleep", "1000"])
        try Data("{junk".utf8).write(to: URL(fileURLWithPath: fx.stateRoot + "/hurt/state.json"))
        let r = try fx.corral(["stats", "--no-stream"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stderr, "corral: warning: container hurt has a damaged state file and is not listed; `corral rm -f hurt` removes it\n")
        XCTAssertEqual(try fx.corral(["rm", "-f", "hurt"]).code, 0)
    }

    func testJSONStreamInAPipeIsOneArrayPerLineAndEndsWhenThePipeCloses() throws {
        try fx.detached("burn", burner, options: ["--cpus", "0.3"])
        let stats = try StreamingCorral(fx, ["stats", "--json"])
        let lines = stats.readLines(2, timeout: 15)
        XCTAssertEqual(lines.count, 2, "got only: \(lines) (stderr: \(stats.errorOutput))")
        for line in lines {
            let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]], line)
            let burn = try XCTUnwrap(rows.first { $0["name"] as? String == "burn" }, line)
            XCTAssertEqual(burn["state"] as? String, "running")
            XCTAssertEqual(burn["cpus"] as? Double, 0.3)
            // Capped at 30% of a core; a period's rounding at the ends of the interval may add a little.
            let cpu = try XCTUnwrap(burn["cpuPercent"] as? Double)
            XCTAssertGreaterThan(cpu, 0, line)
            XCTAssertLessThan(cpu, 45, line)
        }
        stats.closeOutput()
        stats.assertEndsQuietly(acceptingCodes: [0])
    }

    func testTableStreamInAPipeRepeatsPlainFramesAndEndsWhenThePipeCloses() throws {
        try fx.detached("idle", ["sleep", "1000"], options: ["--cpus", "0.5"])
        let stats = try StreamingCorral(fx, ["stats"])
        let lines = stats.readLines(4, timeout: 15)
        guard lines.count == 4 else { return XCTFail("got only: \(lines) (stderr: \(stats.errorOutput))") }
        // Two frames of a header and one row, with no terminal escapes between them.
        XCTAssertEqual(lines.map { $0.split(separator: " ").first.map(String.init) ?? "" }, ["NAME", "idle", "NAME", "idle"])
        for line in lines { XCTAssertFalse(line.contains("\u{1B}"), "escape code in a pipe: \(line.debugDescription)") }
        let row = lines[1].split(separator: " ").map(String.init)
        XCTAssertEqual(Array(row.prefix(4)), ["idle", "running", "0.0%", "0.5"])
        stats.closeOutput()
        stats.assertEndsQuietly(acceptingCodes: [0])
    }

    /// Into a file, stopped by SIGINT after two intervals (as `timeout -s INT` does): the frames
    /// sampled by then are in the file, whole.
    func testJSONStreamIntoAFileKeepsEveryFrameWhenInterrupted() throws {
        try fx.detached("burn", burner, options: ["--cpus", "0.3"])
        let path = fx.scratch + "/stats.jsonl"
        let stats = try StreamingCorral(fx, ["stats", "--json", "burn"], outputFile: path)
        func fileLines() -> [Substring] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        }
        XCTAssertTrue(fx.wait(timeout: 30) { fileLines().count >= 3 }, "the file holds: \(fileLines()) (stderr: \(stats.errorOutput))")
        kill(stats.process.processIdentifier, SIGINT)
        stats.assertEndsQuietly(acceptingCodes: [0, 128 + SIGINT])
        let lines = fileLines()
        XCTAssertEqual(lines.last, "", "the last frame was cut off")
        XCTAssertGreaterThanOrEqual(lines.count, 3)
        for line in lines.dropLast() {
            let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]], String(line))
            XCTAssertEqual(rows.map { $0["name"] as? String }, ["burn"])
        }
    }

    func testNoStreamOfAnExitedContainerShowsItsRow() throws {
        try fx.detached("done", ["true"], options: ["--cpus", "0.5"])
        XCTAssertTrue(fx.wait { (try? fx.container("done")?["state"] as? String) == "exited" })

        let table = try fx.corral(["stats", "--no-stream", "done"])
        XCTAssertEqual(table.code, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, table.stdout)
        XCTAssertEqual(lines.last.map { Array($0.split(separator: " ").prefix(4)) }, ["done", "exited", "0.0%", "0.5"])

        let json = try fx.corral(["stats", "--no-stream", "--json", "done"])
        XCTAssertEqual(json.code, 0, json.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], json.stdout)
        XCTAssertEqual(rows.count, 1, json.stdout)
        XCTAssertEqual(rows.first?["name"] as? String, "done")
        XCTAssertEqual(rows.first?["state"] as? String, "exited")
        XCTAssertEqual(rows.first?["cpuPercent"] as? Double, 0)
        XCTAssertEqual(rows.first?["cpus"] as? Double, 0.5)

        // Named by a prefix of its id, as `ps` shows it.
        let id = try XCTUnwrap(fx.container("done")?["id"] as? String)
        let byID = try fx.corral(["stats", "--no-stream", String(id.prefix(6))])
        XCTAssertEqual(byID.code, 0, byID.stderr)
        XCTAssertEqual(byID.stdout, table.stdout)

        // Without a name, `stats` is about running containers only.
        let all = try fx.corral(["stats", "--no-stream", "--json"])
        XCTAssertEqual(all.code, 0, all.stderr)
        XCTAssertEqual(all.stdout, "[]\n")
        fx.assertOneLineError(try fx.corral(["stats", "--no-stream", "nosuch"]), containing: "nosuch")
    }
}

/// A `corral` whose stdout is a pipe this test reads line by line (and may close while corral
/// still writes) or a file; stderr goes to a file.
private final class StreamingCorral {
    let process = Process()
    private var reader: FileHandle?
    private var pending = Data()
    private let errorPath: String

    init(_ fx: CorralFixture, _ args: [String], outputFile: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: fx.binary)
        process.arguments = args
        process.environment = fx.environment
        process.standardInput = FileHandle.nullDevice
        errorPath = fx.scratch + "/stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        if let outputFile {
            _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputFile))
        } else {
            let pipe = Pipe()
            process.standardOutput = pipe
            reader = pipe.fileHandleForReading
        }
        try process.run()
    }

    var errorOutput: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// The first `count` lines of stdout, or fewer if they don't come within `timeout`.
    func readLines(_ count: Int, timeout: TimeInterval) -> [String] {
        guard let fd = reader?.fileDescriptor else { return [] }
        let deadline = Date().addingTimeInterval(timeout)
        var lines: [String] = []
        while lines.count < count && Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            pending.append(contentsOf: buf[0..<n])
            while lines.count < count, let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: pending[pending.startIndex..<nl], as: UTF8.self))
                pending = Data(pending[(nl + 1)...])
            }
        }
        return lines
    }

    /// Closes the read end of stdout, as `| head` does when it has enough.
    func closeOutput() {
        try? reader?.close()
        reader = nil
    }

    /// corral ends by itself (within a generous timeout) with one of `codes` (128+N: signal N)
    /// and nothing on stderr.
    func assertEndsQuietly(acceptingCodes codes: [Int32], file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            XCTFail("corral \(process.arguments ?? []) still running", file: file, line: line)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let code = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        XCTAssertTrue(codes.contains(code), "exit \(code), stderr: \(errorOutput)", file: file, line: line)
        XCTAssertEqual(errorOutput, "", file: file, line: line)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
