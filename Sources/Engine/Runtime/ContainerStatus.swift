#if canImport(Glibc)
import Glibc
#endif

public enum ContainerState: String, Codable, Sendable, CaseIterable {
    case created, running, paused, exited
}

/// A container as it is now: its record plus what the kernel and the supervisor say.
public struct ContainerStatus: Sendable {
    public var record: ContainerRecord
    public var state: ContainerState
    /// The container's pid 1 as seen from the host, while it runs.
    public var pid: pid_t?
    /// Set once exited: the code (128+signal when killed).
    public var exitCode: Int32?
    /// Why it exited, when there is more to say than the code: "killed by the OOM killer",
    /// "supervisor lost".
    public var exitReason: String?
    /// Boot-relative start time of pid 1 in clock ticks (for uptime).
    public var startTicks: UInt64?

    public var name: String { record.name }
}
