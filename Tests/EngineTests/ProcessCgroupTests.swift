import XCTest
@testable import Engine

final class ProcessCgroupTests: XCTestCase {
    func testTheCPUHierarchysLineIsTheGroup() {
        let v1 = "9:name=systemd:/\n8:pids:/corral/web\n2:cpuacct:/corral/web\n1:cpu:/corral/web\n0::/\n"
        XCTAssertEqual(ProcessCgroup.parse(v1, mode: .hybrid), CgroupPath("corral/web"))
        let comounted = "4:memory:/x\n3:cpu,cpuacct:/p/q/web\n"
        XCTAssertEqual(ProcessCgroup.parse(comounted, mode: .v1), CgroupPath("p/q/web"))
        XCTAssertNil(ProcessCgroup.parse("3:cpuset:/a\n2:cpuacct:/b\n", mode: .v1), "cpuset or cpuacct is not cpu")
        XCTAssertEqual(ProcessCgroup.parse("0::/corral/web\n", mode: .v2), CgroupPath("corral/web"))
        XCTAssertNil(ProcessCgroup.parse("0::/\n", mode: .v2), "the root is no container's group")
        XCTAssertNil(ProcessCgroup.parse("1:cpu:/corral/web\n", mode: .v2), "v2 reads only the unified line")
        XCTAssertNil(ProcessCgroup.parse("", mode: .hybrid))
    }
}
