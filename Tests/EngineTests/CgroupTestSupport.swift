import Foundation
import XCTest
@testable import Engine

/// Helpers for the cgroup tests: unique names, child processes, and cleanup that does not trust
/// the code under test.
enum CgroupTestSupport {
    /// "corral-test-<pid>-<random>": unique per test, recognisable if one ever leaks.
    static func uniqueName() -> String {
        "corral-test-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
    }

    /// posix_spawn of argv[0] (an absolute path) with this process's environment.
    static func spawn(_ argv: [String]) throws -> pid_t {
        var pid: pid_t = 0
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        let rc = posix_spawn(&pid, argv[0], nil, nil, &cargs, environ)
        guard rc == 0 else { throw EngineError.system(step: "posix_spawn", path: argv[0], errno: rc) }
        return pid
    }

    /// /bin/sh -c `script`.
    static func shell(_ script: String) throws -> pid_t {
        try spawn(["/bin/sh", "-c", script])
    }

    /// Waits for `pid` to end; returns its wait status, or nil after `timeout` seconds.
    static func wait(_ pid: pid_t, timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { return status }
            if r < 0 { return nil }
            usleep(5_000)
        }
        return nil
    }

    static func exitCode(_ status: Int32) -> Int32? { (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil }
    static func termSignal(_ status: Int32) -> Int32? {
        let sig = status & 0x7f
        return sig != 0 && sig != 0x7f ? sig : nil
    }

    /// Polls `condition` every 10 ms up to `timeout` seconds.
    static func eventually(timeout: Double = 3, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// Kills every task below `dir` (thawing v1 freezer groups first so SIGKILL lands) and
    /// removes the directories depth-first. Written against plain syscalls on purpose.
    static func purge(_ dir: String) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { return }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        for name in children {
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &sub), sub.boolValue {
                purge(dir + "/" + name)
            }
        }
        for _ in 0..<200 {
            if FileManager.default.fileExists(atPath: dir + "/freezer.state") {
                try? "THAWED".write(toFile: dir + "/freezer.state", atomically: false, encoding: .utf8)
            }
            if FileManager.default.fileExists(atPath: dir + "/cgroup.freeze") {
                try? "0".write(toFile: dir + "/cgroup.freeze", atomically: false, encoding: .utf8)
            }
            let procs = (try? String(contentsOfFile: dir + "/cgroup.procs", encoding: .utf8)) ?? ""
            for line in procs.split(separator: "\n") { if let p = pid_t(line) { kill(p, SIGKILL) } }
            if rmdir(dir) == 0 || errno == ENOENT { return }
            usleep(10_000)
        }
        XCTFail("could not remove \(dir): \(String(cString: strerror(errno)))")
    }

    static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
