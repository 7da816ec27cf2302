import Foundation
import XCTest

/// Every flag and argument fed wrong values — empty, huge, negative, out of range, not
/// UTF-8, path traversal — beyond BadInputTests' cases: each gives one line
/// `corral: error: ...`, a non-zero exit, and leaves nothing behind (and a running
/// container it named is left exactly as it was).
final class HostileInputTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    static let notUTF8: [UInt8] = [0x66, 0xff, 0xfe, 0xc3, 0x28]   // "f", two invalid bytes, a broken sequence
    static let huge = String(repeating: "9", count: 100_000)
    static let hugeName = String(repeating: "a", count: 100_000)

    enum Arg: ExpressibleByStringLiteral {
        case text(String)
        case bytes([UInt8])
        init(stringLiteral s: String) { self = .text(s) }
        var raw: [UInt8] {
            switch self {
            case let .text(s): return Array(s.utf8)
            case let .bytes(b): return b
            }
        }
        var shown: String {
            switch self {
            case let .text(s): return s.count > 40 ? String(s.prefix(20)) + "…(\(s.count))" : s
            case let .bytes(b): return b.map { String(format: "\\x%02x", $0) }.joined()
            }
        }
    }

    /// Every file in the image store but its lock files (an empty store skeleton is no image).
    var imagesEntries: [String] {
        var files: [String] = []
        let e = FileManager.default.enumerator(atPath: fx.imagesRoot)
        while let path = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: fx.imagesRoot + "/" + path, isDirectory: &isDir), !isDir.boolValue,
               !path.hasSuffix(".lock") { files.append(path) }
        }
        return files.sorted()
    }

    /// Refused with one error line; nothing changed on the machine.
    func assertRefused(_ args: [Arg], env: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws {
        let before = fx.footprint()
        let parentsBefore = fx.parentCgroupDirs()
        let images = imagesEntries
        let r = try fx.corralRaw(args.map(\.raw), env: env, timeout: 30)
        let what = "corral " + args.map(\.shown).joined(separator: " ") + (env.isEmpty ? "" : " with \(env)")
        XCTAssertNotEqual(r.code, 0, "accepted: \(what)", file: file, line: line)
        XCTAssertFalse(r.signaled, "crashed: \(what): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: "), "\(what): \(r.stderr.prefix(300))", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "not one line: \(what): \(r.stderr.prefix(300))", file: file, line: line)
        XCTAssertLessThan(r.stderr.utf8.count, 2000, "an error line of \(r.stderr.utf8.count) bytes: \(what)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", "\(what) printed to stdout", file: file, line: line)
        let after = fx.waitForFootprint(before, timeout: 2)
        XCTAssertEqual(after, before, "left behind by \(what)", file: file, line: line)
        XCTAssertEqual(fx.parentCgroupDirs(), parentsBefore, "cgroup parent made by \(what)", file: file, line: line)
        XCTAssertEqual(imagesEntries, images, "images store changed by \(what)", file: file, line: line)
    }

    func testEveryRunFlagWithWrongValues() throws {
        let rootfs = CorralFixture.rootfs
        let wrong: [String: [Arg]] = [
            "--name": ["", "..", ".", "../x", "x/../../y", "x/y", "-", "x\ny", "café", .text(Self.hugeName), .bytes(Self.notUTF8)],
            "--rootfs": ["", "/", "../../../../../../../..", "/proc/self/root", .text("/" + Self.hugeName), .bytes(Array("/tmp/".utf8) + Self.notUTF8)],
            "--cpus": ["", "-1", "nan", "inf", "-inf", "1e400", "1,5", "0.0001", "2000", .text(Self.huge), .bytes(Self.notUTF8)],
            "--cpu-quota": ["", "-1.5", "1e3", "0", "999", "-9223372036854775808", "99999999999999999999", .text(Self.huge), .bytes(Self.notUTF8)],
            "--cpu-period": ["", "-1", "999", "1000001", "0x3e8", "100000.5", .text(Self.huge), .bytes(Self.notUTF8)],
            "--pids-limit": ["", "-2", "1.5", "x", "99999999999999", "99999999999999999999", .text(Self.huge), .bytes(Self.notUTF8)],
            "--memory": ["", "-2", "4194303", "3m", "9999999999999t", "1.5", "1e3m", "2.5k", "0.0001k", "g", "-1m", "1q", .text(Self.huge), .bytes(Self.notUTF8)],
            "--hostname": ["", "-a", ".a", "a b", "a_b", "../x", "a/b", .text(String(repeating: "h", count: 65)), .bytes(Self.notUTF8)],
            "--net": ["", "NONE", "bridge", "container:x", "host ", .bytes(Self.notUTF8)],
            "--env": ["", "=", "=x", "=NOKEY"],
            "--workdir": ["relative", "../x", "./x", .bytes(Self.notUTF8)],
            "--user": [":", "1:", ":1", "-1", "4294967296", "0:4294967296", "a:b:c", "../x", "nosuchuser", .bytes(Self.notUTF8)],
            "--cap-add": ["", "../x", "CAP_", "SYS_ADMIN2", "all,kill", .bytes(Self.notUTF8)],
            "--cap-drop": ["", "../x", "CAP_NOPE", .bytes(Self.notUTF8)],
        ]
        for (flag, values) in wrong.sorted(by: { $0.key < $1.key }) {
            for (i, value) in values.enumerated() {
                try assertRefused(["run", "--rootfs", .text(rootfs), .text(flag), value, "--", "true"])
                // run -d checks the same way before it forks; a sample of each flag is enough.
                if i % 3 == 0 || i == values.count - 1 {
                    try assertRefused(["run", "-d", "--rootfs", .text(rootfs), .text(flag), value, "--", "sleep", "1"])
                }
            }
        }
        // The rootfs flags on their own, and the command.
        try assertRefused(["run", "--rootfs", .text(rootfs), "--", ""])
        try assertRefused(["run", "--rootfs", .text(rootfs), "--", .bytes(Self.notUTF8)])
        try assertRefused(["run", "--rootfs", .text(rootfs), "--", .text("/" + Self.hugeName)])
        try assertRefused(["run", "--rootfs", .text(rootfs), "--cpus", "1", "--cpu-quota", "50000", "--", "true"])
        try assertRefused(["run", .bytes(Self.notUTF8), "--", "true"])
        try assertRefused(["run", "../../etc", "--", "true"])
        try assertRefused(["run", "", "--", "true"])
        try assertRefused(["run", .text(Self.hugeName), "--", "true"])
    }

    func testGlobalOptionsAndEnvironmentWithWrongValues() throws {
        let run: [Arg] = ["run", "--rootfs", .text(CorralFixture.rootfs), "--", "true"]
        for parent in ["", "/", "..", "../x", "a/../b", "a/./b", String(repeating: "p", count: 65), "a b"] {
            try assertRefused(["--cgroup-parent", .text(parent)] + run)
            if !parent.isEmpty { try assertRefused(run, env: ["CORRAL_CGROUP_PARENT": parent]) }
        }
        try assertRefused(["--cgroup-parent", .bytes(Self.notUTF8)] + run)
        try assertRefused(["--root", ""] + run)
        try assertRefused(["--root"])
        try assertRefused(["--root", "/etc/passwd"] + run)
        try assertRefused(["--root", "/etc/passwd/x", "ps"])
        try assertRefused(["--nosuchglobal", "x", "ps"])
        try assertRefused([.bytes(Self.notUTF8)])
        try assertRefused([""])
    }

    func testVerbsWithWrongNamesAndValues() throws {
        try fx.detached("target", ["sleep", "1000"], options: ["--cpus", "0.5", "--pids-limit", "77", "--memory", "64m"])
        let pid = try XCTUnwrap(try fx.container("target")?["pid"] as? Int)
        let badNames: [Arg] = ["", "..", "../target", "target/..", "./target", "-", "TARGET", "target ", .text(Self.hugeName), .bytes(Self.notUTF8)]
        for name in badNames {
            for verb in [["stop"], ["kill"], ["pause"], ["resume"], ["rm"], ["rm", "-f"], ["logs"], ["update", "--cpus", "1"]] as [[Arg]] {
                try assertRefused(verb + [name])
            }
            try assertRefused(["exec", name, "--", "true"])
            try assertRefused(["stats", "--no-stream", name])
        }
        for time in ["", "-1", "nan", "inf", "1e999", "86401", "x"] { try assertRefused(["stop", "--time", .text(time), "target"]) }
        for sig in ["", "0", "65", "-9", "SIGFOO", "KILL KILL", "9x"] as [Arg] + [.bytes(Self.notUTF8)] {
            try assertRefused(["kill", "--signal", sig, "target"])
        }
        for tail in ["", "-1", "x", "99999999999999999999", "1.5"] { try assertRefused(["logs", "--tail", .text(tail), "target"]) }
        for interval in ["", "0", "-1", "nan", "1e999"] { try assertRefused(["stats", "--no-stream", "--interval", .text(interval)]) }

        try assertRefused(["update", "target"])
        try assertRefused(["update", "--cpus", "1", "--cpu-quota", "20000", "target"])
        for (flag, values) in [("--cpus", ["", "-1", "nan", "2000", "0.0001"]), ("--cpu-quota", ["", "0", "999", "-2", "1e3", "17592186044416"]),
                               ("--cpu-period", ["", "0", "999", "1000001"]), ("--pids-limit", ["", "-2", "99999999999999"]),
                               ("--memory", ["", "-2", "1k", "9999999999999t"])] {
            for v in values { try assertRefused(["update", .text(flag), .text(v), "target"]) }
        }
        try assertRefused(["exec", "target"])
        try assertRefused(["exec", "target", "--", ""])
        try assertRefused(["exec", "target", "--", "/no/such/program"])
        try assertRefused(["exec", "--workdir", "relative", "target", "--", "true"])
        try assertRefused(["exec", "--workdir", "/no/such/dir", "target", "--", "true"])
        try assertRefused(["exec", "--user", "nosuchuser", "target", "--", "true"])
        try assertRefused(["exec", "--user", "1:", "target", "--", "true"])
        try assertRefused(["exec", "--env", "=x", "target", "--", "true"])

        // The container went through all of that untouched.
        let c = try XCTUnwrap(try fx.container("target"))
        XCTAssertEqual(c["state"] as? String, "running")
        XCTAssertEqual(c["pid"] as? Int, pid)
        XCTAssertEqual(fx.readKnob("cpu", "target", "cpu.cfs_quota_us"), "50000")
        XCTAssertEqual(fx.readKnob("pids", "target", "pids.max"), "77")
        XCTAssertEqual(fx.readKnob("memory", "target", "memory.limit_in_bytes"), String(64 << 20))
        XCTAssertEqual(c["cpuQuotaUs"] as? Int, 50000)
        XCTAssertEqual(c["pidsLimit"] as? Int, 77)
        XCTAssertEqual(c["memoryBytes"] as? Int, 64 << 20)
    }

    func testImageVerbsWithWrongValues() throws {
        let base = "/tmp/corral-test-\(fx.id)"
        let garbage = base + "/garbage.tar"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: garbage))
        let emptyFile = base + "/empty.tar"
        FileManager.default.createFile(atPath: emptyFile, contents: Data())
        for name in ["", "../x", "UPPER", "a//b", "-a", "a:", ":tag", .init(stringLiteral: Self.hugeName)] as [Arg] + [.bytes(Self.notUTF8)] {
            try assertRefused(["image", "import", .text(garbage), name])
            try assertRefused(["image", "rm", name])
        }
        for file in ["", "/nonexistent.tar", "/dev/null", .text(garbage), .text(emptyFile), .text(base)] as [Arg] + [.bytes(Self.notUTF8)] {
            try assertRefused(["image", "load", file])
            try assertRefused(["image", "import", file, "fine:1"])
        }
        try assertRefused(["image", "rm", "nosuchimage"])
    }
}
