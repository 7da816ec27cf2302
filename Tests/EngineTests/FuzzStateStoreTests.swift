import Foundation
import XCTest
@testable import Engine

/// The state root's files are read by every verb: whatever bytes they hold, reading them never
/// crashes, a broken state.json is `.invalid` (which `rm -f` knows how to clean), and a record
/// that loads belongs to the container it is filed under.
final class FuzzStateStoreTests: XCTestCase {
    var root = ""
    var store: StateStore!

    override func setUpWithError() throws {
        root = "/tmp/corral-test-\(getpid())-fuzz-state-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        store = StateStore(root: root)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func validRecord(_ name: String) -> ContainerRecord {
        ContainerRecord(
            id: "0123456789ab", name: name, created: Date(timeIntervalSince1970: 1_700_000_000),
            command: ["/bin/sh", "-c", "echo hi"], image: "busybox:latest", rootfs: root + "/" + name + "/rootfs",
            rootfsIsOverlay: true, hostname: name, network: .none, env: ["PATH=/bin", "A=b"], workdir: "/",
            uid: 0, gid: 0, capabilities: ["CHOWN", "KILL"], cgroup: CgroupPath(parent: "corral", name: name),
            limits: ResourceLimits(cpu: CPUQuota(quotaUs: 50_000), pidsMax: 99, memoryBytes: 64 << 20),
            detached: true, autoRemove: false, tty: false, interactive: false)
    }

    /// Loads `bytes` as the state file of `name`: a record of that name, or `.invalid`.
    func check(_ bytes: [UInt8], name: String, context: String, file: StaticString = #filePath, line: UInt = #line) {
        FileManager.default.createFile(atPath: store.recordPath(name), contents: Data(bytes))
        do {
            let r = try store.load(name)
            XCTAssertEqual(r.name, name, "a state file of \(name) loads as \(ContainerName.quoted(r.name)) — \(context)", file: file, line: line)
            XCTAssertNoThrow(try CgroupTree.check(r.cgroup.relative), "\(context)", file: file, line: line)
            XCTAssertEqual(r.cgroup.relative.split(separator: "/").last.map(String.init), name,
                           "the cgroup of \(name) is \(r.cgroup) — \(context)", file: file, line: line)
            if r.rootfsIsOverlay {
                // The state root may be named another way (a symlink, a relative --root): the
                // overlay is the rootfs dir of this container's own directory.
                XCTAssertTrue(r.rootfs.hasSuffix("/\(name)/rootfs"), "overlay to unmount at \(r.rootfs) — \(context)", file: file, line: line)
            }
        } catch EngineError.invalid(let msg) {
            XCTAssertFalse(msg.contains("\n"), "multi-line error — \(context)", file: file, line: line)
            XCTAssertTrue(msg.contains("rm -f \(name)"), "error does not say how to clean up: \(msg)", file: file, line: line)
        } catch {
            XCTFail("\(error) instead of .invalid — \(context)", file: file, line: line)
        }
    }

    /// A damaged value with a line break in it (the stress fuzz run found one in 10000): the
    /// decoder quotes it, and the error stays one line.
    func testALineBreakInADamagedValueStaysOutOfTheError() throws {
        let name = "broken"
        try FileManager.default.createDirectory(atPath: store.directory(name), withIntermediateDirectories: true)
        try store.save(validRecord(name))
        let text = try String(contentsOfFile: store.recordPath(name), encoding: .utf8)
        let created = try XCTUnwrap(text.range(of: #""created" : "[^"]*""#, options: .regularExpression))
        for bad in [#""created" : "2025\n-11""#, #""created" : 7"#, #""command" : "a\nb""#] {
            var damaged = text
            if bad.hasPrefix(#""created""#) { damaged.replaceSubrange(created, with: bad) }
            else { damaged = damaged.replacingOccurrences(of: #""command" : ["#, with: bad + #", "x" : ["#) }
            check(Array(damaged.utf8), name: name, context: bad)
        }
    }

    func testMutatedStateFilesLoadOrAreInvalid() throws {
        var (rng, seed) = FuzzRNG.seeded()
        let name = "fuzzed"
        try FileManager.default.createDirectory(atPath: store.directory(name), withIntermediateDirectories: true)
        try store.save(validRecord(name))
        let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.recordPath(name))))
        XCTAssertEqual(try store.load(name), validRecord(name))
        for i in 0..<FuzzRNG.iterations(3000) {
            let input = i % 2 == 0 ? Mutate.bytes(valid, using: &rng)
                                   : [UInt8](Mutate.json(Data(valid), using: &rng))
            check(input, name: name, context: "iteration \(i), CORRAL_FUZZ_SEED=\(seed)")
        }
    }

    /// A record filed under one name that names another container (or a path): `rm -f` of the
    /// first would otherwise remove the second's directory, or one outside the state root.
    func testRecordNamingAnotherContainerIsInvalid() throws {
        for (dir, inside) in [("a", "b"), ("a", "../../etc"), ("a", ""), ("a", "a/../b")] {
            try FileManager.default.createDirectory(atPath: store.directory(dir), withIntermediateDirectories: true)
            check(RecordJSON.encode(validRecord(inside)), name: dir, context: "record named \(ContainerName.quoted(inside)) in \(dir)/")
        }
    }

    /// The cgroup parents list an older corral kept, and what a killed writer of it left (its
    /// temporary file), are swept with the other leftovers; look-alikes are not.
    func testATemporaryParentsListIsSweptAndNothingElse() throws {
        for name in [".cgroup-parents.tmp.4242", ".cgroup-parents", ".cgroup-parents.tmp.x", ".cgroup-parents.tmp."] {
            XCTAssertTrue(FileManager.default.createFile(atPath: root + "/" + name, contents: Data("corral\n".utf8)))
        }
        let listing = try store.listing()
        XCTAssertEqual(listing.leftovers.sorted(), [".cgroup-parents", ".cgroup-parents.tmp.4242"])
        store.sweepLeftovers(listing.leftovers)
        let left = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".cgroup") }.sorted()
        XCTAssertEqual(left, [".cgroup-parents.tmp.", ".cgroup-parents.tmp.x"])
    }

    func testCorpus() throws {
        let name = "corpus"
        try FileManager.default.createDirectory(atPath: store.directory(name), withIntermediateDirectories: true)
        let files = FuzzCorpus.files("state")
        XCTAssertFalse(files.isEmpty, "no corpus in \(FuzzCorpus.directory)/state")
        for path in files {
            check([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), name: name, context: path)
        }
        // Generated ones too big to keep as files.
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        check(deep, name: name, context: "100000 nested arrays")
        check(Array("{\"id\":\"".utf8) + [UInt8](repeating: 0x41, count: 4 << 20) + Array("\"}".utf8), name: name, context: "a 4 MiB string")
    }

    /// pid, exit and supervisor files hold two numbers; anything else is "unknown", never a
    /// crash and never a pid ≤ 0 (kill(0) or kill(-1) would hit the caller's process group or
    /// everything).
    func testSmallFilesNeverYieldADangerousPid() throws {
        var (rng, seed) = FuzzRNG.seeded()
        let name = "small"
        try FileManager.default.createDirectory(atPath: store.directory(name), withIntermediateDirectories: true)
        let seeds: [[UInt8]] = [Array("1234 5678\n".utf8), Array("0 0\n".utf8), Array("137 9\n".utf8)]
        for i in 0..<FuzzRNG.iterations(3000) {
            let bytes = Mutate.bytes(seeds[i % seeds.count], using: &rng)
            for path in [store.pidPath(name), store.exitPath(name)] {
                FileManager.default.createFile(atPath: path, contents: Data(bytes))
            }
            if let p = store.readPid(name) {
                XCTAssertGreaterThan(p.pid, 0, "pid file \(bytes) gave \(p.pid) — CORRAL_FUZZ_SEED=\(seed)")
            }
            _ = store.readExit(name)
        }
        for bad in ["-1 5\n", "0 5\n", "-2147483648 1\n", "2147483648 1\n"] {
            FileManager.default.createFile(atPath: store.pidPath(name), contents: Data(bad.utf8))
            XCTAssertNil(store.readPid(name), bad)
        }
    }

    /// Directory names in the state root are user-visible names only when they are valid.
    func testNamesSkipsWhatIsNotAContainer() throws {
        for raw in [Array("ok".utf8), Array("..x".utf8), Array("-x".utf8), [0x66, 0xff], Array("a b".utf8), Array(".hidden".utf8)] {
            let path = Array(root.utf8) + [UInt8(ascii: "/")] + raw
            let cpath: [CChar] = path.map { CChar(bitPattern: $0) } + [0]
            XCTAssertEqual(mkdir(cpath, 0o700), 0)
            let rec: [CChar] = (path + Array("/state.json".utf8)).map { CChar(bitPattern: $0) } + [0]
            let fd = open(rec, O_WRONLY | O_CREAT, 0o600)
            XCTAssertGreaterThanOrEqual(fd, 0)
            close(fd)
        }
        XCTAssertEqual(try store.directoryNames(), ["ok"])
    }
}
