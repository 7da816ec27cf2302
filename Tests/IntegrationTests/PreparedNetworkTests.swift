import Engine
import Foundation
import XCTest

/// Starts through the Engine with network namespaces made ahead (what `corral top`, `demo`
/// and `run` do): every `--net none` container still gets a namespace of its own with only
/// `lo`, up; `--net host` still gets the host's; no namespace fd stays anywhere it shouldn't.
final class PreparedNetworkTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func runtime() throws -> Runtime { try fx.runtime() }

    func netnsFDs(_ pid: String) -> Int {
        let dir = "/proc/\(pid)/fd"
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + $0))?.hasPrefix("net:[") == true }.count
    }

    /// The namespace this process holds ready for the next start (there is one at a time).
    func spare() -> String? {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let links = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
        let spares = links.filter { $0.hasPrefix("net:[") }
        return spares.count == 1 ? spares[0] : nil
    }

    func start(_ rt: Runtime, _ name: String, network: NetworkMode = .none) throws -> (pid: pid_t, netns: String) {
        var spec = ContainerSpec()
        spec.name = name
        spec.rootfs = CorralFixture.rootfs
        spec.command = ["sleep", "1000"]
        spec.detached = true
        spec.network = network
        let pid = try rt.startDetached(try rt.create(spec))
        return (pid, try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net"))
    }

    func testEachStartGetsAFreshNamespaceWithLoopbackUp() throws {
        let host = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        let before = netnsFDs("self")
        do {
            let rt = try runtime()
            rt.prepareNetwork(keepingOneReady: true)
            // Each --net none start gets the namespace that was ready (not one made in its clone),
            // and a new one is made for the next; --net host leaves the ready one where it is.
            XCTAssertTrue(fx.wait { spare() != nil }, "none made ahead")
            var ready = spare()
            var started: [String: (pid: pid_t, netns: String)] = [:]
            for (name, network) in [("pa", NetworkMode.none), ("pb", .none), ("ph", .host), ("pc", .none)] {
                let joined = try XCTUnwrap(ready, "no namespace ready before \(name)")
                let s = try start(rt, name, network: network)
                started[name] = s
                XCTAssertTrue(fx.wait { spare() != nil }, "none made after \(name)")
                if network == .none {
                    XCTAssertEqual(s.netns, joined, "\(name) did not get the one made ahead")
                    XCTAssertNotEqual(spare(), joined, "the one \(name) got is still held here")
                } else {
                    XCTAssertEqual(spare(), joined, "\(name) (--net host) took the one made ahead")
                }
                ready = spare()
            }
            let (a, b, h, c) = (started["pa"]!, started["pb"]!, started["ph"]!, started["pc"]!)
            XCTAssertEqual(Set([a.netns, b.netns, c.netns, host]).count, 4, "\(a) \(b) \(c) host \(host)")
            XCTAssertEqual(h.netns, host)
            for (name, pid) in [("pa", a.pid), ("pb", b.pid), ("pc", c.pid)] {
                let dev = try String(contentsOfFile: "/proc/\(pid)/net/dev", encoding: .utf8)
                let devices = dev.split(separator: "\n").dropFirst(2).map { $0.split(separator: ":")[0].trimmingCharacters(in: .whitespaces) }
                XCTAssertEqual(devices, ["lo"], name)
                let fib = try String(contentsOfFile: "/proc/\(pid)/net/fib_trie", encoding: .utf8)
                XCTAssertTrue(fib.contains("127.0.0.1"), "\(name): lo is not up")
                XCTAssertEqual(netnsFDs(String(pid)), 0, "\(name): a namespace fd inside the container")
                let sup = try String(contentsOfFile: fx.stateRoot + "/\(name)/supervisor", encoding: .utf8)
                XCTAssertEqual(netnsFDs(String(sup.split(separator: " ")[0])), 0, "\(name): the supervisor keeps a namespace fd")
            }
            let inside = try fx.corral(["exec", "pb", "sh", "-c", "ping -c1 -W1 127.0.0.1 >/dev/null && echo ok; ls /sys/class/net"])
            XCTAssertEqual(inside.stdout, "ok\nlo\n", inside.stderr)
            XCTAssertEqual(netnsFDs("self"), before + 1, "this process holds the one made for the next start")
            for name in ["pa", "pb", "ph", "pc"] { try rt.remove(name, force: true) }
        }
        XCTAssertEqual(netnsFDs("self"), before, "the spare goes with its Runtime")
    }

    /// A foreground start from a rootfs (the start gate; what `corral run --rm` does): the
    /// namespace made ahead reaches the container after its clone, before it mounts /sys; with
    /// none made ahead the container makes its own. Either way /sys shows that namespace.
    func testAForegroundStartGetsItsNamespaceThroughTheGate() throws {
        let host = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        func runForeground(_ rt: Runtime, _ name: String) throws -> [String] {
            var spec = ContainerSpec()
            spec.name = name
            spec.rootfs = CorralFixture.rootfs
            spec.command = ["sh", "-c", "readlink /proc/self/ns/net; ls /sys/class/net; cat /sys/class/net/lo/flags"]
            spec.autoRemove = true
            // The container writes to this process's stdout: a file for the while.
            let path = fx.scratch + "/\(name).out"
            let file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            XCTAssertGreaterThanOrEqual(file, 0)
            fflush(stdout)
            let saved = dup(1)
            dup2(file, 1)
            close(file)
            let code: Int32
            do {
                defer { fflush(stdout); dup2(saved, 1); close(saved) }
                code = try rt.runForeground(spec)
            }
            XCTAssertEqual(code, 0, name)
            return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        }

        let prepared = try runtime()
        prepared.prepareNetwork()
        XCTAssertTrue(fx.wait { spare() != nil }, "none made ahead")
        let ready = try XCTUnwrap(spare())
        let joined = try runForeground(prepared, "gate-ready")
        XCTAssertEqual(joined, [ready, "lo", "0x9"], "not the namespace made ahead, or /sys not of it")
        XCTAssertNil(spare(), "the namespace made ahead is still held here")

        let own = try runForeground(try runtime(), "gate-own")
        XCTAssertEqual(own.count, 3, "\(own)")
        XCTAssertTrue(own.first?.hasPrefix("net:[") == true && own.first != host && own.first != ready, "\(own) host \(host)")
        XCTAssertEqual(Array(own.dropFirst()), ["lo", "0x9"], "its own namespace: /sys or lo")
        XCTAssertEqual(fx.stateEntries(), [])
    }
}
