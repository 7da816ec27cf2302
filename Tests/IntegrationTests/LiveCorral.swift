import Foundation
import Glibc
import XCTest

/// A `corral` process the test talks to while it runs: on a new pseudo-terminal (stdin, stdout
/// and stderr all the pty's slave side, as in a terminal window) or on pipes. Its output is
/// collected as it comes, so a test can wait for a line, then type, resize or signal.
final class LiveCorral: @unchecked Sendable {
    enum Stdio {
        /// A terminal of this size; the test writes keys to it with `send`.
        case pty(rows: UInt16, cols: UInt16)
        /// stdin a pipe (closed by `closeInput`), stdout and stderr pipes.
        case pipes
    }

    let process = Process()
    private let lock = NSLock()
    private var collected = Data()
    private var collectedErr = Data()
    private let readers = DispatchGroup()
    private var master: Int32 = -1
    private var input: FileHandle?

    init(_ fx: CorralFixture, _ args: [String], on stdio: Stdio) throws {
        process.executableURL = URL(fileURLWithPath: fx.binary)
        process.arguments = args
        process.environment = fx.environment
        switch stdio {
        case let .pty(rows, cols):
            // posix_openpt and friends are not in Swift's Glibc module: the ioctls behind them
            // (<asm-generic/ioctls.h>: TIOCSPTLCK = _IOW('T', 0x31, int), TIOCGPTN = _IOR('T', 0x30, unsigned)).
            let m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
            var unlock: Int32 = 0
            var number: UInt32 = 0
            guard m >= 0, ioctl(m, 0x4004_5431, &unlock) == 0, ioctl(m, 0x8004_5430, &number) == 0 else {
                throw NSError(domain: "pty", code: Int(errno))
            }
            master = m
            let name = "/dev/pts/\(number)"
            var ws = winsize(ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0)
            _ = ioctl(m, UInt(TIOCSWINSZ), &ws)
            let slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard slave >= 0 else { throw NSError(domain: "pty", code: Int(errno)) }
            let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
            process.standardInput = handle
            process.standardOutput = handle
            process.standardError = handle
            defer { close(slave) } // the child has its copies; EIO on the master then means it is gone
            try process.run()
            read(fd: m) { self.collected.append($0) }
        case .pipes:
            let inPipe = Pipe(), out = Pipe(), err = Pipe()
            process.standardInput = inPipe
            process.standardOutput = out
            process.standardError = err
            try process.run()
            input = inPipe.fileHandleForWriting
            read(fd: out.fileHandleForReading.fileDescriptor) { self.collected.append($0) }
            read(fd: err.fileHandleForReading.fileDescriptor) { self.collectedErr.append($0) }
        }
    }

    private func read(fd: Int32, into append: @escaping (Data) -> Void) {
        readers.enter()
        Thread.detachNewThread { [self] in
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = Glibc.read(fd, &buf, buf.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break } // EOF, or EIO once no process holds the pty's slave side
                lock.lock()
                append(Data(buf[0..<n]))
                lock.unlock()
            }
            readers.leave()
        }
    }

    /// Everything written to stdout (with a pty: to the terminal) so far.
    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    var errorOutput: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collectedErr, as: UTF8.self)
    }

    var pid: Int32 { process.processIdentifier }

    /// True once `text` has appeared in the output (false after `timeout`).
    func waitForOutput(_ text: String, timeout: TimeInterval = 15) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            usleep(10_000)
        }
        return output.contains(text)
    }

    /// Types `text` on the terminal (or writes it to stdin with pipes).
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        if master >= 0 {
            _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        } else {
            input?.write(Data(bytes))
        }
    }

    func closeInput() {
        try? input?.close()
        input = nil
    }

    /// Resizes the terminal, as a terminal emulator does when its window changes. The kernel
    /// signals only the pty's foreground process group, and corral (started here without a
    /// controlling terminal) is not in one: send it SIGWINCH yourself afterwards.
    func setWindowSize(rows: UInt16, cols: UInt16) {
        var ws = winsize(ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &ws)
    }

    func signal(_ sig: Int32) {
        kill(process.processIdentifier, sig)
    }

    /// Waits for corral to exit (killing it after `timeout`, which fails the test) and for its
    /// output to be read to the end. The code is 128+N if a signal N ended it.
    func finish(timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line) -> (code: Int32, output: String) {
        closeInput()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            XCTFail("corral \(process.arguments?.joined(separator: " ") ?? "") still running after \(timeout)s; output: \(output)", file: file, line: line)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        if readers.wait(timeout: .now() + 10) == .timedOut {
            XCTFail("corral's output never reached EOF", file: file, line: line)
        }
        if master >= 0 {
            close(master)
            master = -1
        }
        let code = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (code, output)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        if master >= 0 { close(master) }
    }
}

extension CorralFixture {
    /// `corral ARGS` with `input` written to its stdin (then closed).
    func corral(_ args: [String], input: String, timeout: TimeInterval = 60) throws -> Result {
        let live = try LiveCorral(self, args, on: .pipes)
        live.send(input)
        let (code, out) = live.finish(timeout: timeout)
        return Result(code: code, stdout: out, stderr: live.errorOutput)
    }

    /// A host tool (tar, gzip, ...) that must succeed.
    static func tool(_ path: String, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let msg = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "tool", code: Int(p.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "\(path) \(args.joined(separator: " ")): \(String(decoding: msg, as: UTF8.self))",
            ])
        }
    }

    /// The fixture's own scratch directory (removed in tearDown).
    var scratch: String {
        let dir = "/tmp/corral-test-\(id)/scratch"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `image ls --json`, decoded.
    func imagesJSON(file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let r = try corral(["image", "ls", "--json"])
        XCTAssertEqual(r.code, 0, r.stderr, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], r.stdout, file: file, line: line)
    }

    /// A failed verb prints exactly one line, `corral: error: ...`.
    func assertOneLineError(_ r: Result, containing text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(r.code, 0, "expected a failure: \(r.stdout)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "not one line: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(text), "\(r.stderr) lacks \(text)", file: file, line: line)
    }
}
