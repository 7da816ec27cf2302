#if canImport(Glibc)
import Glibc
#endif

/// v2 freezer: write 1 to cgroup.freeze; the group is frozen once cgroup.events says
/// "frozen 1" (the kernel stops the tasks asynchronously).
enum V2Freezer {
    static let freezeFile = "cgroup.freeze"
    static let eventsFile = "cgroup.events"

    static let shownFiles = [freezeFile, eventsFile]

    /// How long freeze() waits for "frozen 1" before it gives up and thaws the group again.
    static let freezeWaitNs: UInt64 = 2_000_000_000

    static func freeze(in dir: String) throws {
        let path = dir + "/" + freezeFile
        try SmallFile.write(path, "1")
        let deadline = Clock.monotonicNs() + freezeWaitNs
        var step: useconds_t = 1_000
        while try !isFrozen(in: dir) {
            guard Clock.monotonicNs() < deadline else {
                try? SmallFile.write(path, "0")
                throw EngineError.system(step: "freeze", path: dir + "/" + eventsFile, errno: ETIMEDOUT)
            }
            usleep(step)
            step = min(step * 2, 10_000)
        }
    }

    static func thaw(in dir: String) throws {
        try SmallFile.write(dir + "/" + freezeFile, "0")
    }

    static func isFrozen(in dir: String) throws -> Bool {
        try KernelRead.keyedValue(dir + "/" + eventsFile, "frozen") == 1
    }
}
