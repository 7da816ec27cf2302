import Engine
import Foundation
import XCTest

/// Runs the real `corral` binary against this kernel with a state root, image store and
/// cgroup parent of its own, and removes everything it created in `tearDown` — also when the
/// test failed.
final class CorralFixture {
    let id: String
    let stateRoot: String
    let imagesRoot: String
    let cgroupParent: String
    let binary: String

    init() throws {
        guard geteuid() == 0 else { throw XCTSkip("integration tests need root") }
        id = "\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        stateRoot = "/tmp/corral-test-\(id)/state"
        imagesRoot = "/tmp/corral-test-\(id)/images"
        cgroupParent = "corral-test-\(id)"
        binary = CorralFixture.binaryPath()
        try FileManager.default.createDirectory(atPath: stateRoot, withIntermediateDirectories: true)
    }

    static func binaryPath() -> String {
        if let b = ProcessInfo.processInfo.environment["CORRAL_BIN"], !b.isEmpty { return b }
        // .build/<config>/corralPackageTests.xctest lives beside .build/<config>/corral.
        let testBundle = Bundle(for: CorralFixture.self).bundleURL
        return testBundle.deletingLastPathComponent().appendingPathComponent("corral").path
    }

    /// A busybox rootfs shared by every test of this process (read-only use: tests that write
    /// use images, which get their own layer).
    static let rootfs: String = {
        let dir = "/tmp/corral-test-rootfs-\(getpid())"
        if FileManager.default.fileExists(atPath: dir + "/bin/busybox") { return dir }
        let fm = FileManager.default
        for d in ["bin", "etc", "proc", "dev", "sys", "tmp", "root"] {
            try! fm.createDirectory(atPath: dir + "/" + d, withIntermediateDirectories: true)
        }
        try! fm.copyItem(atPath: "/bin/busybox", toPath: dir + "/bin/busybox")
        // Relative links: `busybox --install -s` would point them at this host path.
        let list = Process()
        let out = Pipe()
        list.executableURL = URL(fileURLWithPath: "/bin/busybox")
        list.arguments = ["--list"]
        list.standardOutput = out
        try! list.run()
        let applets = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        list.waitUntilExit()
        for applet in applets.split(separator: "\n") where applet != "busybox" {
            try? fm.createSymbolicLink(atPath: dir + "/bin/" + applet, withDestinationPath: "busybox")
        }
        try! "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
            .write(toFile: dir + "/etc/passwd", atomically: true, encoding: .utf8)
        try! "root:x:0:\nnogroup:x:65534:\n".write(toFile: dir + "/etc/group", atomically: true, encoding: .utf8)
        chmod(dir + "/tmp", 0o1777)
        atexit { try? FileManager.default.removeItem(atPath: "/tmp/corral-test-rootfs-\(getpid())") }
        return dir
    }()

    /// The Engine over this fixture's state root, image store and cgroup parent (what the
    /// TUI and bench-engine use in-process).
    func runtime() throws -> Runtime {
        try Runtime(config: RuntimeConfig(stateRoot: stateRoot, imagesRoot: imagesRoot,
                                          cgroupParent: cgroupParent, selfExecutable: binary))
    }

    /// For tests that drive the TUI in tmux: skipped without tmux, an error without the binary.
    func requireTmux() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("needs tmux") }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw NSError(domain: "corral", code: 2, userInfo: [NSLocalizedDescriptionKey: "no corral at \(binary) (set CORRAL_BIN)"])
        }
    }

    struct Result {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["CORRAL_ROOT"] = stateRoot
        env["CORRAL_IMAGES"] = imagesRoot
        env["CORRAL_CGROUP_PARENT"] = cgroupParent
        return env
    }

    /// Runs `corral ARGS` to completion (stdin from /dev/null) and captures its output.
    /// `launcher`: a program and its first arguments that exec corral (given next) with ARGS.
    @discardableResult
    func corral(_ args: [String], timeout: TimeInterval = 60, extraEnvironment: [String: String] = [:],
                launcher: [String] = []) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: launcher.first ?? binary)
        p.arguments = launcher.isEmpty ? args : launcher.dropFirst() + [binary] + args
        p.environment = environment.merging(extraEnvironment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read both pipes while it runs, so a chatty container can't block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let outBox = Box(), errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(5_000) }
        if p.isRunning {
            p.terminate()
            XCTFail("corral \(args.joined(separator: " ")) timed out after \(timeout)s")
        }
        p.waitUntilExit()
        group.wait()
        return Result(code: p.terminationStatus,
                      stdout: String(decoding: outBox.data, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// `corral run --rm --rootfs <busybox> ARGS... -- CMD`, output as text.
    func runInContainer(_ cmd: [String], options: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        try corral(["run", "--rm", "--rootfs", Self.rootfs] + options + ["--"] + cmd)
    }

    /// Starts a detached container; returns its name.
    @discardableResult
    func detached(_ name: String, _ cmd: [String], options: [String] = []) throws -> String {
        let r = try corral(["run", "-d", "--name", name, "--rootfs", Self.rootfs] + options + ["--"] + cmd)
        guard r.code == 0 else {
            throw NSError(domain: "corral", code: Int(r.code), userInfo: [NSLocalizedDescriptionKey: "run -d failed: \(r.stderr)"])
        }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func psJSON(all: Bool = true) throws -> [[String: Any]] {
        let r = try corral(["ps", "--json"] + (all ? ["-a"] : []))
        guard r.code == 0, let data = r.stdout.data(using: .utf8),
              let arr = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw NSError(domain: "corral", code: 1, userInfo: [NSLocalizedDescriptionKey: "ps --json: \(r.stderr) \(r.stdout)"])
        }
        return arr
    }

    func container(_ name: String) throws -> [String: Any]? {
        try psJSON().first { $0["name"] as? String == name }
    }

    /// Polls until `cond` holds or `timeout` passes.
    @discardableResult
    func wait(timeout: TimeInterval = 10, _ cond: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try cond() { return true }
            usleep(20_000)
        }
        return try cond()
    }

    static let hierarchies = ["cpu", "cpuacct", "freezer", "pids", "memory", "unified", "systemd"]

    /// This fixture's cgroup dirs below its cgroup parent, in any hierarchy: what containers
    /// left. The parent itself stays once a container was made under it, as docker's does.
    func cgroupDirs() -> [String] {
        var found: [String] = []
        for base in parentCgroupDirs() {
            guard let e = FileManager.default.enumerator(atPath: base) else { continue }
            while let sub = e.nextObject() as? String {
                if FileManager.default.fileExists(atPath: base + "/" + sub + "/cgroup.procs") { found.append(base + "/" + sub) }
            }
        }
        return found
    }

    /// This fixture's cgroup parent, in each hierarchy where it exists.
    func parentCgroupDirs() -> [String] {
        Self.hierarchies.map { "/sys/fs/cgroup/\($0)/\(cgroupParent)" }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    func cgroupDir(_ hierarchy: String, _ name: String) -> String {
        "/sys/fs/cgroup/\(hierarchy)/\(cgroupParent)/\(name)"
    }

    /// Mounts anywhere below this fixture's directories.
    func mounts() -> [String] {
        let info = Host.kernelText("/proc/self/mountinfo") ?? ""
        return info.split(separator: "\n").filter { $0.contains("/tmp/corral-test-\(id)") }.map(String.init)
    }

    /// Processes whose cgroup is one of ours, the parent's included (an escape would land there).
    func processesInOurCgroups() -> [Int32] {
        var pids: [Int32] = []
        for dir in parentCgroupDirs() + cgroupDirs() {
            let procs = (try? String(contentsOfFile: dir + "/cgroup.procs", encoding: .utf8)) ?? ""
            pids += procs.split(separator: "\n").compactMap { Int32($0) }
        }
        return pids
    }

    func stateEntries() -> [String] {
        // With what a killed create or rm leaves under a hidden name.
        ((try? FileManager.default.contentsOfDirectory(atPath: stateRoot)) ?? []).filter {
            (!$0.hasPrefix(".") || $0.hasPrefix(".new-") || $0.hasPrefix(".gone-")) && $0 != "images-store"
        }
    }

    /// Removes every container, then anything still left (and fails the test if there was
    /// anything corral should have removed itself).
    func tearDown() {
        if let all = try? psJSON() {
            for c in all { if let n = c["name"] as? String { _ = try? corral(["rm", "-f", n]) } }
        }
        for m in mounts().reversed() {
            let fields = m.split(separator: " ")
            if fields.count > 4 { umount2(String(fields[4]), Int32(MNT_DETACH)) }
        }
        for dir in (cgroupDirs() + parentCgroupDirs()).sorted(by: { $0.count > $1.count }) {
            let procs = (try? String(contentsOfFile: dir + "/cgroup.procs", encoding: .utf8)) ?? ""
            for p in procs.split(separator: "\n").compactMap({ Int32($0) }) { kill(p, SIGKILL) }
            for _ in 0..<100 where rmdir(dir) != 0 && errno == EBUSY { usleep(10_000) }
        }
        try? FileManager.default.removeItem(atPath: "/tmp/corral-test-\(id)")
    }
}
