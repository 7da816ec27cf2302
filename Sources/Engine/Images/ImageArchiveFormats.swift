/// The JSON documents of `docker save` / `podman save` archives and OCI image layouts,
/// decoded only as far as corral needs them.

/// One element of a docker-save `manifest.json`.
struct DockerSaveManifest: Decodable {
    var config: String
    var repoTags: [String]?
    var layers: [String]

    enum CodingKeys: String, CodingKey {
        case config = "Config", repoTags = "RepoTags", layers = "Layers"
    }
}

/// An OCI content descriptor (index entries, manifest config and layers).
struct OCIDescriptor: Decodable {
    var mediaType: String?
    var digest: String
    var annotations: [String: String]?
    var platform: Platform?

    struct Platform: Decodable {
        var architecture: String?
        var os: String?
    }

    var isIndex: Bool {
        mediaType == "application/vnd.oci.image.index.v1+json"
            || mediaType == "application/vnd.docker.distribution.manifest.list.v2+json"
    }
}

/// `index.json`, or a manifest blob: an image index has `manifests`, an image manifest has
/// `config` and `layers`.
struct OCIManifestOrIndex: Decodable {
    var mediaType: String?
    var manifests: [OCIDescriptor]?
    var config: OCIDescriptor?
    var layers: [OCIDescriptor]?
}

/// The image config blob; only its runtime defaults matter here.
struct ImageConfigDocument: Decodable {
    var config: Defaults?
    var rootfs: RootFS?

    struct RootFS: Decodable {
        var diffIDs: [String]?
        enum CodingKeys: String, CodingKey { case diffIDs = "diff_ids" }
    }

    struct Defaults: Decodable {
        var env: [String]?
        var cmd: [String]?
        var entrypoint: [String]?
        var workingDir: String?
        var user: String?

        enum CodingKeys: String, CodingKey {
            case env = "Env", cmd = "Cmd", entrypoint = "Entrypoint", workingDir = "WorkingDir", user = "User"
        }
    }

    var imageConfig: ImageConfig {
        ImageConfig(
            env: config?.env ?? [],
            entrypoint: config?.entrypoint,
            cmd: config?.cmd,
            workingDir: config?.workingDir.flatMap { $0.isEmpty ? nil : $0 },
            user: config?.user.flatMap { $0.isEmpty ? nil : $0 })
    }
}
