#if canImport(Glibc)
import Glibc
#endif

/// v1 `freezer` controller. Writing FROZEN starts freezing; the state reads FREEZING until
/// every task has stopped, so freeze() waits for FROZEN.
enum V1Freezer {
    static let name = "freezer"
    static let stateFile = "freezer.state"
    static let frozen = "FROZEN"
    static let thawed = "THAWED"

    static let shownFiles = [stateFile]

    /// How long freeze() waits for FROZEN before it gives up and thaws the group again.
    static let freezeWaitNs: UInt64 = 2_000_000_000

    static func freeze(in dir: String) throws {
        let path = dir + "/" + stateFile
        let deadline = Clock.monotonicNs() + freezeWaitNs
        var step: useconds_t = 1_000
        while true {
            // Writing FROZEN again also catches tasks forked while the group was FREEZING.
            try SmallFile.write(path, frozen)
            if try KernelRead.text(path) == frozen { return }
            guard Clock.monotonicNs() < deadline else {
                try? SmallFile.write(path, thawed)
                throw EngineError.system(step: "freeze", path: path, errno: ETIMEDOUT)
            }
            usleep(step)
            step = min(step * 2, 10_000)
        }
    }

    static func thaw(in dir: String) throws {
        try SmallFile.write(dir + "/" + stateFile, thawed)
    }

    static func isFrozen(in dir: String) throws -> Bool {
        try KernelRead.text(dir + "/" + stateFile) == frozen
    }
}
