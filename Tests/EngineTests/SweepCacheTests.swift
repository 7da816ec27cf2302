import Foundation
import XCTest
@testable import Engine

/// The two caches behind a cheap `corral top` refresh: decoded state files (RecordCache) and
/// kept-open cgroup knob files (KnobFiles). Both must never serve stale data.
final class SweepCacheTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "corral-test-\(getpid())-sweepcache-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func record(_ name: String, cpus: Double) throws -> ContainerRecord {
        ContainerRecord(
            id: "0123456789ab", name: name, created: Date(timeIntervalSince1970: 1_700_000_000),
            command: ["/bin/true"], image: nil, rootfs: "/nonexistent", rootfsIsOverlay: false, hostname: name,
            network: .none, env: [], workdir: "/", uid: 0, gid: 0, capabilities: [],
            cgroup: CgroupPath(parent: "corral-test", name: name),
            limits: ResourceLimits(cpu: try CPUQuota.cores(cpus)), detached: true, autoRemove: false,
            tty: false, interactive: false)
    }

    func testRecordCacheFollowsEveryRewriteOfTheStateFile() throws {
        let store = StateStore(root: dir)
        let cache = RecordCache()
        XCTAssertEqual(mkdir(store.directory("a"), 0o700), 0)
        let first = try record("a", cpus: 0.5)
        try store.save(first)
        XCTAssertEqual(try cache.load("a", from: store), first)
        XCTAssertEqual(try cache.load("a", from: store), first)
        // `corral update` rewrites the file (a rename: a new inode) with the same size.
        let second = try record("a", cpus: 0.7)
        try store.save(second)
        XCTAssertEqual(try cache.load("a", from: store), second)
        unlink(store.recordPath("a"))
        XCTAssertThrowsError(try cache.load("a", from: store)) { error in
            guard case EngineError.notFound = error else { return XCTFail("\(error)") }
        }
    }

    func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    func testKnobFilesReadFreshContentAndCloseWhatIsNoLongerRead() throws {
        let path = dir + "/knob"
        try SmallFile.write(path, "5\n", create: true)
        let knobs = KnobFiles()
        let before = openDescriptors()
        try knobs.reading {
            XCTAssertEqual(try KernelRead.number(path), 5)
            // Rewritten in place (same inode): the kept descriptor must see the new content.
            try SmallFile.write(path, "17\n")
            XCTAssertEqual(try KernelRead.number(path), 17)
        }
        XCTAssertEqual(openDescriptors(), before + 1, "kept open between refreshes")
        knobs.reading {}  // a refresh that no longer reads it
        XCTAssertEqual(openDescriptors(), before, "closed once not read")
        // Outside `reading` nothing is cached.
        try SmallFile.write(path, "23\n")
        XCTAssertEqual(try KernelRead.number(path), 23)
        XCTAssertEqual(openDescriptors(), before)
    }

    func testKnobFilesReportARemovedCgroupLikeAPlainRead() throws {
        guard let cpuacct = try CgroupDetector.detect() as? CgroupV1Driver, let root = cpuacct.mounts["cpuacct"] else {
            throw XCTSkip("needs a cgroup v1 cpuacct hierarchy")
        }
        let group = root + "/" + CgroupTestSupport.uniqueName()
        XCTAssertEqual(mkdir(group, 0o755), 0)
        defer { rmdir(group) }
        let usage = group + "/cpuacct.usage"
        let knobs = KnobFiles()
        XCTAssertNoThrow(try knobs.reading { _ = try KernelRead.number(usage) })
        XCTAssertEqual(rmdir(group), 0, "a kept-open knob must not keep its cgroup from being removed")
        XCTAssertThrowsError(try knobs.reading { _ = try KernelRead.number(usage) }) { error in
            guard case let EngineError.system(step, path, err) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(step, "open")
            XCTAssertEqual(path, usage)
            XCTAssertEqual(err, ENOENT)
        }
    }
}
