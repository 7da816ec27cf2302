import XCTest
@testable import TUI

final class FakeBackendTests: XCTestCase {
    func testQuotasCapUseAndCausesThrottling() throws {
        let (state, backend, clock) = sampledState(seconds: 5)
        clock.advance(1)
        let snap = try backend.sample()
        XCTAssertEqual(snap.host, HostSample(cores: 2, cpuPercent: snap.host.cpuPercent, cgroupMode: "hybrid"))
        let total = snap.containers.map(\.cpuPercent).reduce(0, +)
        XCTAssertLessThanOrEqual(total, 2 * 100 * 1.04, "the machine has two cores")
        let fifth = try XCTUnwrap(snap.containers.first { $0.name == "fifth" })
        XCTAssertEqual(fifth.cpuPercent, 20, accuracy: 1, "a busy loop pinned at its 0.2-core quota")
        XCTAssertGreaterThan(fifth.throttledPercent, 90)
        XCTAssertGreaterThan(fifth.throttledTimeNs, 0)
        let sleeper = try XCTUnwrap(snap.containers.first { $0.name == "sleeper" })
        XCTAssertEqual(sleeper.cpuPercent, 0, "paused")
        XCTAssertEqual(state.snapshot.containers.count, 6)
    }

    func testFairShares() {
        XCTAssertEqual(FakeBackend.fairShares([1, 1, 0.2], cores: 2), [0.9, 0.9, 0.2].map { $0 }, "")
        XCTAssertEqual(FakeBackend.fairShares([0.5, 0.5], cores: 2), [0.5, 0.5])
        XCTAssertEqual(FakeBackend.fairShares([0, 3], cores: 2), [0, 2])
    }

    func testSetQuotaReportsTheWritesOrRefuses() throws {
        let backend = FakeBackend(clock: { 0 })
        XCTAssertEqual(try backend.setQuota(name: "half", cores: 0.3), [
            KernelWrite(path: "/sys/fs/cgroup/cpu/corral/half/cpu.cfs_period_us", value: "100000"),
            KernelWrite(path: "/sys/fs/cgroup/cpu/corral/half/cpu.cfs_quota_us", value: "30000"),
        ])
        XCTAssertEqual(try backend.setQuota(name: "half", cores: nil).last?.value, "-1")
        backend.refuseQuotaWrites = "Invalid argument"
        XCTAssertThrowsError(try backend.setQuota(name: "half", cores: 0.4)) { error in
            XCTAssertEqual("\(error)", "write /sys/fs/cgroup/cpu/corral/half/cpu.cfs_quota_us: Invalid argument")
        }
        XCTAssertNil(try backend.sample().containers.first { $0.name == "half" }?.quotaCores, "unchanged")
        XCTAssertThrowsError(try backend.setQuota(name: "nope", cores: 1))
        XCTAssertEqual(backend.commands, ["setQuota half 0.30", "setQuota half unlimited", "setQuota half 0.40"])
    }

    func testLifecycle() throws {
        let backend = FakeBackend(clock: { 0 })
        func state(_ name: String) throws -> ContainerState? {
            try backend.sample().containers.first { $0.name == name }?.state
        }
        try backend.pause(name: "half")
        XCTAssertEqual(try state("half"), .paused)
        XCTAssertThrowsError(try backend.pause(name: "half"))
        try backend.resume(name: "half")
        try backend.stop(name: "half")
        XCTAssertEqual(try state("half"), .exited)
        XCTAssertEqual(try backend.sample().containers.first { $0.name == "half" }?.exitCode, 143)
        XCTAssertThrowsError(try backend.stop(name: "half"))
        try backend.start(name: "half")
        XCTAssertEqual(try state("half"), .running)
        try backend.kill(name: "half")
        XCTAssertEqual(try backend.sample().containers.first { $0.name == "half" }?.exitCode, 137)
        try backend.remove(name: "half")
        XCTAssertNil(try state("half"))
        let name = try backend.create(NewContainerRequest(image: "busybox", command: ["yes"], name: nil, cpus: 0.5))
        XCTAssertEqual(try state(name), .running)
        XCTAssertThrowsError(try backend.create(NewContainerRequest(image: "busybox", command: [], name: name, cpus: nil)))
        XCTAssertEqual(try backend.shellArgv(name: name).first, "/bin/sh")
    }
}
