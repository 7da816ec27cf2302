/// What a container inherits from its image when `corral run` doesn't say otherwise
/// (docker's image config: `Env`, `Entrypoint`, `Cmd`, `WorkingDir`, `User`).
public struct ImageConfig: Codable, Equatable, Sendable {
    public var env: [String]
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var workingDir: String?
    public var user: String?

    public init(env: [String] = [], entrypoint: [String]? = nil, cmd: [String]? = nil,
                workingDir: String? = nil, user: String? = nil) {
        self.env = env
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.workingDir = workingDir
        self.user = user
    }
}

/// One image in the store: `<root>/images/<escaped name>/{image.json,rootfs/}`.
public struct Image: Codable, Equatable, Sendable {
    public var name: String
    /// Unix seconds when the image entered this store.
    public var created: Int64
    /// Bytes the rootfs takes on disk (hard-linked files counted once).
    public var size: UInt64
    public var config: ImageConfig
    /// Absolute path of the read-only rootfs (the overlay's lower dir). Not stored in image.json:
    /// it follows the store wherever its root is.
    public var rootfs: String = ""

    public init(name: String, created: Int64, size: UInt64, config: ImageConfig, rootfs: String = "") {
        self.name = name
        self.created = created
        self.size = size
        self.config = config
        self.rootfs = rootfs
    }

    enum CodingKeys: String, CodingKey {
        case name, created, size, config
    }
}
