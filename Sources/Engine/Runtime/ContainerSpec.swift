/// What a person asks for with `corral run` (or the TUI's new-container form), before it is
/// validated and turned into a `ContainerRecord`.
public struct ContainerSpec: Sendable {
    public var name: String?
    /// An image name (from the image store) — or nil with `rootfs` set.
    public var image: String?
    /// A directory to run on directly, like the seed's chroot dir.
    public var rootfs: String?
    /// The command; empty = the image's default (Entrypoint + Cmd).
    public var command: [String] = []
    /// docker's --entrypoint: nil keeps the image's Entrypoint; a program replaces it, "" runs
    /// without one; either way the image's Cmd is not used (`command` is all there is).
    public var entrypoint: String?
    public var limits = ResourceLimits()
    public var hostname: String?
    public var network: NetworkMode = .none
    /// "K=V" entries; they override the image's.
    public var env: [String] = []
    public var workdir: String?
    /// "UID[:GID]" or a user name from the rootfs's /etc/passwd.
    public var user: String?
    public var capAdd: [String] = []
    public var capDrop: [String] = []
    public var detached = false
    public var autoRemove = false
    public var tty = false
    public var interactive = false

    public init() {}
}
