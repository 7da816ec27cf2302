import Foundation
import XCTest

/// The hostile programs of Tests/hostile, compiled with `cc -static` once per test process
/// into a directory of their own (removed at exit).
enum HostilePrograms {
    static let sourceDirectory: String = {
        // Tests/IntegrationTests/HostileSupport.swift -> Tests/hostile
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("hostile").path
    }()

    /// name → compiled path. Fails the first test that asks if a program does not compile.
    static let built: Result<[String: String], Error> = {
        let out = "/tmp/corral-test-hostile-bin-\(getpid())"
        do {
            try? FileManager.default.removeItem(atPath: out)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            atexit { try? FileManager.default.removeItem(atPath: "/tmp/corral-test-hostile-bin-\(getpid())") }
            var paths: [String: String] = [:]
            let sources = try FileManager.default.contentsOfDirectory(atPath: sourceDirectory).filter { $0.hasSuffix(".c") }
            for source in sources.sorted() {
                let name = String(source.dropLast(2))
                // The fake loader runs before any libc could: no libc, position independent.
                let flags = name == "fake_loader"
                    ? ["-static-pie", "-nostdlib", "-fno-stack-protector", "-O1"] : ["-static", "-O1", "-Wall"]
                let r = try Host.run("/usr/bin/cc", flags + ["-o", out + "/" + name, sourceDirectory + "/" + source])
                guard r.code == 0 else {
                    throw NSError(domain: "hostile", code: 1, userInfo: [NSLocalizedDescriptionKey: "cc \(source): \(r.stderr)"])
                }
                paths[name] = out + "/" + name
            }
            return .success(paths)
        } catch {
            return .failure(error)
        }
    }()

    static func path(_ name: String) throws -> String {
        let all = try built.get()
        guard let p = all[name] else { throw NSError(domain: "hostile", code: 2, userInfo: [NSLocalizedDescriptionKey: "no program \(name)"]) }
        return p
    }
}

/// Host-side helpers: processes started with exact bytes as arguments and chosen extra fds,
/// and counting what corral leaves on the machine.
enum Host {
    /// A kernel-made file read to its end. Foundation's `String(contentsOfFile:)` stops after
    /// the first read of a file whose size `stat` gives as 0 (every /proc file): /proc/self/mountinfo
    /// lost all but its first ~4 KiB once other containers' mounts were there.
    static func kernelText(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.readToEnd()).map { String(decoding: $0 ?? Data(), as: UTF8.self) }
    }

    /// The start time (clock ticks since boot) of a live process, as /proc/PID/stat gives it.
    static func startTime(_ pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 of the whole line; fields[0] here is field 3 (the state).
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// The process is gone, or a zombie its parent has not collected yet.
    static func hasEnded(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    struct Output {
        var code: Int32
        var stdout: String
        var stderr: String
        /// True when the process was killed by a signal (code is then 128 + signal).
        var signaled: Bool
    }

    /// A process started by `spawn`, its output going to files until it is finished.
    final class Spawned {
        let pid: pid_t
        let outPath: String
        let errPath: String
        private(set) var status: Int32?

        init(pid: pid_t, outPath: String, errPath: String) {
            self.pid = pid
            self.outPath = outPath
            self.errPath = errPath
        }

        func kill(_ signal: Int32 = SIGKILL) {
            if status == nil { _ = Glibc.kill(pid, signal) }
        }

        /// Waits (killing it after `timeout`) and returns what it printed.
        @discardableResult
        func finish(timeout: TimeInterval = 60) -> Output {
            let deadline = Date().addingTimeInterval(timeout)
            var st: Int32 = 0
            while status == nil {
                let r = waitpid(pid, &st, WNOHANG)
                if r == pid { status = st; break }
                if r < 0 && errno != EINTR { status = -1; break }
                if Date() > deadline {
                    Glibc.kill(pid, SIGKILL)
                    waitpid(pid, &st, 0)
                    status = st
                    XCTFail("process \(pid) timed out after \(timeout)s")
                    break
                }
                usleep(2_000)
            }
            let s = status ?? -1
            let sig = s & 0x7f
            let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            unlink(outPath)
            unlink(errPath)
            return Output(code: sig == 0 ? (s >> 8) & 0xff : 128 + sig, stdout: out, stderr: err, signaled: sig != 0)
        }
    }

    private static let counter = NSLock()
    nonisolated(unsafe) private static var serial = 0

    /// posix_spawn with arguments given as raw bytes (so they may be invalid UTF-8), stdin
    /// from /dev/null, stdout and stderr to files, and `extraFds` (target fd → source fd)
    /// left open and inheritable in the child.
    static func spawn(_ path: String, _ args: [[UInt8]], env: [String: String]? = nil,
                      extraFds: [Int32: Int32] = [:]) throws -> Spawned {
        counter.lock()
        serial += 1
        let n = serial
        counter.unlock()
        let outPath = "/tmp/corral-test-out-\(getpid())-\(n)", errPath = outPath + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // dup2 clears close-on-exec on the copy; a source equal to its target would keep it.
        for (target, source) in extraFds {
            precondition(target != source && target > 2)
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Signals the test process blocks or ignores must not carry over.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [Array(path.utf8)] + args
        let envList = (env ?? ProcessInfo.processInfo.environment).map { Array("\($0.key)=\($0.value)".utf8) }
        let cArgs = argv.map { bytes -> UnsafeMutablePointer<CChar>? in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
            p[bytes.count] = 0
            return p
        } + [nil]
        let cEnv = envList.map { bytes -> UnsafeMutablePointer<CChar>? in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
            p[bytes.count] = 0
            return p
        } + [nil]
        defer {
            for p in cArgs { p?.deallocate() }
            for p in cEnv { p?.deallocate() }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, cArgs, cEnv)
        guard rc == 0 else {
            throw NSError(domain: "spawn", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(path): \(String(cString: strerror(rc)))"])
        }
        return Spawned(pid: pid, outPath: outPath, errPath: errPath)
    }

    static func run(_ path: String, _ args: [String], env: [String: String]? = nil, timeout: TimeInterval = 120) throws -> Output {
        try spawn(path, args.map { Array($0.utf8) }, env: env).finish(timeout: timeout)
    }

    /// Pids of every process whose environment names `stateRoot` as CORRAL_ROOT: the CLIs and
    /// supervisors of one fixture (containers get a clean environment and are counted by cgroup).
    static func processes(withStateRoot stateRoot: String) -> [pid_t] {
        let needle = Array("CORRAL_ROOT=\(stateRoot)\0".utf8)
        let me = getpid()
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != me,
                  let env = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { return nil }
            let bytes = [UInt8](env)
            guard bytes.count >= needle.count else { return nil }
            // environ entries are NUL-terminated; match one whole entry.
            var start = 0
            for i in 0..<bytes.count where bytes[i] == 0 {
                if Array(bytes[start...i]) == needle { return pid }
                start = i + 1
            }
            return nil
        }
    }

    static func sha256(_ path: String) throws -> String {
        let r = try run("/usr/bin/sha256sum", [path])
        guard r.code == 0 else { throw NSError(domain: "sha256sum", code: Int(r.code)) }
        return String(r.stdout.prefix(64))
    }

    /// The host's root block device as "major minor" (from mountinfo).
    static func rootDevice() -> (major: Int, minor: Int)? {
        let info = kernelText("/proc/self/mountinfo") ?? ""
        for line in info.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count > 4, f[4] == "/" else { continue }
            let mm = f[2].split(separator: ":").compactMap { Int($0) }
            if mm.count == 2 { return (mm[0], mm[1]) }
        }
        return nil
    }
}

extension CorralFixture {
    /// A private, writable copy of the busybox rootfs with the hostile programs in /hostile
    /// (below the fixture's directory, so tearDown removes it).
    func hostileRootfs(_ label: String = "hostile") throws -> String {
        let dir = "/tmp/corral-test-\(id)/\(label)-rootfs"
        let r = try Host.run("/bin/cp", ["-a", CorralFixture.rootfs, dir])
        guard r.code == 0 else { throw NSError(domain: "cp", code: Int(r.code), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        try FileManager.default.createDirectory(atPath: dir + "/hostile", withIntermediateDirectories: true)
        for (name, path) in try HostilePrograms.built.get() where name != "fake_loader" {
            try FileManager.default.copyItem(atPath: path, toPath: dir + "/hostile/" + name)
        }
        return dir
    }

    /// `corral ARGS` with raw byte arguments, a chosen binary and extra inherited fds.
    func corralRaw(_ args: [[UInt8]], binary: String? = nil, extraFds: [Int32: Int32] = [:],
                   env extra: [String: String] = [:], timeout: TimeInterval = 60) throws -> Host.Output {
        var env = environment
        for (k, v) in extra { env[k] = v }
        return try Host.spawn(binary ?? self.binary, args, env: env, extraFds: extraFds).finish(timeout: timeout)
    }

    func corralRaw(_ args: [String], binary: String? = nil, extraFds: [Int32: Int32] = [:],
                   env extra: [String: String] = [:], timeout: TimeInterval = 60) throws -> Host.Output {
        try corralRaw(args.map { Array($0.utf8) }, binary: binary, extraFds: extraFds, env: extra, timeout: timeout)
    }

    /// Starts `corral ARGS` and returns at once (for killing it at a chosen moment).
    func spawnCorral(_ args: [String], binary: String? = nil) throws -> Host.Spawned {
        try Host.spawn(binary ?? self.binary, args.map { Array($0.utf8) }, env: environment)
    }

    /// What this fixture has on the machine right now; a test compares two of them.
    struct Footprint: Equatable, CustomStringConvertible {
        var cgroupDirs: [String]
        var mounts: [String]
        var containerProcesses: [pid_t]
        var corralProcesses: [pid_t]
        var stateEntries: [String]

        var isEmpty: Bool { self == Footprint(cgroupDirs: [], mounts: [], containerProcesses: [], corralProcesses: [], stateEntries: []) }
        var description: String {
            "cgroups \(cgroupDirs), mounts \(mounts.count), container pids \(containerProcesses), corral pids \(corralProcesses), state \(stateEntries)"
        }
    }

    func footprint() -> Footprint {
        Footprint(cgroupDirs: cgroupDirs().sorted(), mounts: mounts(), containerProcesses: processesInOurCgroups().sorted(),
                  corralProcesses: Host.processes(withStateRoot: stateRoot).sorted(), stateEntries: stateEntries().sorted())
    }

    /// Waits for every corral process of this fixture (supervisors finishing an `rm`) to end.
    func waitForFootprint(_ expected: Footprint, timeout: TimeInterval = 10) -> Footprint {
        var now = footprint()
        let deadline = Date().addingTimeInterval(timeout)
        while now != expected && Date() < deadline {
            usleep(50_000)
            now = footprint()
        }
        return now
    }

    func readKnob(_ hierarchy: String, _ name: String, _ file: String) -> String? {
        (try? String(contentsOfFile: cgroupDir(hierarchy, name) + "/" + file, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Asserts a hostile program's report: exit 0, no ESCAPE line, at least one "ok" line.
func assertContained(_ r: Host.Output, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    let report = "\(label): exit \(r.code)\n\(r.stdout)\(r.stderr)"
    XCTAssertFalse(r.stdout.contains("ESCAPE"), report, file: file, line: line)
    XCTAssertFalse(r.stdout.contains("BROKEN"), report, file: file, line: line)
    XCTAssertTrue(r.stdout.contains("ok "), report, file: file, line: line)
    XCTAssertEqual(r.code, 0, report, file: file, line: line)
}
