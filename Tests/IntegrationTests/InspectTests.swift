import Foundation
import XCTest

/// docker's `inspect`: everything about a container as JSON, its cgroup files read from the
/// kernel at that moment.
final class InspectTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func inspect(_ names: [String]) throws -> (code: Int32, objects: [[String: Any]], stderr: String) {
        let r = try fx.corral(["inspect"] + names)
        let objects = r.stdout.isEmpty ? [] : try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return (r.code, objects, r.stderr)
    }

    func testInspectShowsTheRecordTheStateAndTheKernelsFiles() throws {
        try fx.detached("ins", ["sleep", "1000"], options: ["--cpus", "0.5", "--memory", "64m", "-e", "A=b", "--hostname", "box"])
        let (code, objects, stderr) = try inspect(["ins"])
        XCTAssertEqual(code, 0, stderr)
        let c = try XCTUnwrap(objects.first)
        XCTAssertEqual(objects.count, 1)
        XCTAssertEqual(c["name"] as? String, "ins")
        XCTAssertEqual(c["state"] as? String, "running")
        XCTAssertEqual(c["hostname"] as? String, "box")
        XCTAssertEqual(c["cpuQuotaUs"] as? Int, 50000)
        XCTAssertTrue((c["env"] as? [String] ?? []).contains("A=b"))
        XCTAssertEqual(c["stateDirectory"] as? String, fx.stateRoot + "/ins")
        XCTAssertTrue((c["capabilities"] as? [String] ?? []).contains("KILL"))
        // The kernel's own files, as they are now: the quota the container runs under, and
        // its pid 1 in the group.
        let files = try XCTUnwrap(c["kernelFiles"] as? [String: String])
        let quota = files.first { $0.key.hasSuffix("/cpu.cfs_quota_us") || $0.key.hasSuffix("/cpu.max") }
        XCTAssertTrue(quota?.value == "50000" || quota?.value == "50000 100000", "\(files)")
        let pid = try XCTUnwrap(c["pid"] as? Int)
        XCTAssertTrue(files.contains { $0.key.hasSuffix("/cgroup.procs") && $0.value.split(separator: "\n").contains(Substring(String(pid))) }, "\(files)")

        // A change shows at once: after `update`, the file says the new quota.
        XCTAssertEqual(try fx.corral(["update", "--cpus", "0.25", "ins"]).code, 0)
        let after = try XCTUnwrap(try inspect(["ins"]).objects.first?["kernelFiles"] as? [String: String])
        let newQuota = after.first { $0.key.hasSuffix("/cpu.cfs_quota_us") || $0.key.hasSuffix("/cpu.max") }
        XCTAssertTrue(newQuota?.value == "25000" || newQuota?.value == "25000 100000", "\(after)")
    }

    func testMissingNamesAreOneErrorLineEachAndTheOthersArePrinted() throws {
        try fx.detached("here", ["sleep", "1000"])
        let one = try fx.corral(["inspect", "gone"])
        fx.assertOneLineError(one, containing: "gone")
        XCTAssertEqual(one.stdout, "")

        let (code, objects, stderr) = try inspect(["here", "gone"])
        XCTAssertEqual(code, 1)
        XCTAssertEqual(objects.map { $0["name"] as? String }, ["here"])
        XCTAssertEqual(stderr.split(separator: "\n").count, 1, stderr)
        XCTAssertTrue(stderr.contains("gone"), stderr)
        XCTAssertNotEqual(try fx.corral(["inspect"]).code, 0)
    }
}
