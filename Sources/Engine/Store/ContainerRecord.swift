import FoundationEssentials

/// What a container was created with: written once into `state.json` when the container is
/// created, rewritten only when its limits are updated. Its run-time state (pid, exit code)
/// lives in separate small files the supervisor writes, so the C side never touches JSON.
public struct ContainerRecord: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var created: Date
    public var command: [String]
    public var image: String?
    /// The directory the container pivots into (the overlay mount point for images).
    public var rootfs: String
    /// True when `rootfs` is an overlay corral mounted and must unmount.
    public var rootfsIsOverlay: Bool
    public var hostname: String
    public var network: NetworkMode
    public var env: [String]
    public var workdir: String
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups (the primary one first); nil in records of an older corral, which
    /// set the primary group alone.
    public var groups: [UInt32]?
    public var capabilities: [String]
    public var cgroup: CgroupPath
    public var limits: ResourceLimits
    public var detached: Bool
    public var autoRemove: Bool
    public var tty: Bool
    /// `-i`: the container reads the caller's stdin (else /dev/null, as docker does).
    public var interactive: Bool
}

public enum NetworkMode: String, Codable, Sendable, CaseIterable {
    case none, host
}

/// The limits corral writes into the container's cgroup, kept so `ps` and the TUI can show
/// them without re-reading every knob.
public struct ResourceLimits: Codable, Equatable, Sendable {
    public var cpu: CPUQuota
    /// nil = unlimited.
    public var pidsMax: Int64?
    /// nil = unlimited.
    public var memoryBytes: Int64?

    public static let defaultPidsMax: Int64 = 4096

    public init(cpu: CPUQuota = .unlimited, pidsMax: Int64? = ResourceLimits.defaultPidsMax, memoryBytes: Int64? = nil) {
        self.cpu = cpu
        self.pidsMax = pidsMax
        self.memoryBytes = memoryBytes
    }
}
