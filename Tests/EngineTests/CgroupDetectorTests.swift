import SeededRandom
import XCTest
@testable import Engine

final class CgroupDetectorTests: XCTestCase {
    /// This machine's table: v1 controllers plus a cgroup2 mount that offers no cpu.
    static let hybrid = """
    22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
    31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
    32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
    33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
    34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
    35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
    36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
    37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
    38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
    39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
    40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
    41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
    """

    /// A systemd machine on the unified hierarchy (optional fields before the dash).
    static let pureV2 = """
    24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
    25 24 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
    29 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
    """

    /// An older Docker host: cgroup v1 only, cpu and cpuacct comounted (plus the usual symlinks).
    static let pureV1Comounted = """
    23 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
    30 23 0:25 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
    31 30 0:26 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
    33 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
    34 30 0:29 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,freezer
    35 30 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory
    36 30 0:31 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,pids
    37 30 0:32 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,net_cls,net_prio
    """

    func testHybridIsV1ForCPUBesideAUnifiedMountWithoutCPU() throws {
        var asked: [String] = []
        let layout = try CgroupDetector.layout(mountinfo: Self.hybrid) { path in
            asked.append(path)
            return "hugetlb\n"
        }
        XCTAssertEqual(asked, ["/sys/fs/cgroup/unified/cgroup.controllers"])
        guard case let .hybrid(mounts, unified) = layout else { return XCTFail("got \(layout)") }
        XCTAssertEqual(unified, "/sys/fs/cgroup/unified")
        XCTAssertEqual(mounts["cpu"], "/sys/fs/cgroup/cpu")
        XCTAssertEqual(mounts["cpuacct"], "/sys/fs/cgroup/cpuacct")
        XCTAssertEqual(mounts["freezer"], "/sys/fs/cgroup/freezer")
        XCTAssertNil(mounts["name=systemd"])
        XCTAssertNil(mounts["rw"])

        let driver = try CgroupDetector.detect(mountinfo: Self.hybrid) { _ in "hugetlb\n" }
        XCTAssertEqual(driver.mode, .hybrid)
        XCTAssertTrue(driver is CgroupV1Driver)
        XCTAssertEqual(driver.procsFiles(CgroupPath("corral/web")), [
            "/sys/fs/cgroup/cpu/corral/web/cgroup.procs",
            "/sys/fs/cgroup/cpuacct/corral/web/cgroup.procs",
            "/sys/fs/cgroup/freezer/corral/web/cgroup.procs",
            "/sys/fs/cgroup/pids/corral/web/cgroup.procs",
            "/sys/fs/cgroup/memory/corral/web/cgroup.procs",
        ])
    }

    func testPureV2WhenTheUnifiedMountOffersCPU() throws {
        let controllers = "cpuset cpu io memory hugetlb pids rdma misc\n"
        let layout = try CgroupDetector.layout(mountinfo: Self.pureV2) { path in
            path == "/sys/fs/cgroup/cgroup.controllers" ? controllers : nil
        }
        XCTAssertEqual(layout, .v2(root: "/sys/fs/cgroup"))
        let driver = try CgroupDetector.detect(mountinfo: Self.pureV2) { _ in controllers }
        XCTAssertEqual(driver.mode, .v2)
        XCTAssertEqual((driver as? CgroupV2Driver)?.root, "/sys/fs/cgroup")
        XCTAssertEqual(driver.procsFiles(CgroupPath("/corral/web/")), ["/sys/fs/cgroup/corral/web/cgroup.procs"])
    }

    func testPureV1WithComountedCPUAndCPUAcctGetsOneDirectory() throws {
        let layout = try CgroupDetector.layout(mountinfo: Self.pureV1Comounted) { _ in
            XCTFail("no cgroup2 mount, nothing to read"); return nil
        }
        guard case let .v1(mounts) = layout else { return XCTFail("got \(layout)") }
        XCTAssertEqual(mounts["cpu"], "/sys/fs/cgroup/cpu,cpuacct")
        XCTAssertEqual(mounts["cpuacct"], "/sys/fs/cgroup/cpu,cpuacct")
        XCTAssertEqual(mounts["net_prio"], "/sys/fs/cgroup/net_cls,net_prio")

        let driver = try CgroupDetector.detect(mountinfo: Self.pureV1Comounted) { _ in nil }
        XCTAssertEqual(driver.mode, .v1)
        XCTAssertEqual(driver.procsFiles(CgroupPath("corral/web")), [
            "/sys/fs/cgroup/cpu,cpuacct/corral/web/cgroup.procs",
            "/sys/fs/cgroup/freezer/corral/web/cgroup.procs",
            "/sys/fs/cgroup/pids/corral/web/cgroup.procs",
            "/sys/fs/cgroup/memory/corral/web/cgroup.procs",
        ])
    }

    func testV1DriverTakesAComountedKeyForEachController() {
        let d = CgroupV1Driver(mounts: ["cpu,cpuacct": "/x/cpu,cpuacct/", "pids": "/x/pids"])
        XCTAssertEqual(d.mounts["cpu"], "/x/cpu,cpuacct")
        XCTAssertEqual(d.mounts["cpuacct"], "/x/cpu,cpuacct")
        XCTAssertEqual(d.hierarchies, ["/x/cpu,cpuacct", "/x/pids"])
        XCTAssertThrowsError(try d.freeze(CgroupPath("a"))) { err in
            XCTAssertEqual(err as? EngineError, .notFound("cgroup v1 freezer controller is not mounted"))
        }
    }

    func testNoCPUControllerAnywhereIsAnError() {
        let onlyUnifiedWithoutCPU = Self.pureV2
        XCTAssertThrowsError(try CgroupDetector.layout(mountinfo: onlyUnifiedWithoutCPU) { _ in "memory pids\n" }) {
            guard case .notFound = $0 as? EngineError else { return XCTFail("got \($0)") }
        }
        XCTAssertThrowsError(try CgroupDetector.layout(mountinfo: "") { _ in nil })
        // cpu without cpuacct can't give usage: not a usable v1.
        let cpuOnly = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu"
        XCTAssertThrowsError(try CgroupDetector.layout(mountinfo: cpuOnly) { _ in nil })
    }

    func testMountPointEscapesAndMalformedLinesInMountinfo() {
        let text = """
        garbage line
        50 31 0:40 / /mnt/my\\040cgroups/cpu rw - cgroup cgroup rw,cpu
        51 31 0:41 / /mnt/x rw shared:3 master:1 - cgroup cgroup rw,cpuacct
        """
        let entries = MountinfoEntry.parse(text)
        XCTAssertEqual(entries.map(\.mountPoint), ["/mnt/my cgroups/cpu", "/mnt/x"])
        XCTAssertEqual(entries.map(\.fsType), ["cgroup", "cgroup"])
        XCTAssertEqual(entries[1].superOptions, ["rw", "cpuacct"])
    }

    /// The byte-level parser reads every table as the split-into-strings one it replaced
    /// (kept here as the reference) did: fuzzed tables of fields, dashes, commas, escapes and
    /// runs of spaces. (No "\r" or combining marks: a Character split would glue those to a
    /// separator, and the kernel writes neither.)
    func testParseAgreesWithTheStringSplittingReference() {
        func reference(_ text: String) -> [MountinfoEntry] {
            text.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ")
                guard fields.count >= 10, let dash = fields[6...].firstIndex(of: "-"), dash + 3 < fields.count else { return nil }
                return MountinfoEntry(mountPoint: MountinfoEntry.unescape(fields[4]), fsType: String(fields[dash + 1]),
                                      superOptions: fields[dash + 3].split(separator: ",").map(String.init))
            }
        }
        var rng = SplitMix64(state: 0x6d6f756e74)
        let pieces = ["-", " ", "  ", ",", "\\040", "\\", "cgroup", "cgroup2", "rw", "cpu", "/sys/fs/cgroup", "0:29", "é", "\n", "shared:1", "x-"]
        for i in 0..<3000 {
            var text = ""
            if i % 2 == 0 {
                for _ in 0..<Int.random(in: 0...60, using: &rng) { text += pieces.randomElement(using: &rng)! }
            } else {
                // Lines of 0-14 fields, a dash likely anywhere among them.
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let fields = (0..<Int.random(in: 0...14, using: &rng)).map { _ in
                        Bool.random(using: &rng) ? "-" : pieces.filter { $0 != "\n" }.randomElement(using: &rng)!
                    }
                    text += fields.joined(separator: Bool.random(using: &rng) ? " " : "  ") + "\n"
                }
            }
            if i % 3 == 0 { text = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu\n" + text }
            XCTAssertEqual(MountinfoEntry.parse(text), reference(text), "table \(i): \(text.debugDescription)")
        }
        let real = (try? SmallFile.read(CgroupDetector.mountinfoPath)) ?? ""
        XCTAssertFalse(MountinfoEntry.parse(real).isEmpty)
        XCTAssertEqual(MountinfoEntry.parse(real), reference(real))
    }

    /// The real table of the machine the tests run on.
    func testDetectOnThisMachineFindsTheCPUFiles() throws {
        let driver = try CgroupDetector.detect()
        switch driver {
        case let v1 as CgroupV1Driver:
            XCTAssertNotEqual(driver.mode, .v2)
            XCTAssertTrue(SmallFile.exists(v1.mounts["cpu"]! + "/cpu.cfs_period_us"))
            XCTAssertTrue(SmallFile.exists(v1.mounts["cpuacct"]! + "/cpuacct.usage"))
        case let v2 as CgroupV2Driver:
            XCTAssertEqual(driver.mode, .v2)
            XCTAssertTrue(try SmallFile.read(v2.root + "/cgroup.controllers").contains("cpu"))
        default:
            XCTFail("unknown driver \(driver)")
        }
    }
}
