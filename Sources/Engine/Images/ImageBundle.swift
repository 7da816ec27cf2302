import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A `docker save` / `podman save` archive or an OCI image layout, unpacked in a directory:
/// which images it holds, their config defaults, and their layer files in order.
struct ImageBundle {
    struct Plan {
        var name: String
        var config: ImageConfig
        /// Layer archives, bottom first: (absolute path, the path as the bundle names it).
        var layers: [(path: String, label: String)]
    }

    let directory: String
    /// Error prefix, "image load: FILE".
    let context: String
    /// Repository for OCI entries whose ref annotation is only a tag (or missing): the archive's
    /// file name, as skopeo's `oci-archive:alpine.tar:3.19` would suggest.
    let fallbackRepository: String

    func plans() throws -> [Plan] {
        if SmallFile.exists(directory + "/manifest.json") { return try dockerPlans() }
        if SmallFile.exists(directory + "/index.json") { return try ociPlans() }
        throw EngineError.invalid("\(context): neither manifest.json (docker save) nor index.json (OCI image layout) found")
    }

    // MARK: - docker save

    private func dockerPlans() throws -> [Plan] {
        let manifest: [DockerSaveManifest] = try readJSON("manifest.json", what: "docker save manifest")
        guard !manifest.isEmpty else { throw EngineError.invalid("\(context): manifest.json lists no images") }
        // An image saved under several tags is loaded under each, as docker loads it (each
        // tag its own copy here: an image in this store is one directory).
        return try manifest.flatMap { entry -> [Plan] in
            if let digest = Self.digestNamed(byPath: entry.config) {
                try ContentDigest.verify(try resolve(entry.config), expected: digest, what: entry.config, context: context)
            }
            let config: ImageConfigDocument = try readJSON(entry.config, what: "image config")
            let layers = try entry.layers.map { (path: try resolve($0), label: $0) }
            try verifyDiffIDs(config.rootfs?.diffIDs ?? [], of: layers)
            let tags = entry.repoTags.flatMap { $0.isEmpty ? nil : $0.map(ImageName.familiar) } ?? [shortID(entry.config)]
            return tags.map { Plan(name: $0, config: config.imageConfig, layers: layers) }
        }
    }

    /// docker save names the config (and, since docker 25, every blob) by its digest:
    /// `<64 hex>.json` or `blobs/sha256/<64 hex>`.
    static func digestNamed(byPath path: String) -> String? {
        var base = path.split(separator: "/").last.map(String.init) ?? path
        if base.hasSuffix(".json") { base = String(base.dropLast(5)) }
        let isHex = base.utf8.count == 64 && base.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
        return isHex ? "sha256:" + base : nil
    }

    /// The config's `rootfs.diff_ids` are the digests of the uncompressed layer tars, in order.
    /// docker save writes its layers as plain tars; a compressed one (from another tool) can't
    /// be checked against them without unpacking it twice, and is left to the extractor.
    private func verifyDiffIDs(_ diffIDs: [String], of layers: [(path: String, label: String)]) throws {
        guard !diffIDs.isEmpty else { return }
        guard diffIDs.count == layers.count else {
            throw EngineError.invalid("\(context): the image config names \(diffIDs.count) layer digests for \(layers.count) layers")
        }
        for (layer, diffID) in zip(layers, diffIDs) where Self.isPlainTar(layer.path) {
            try ContentDigest.verify(layer.path, expected: diffID, what: "layer \(layer.label)", context: context)
        }
    }

    /// A POSIX tar by its header's "ustar" magic at offset 257 (what docker writes); a
    /// compressed stream has none. Sniffing the first bytes instead would take a plain tar
    /// whose first file is named "BZh…" for bzip2 and skip its check.
    static func isPlainTar(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic = [UInt8](repeating: 0, count: 5)
        let n = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 5, 257) }
        return n == 5 && magic == Array("ustar".utf8)
    }

    /// An untagged image is named by its config digest's first 12 hex digits, as `docker images`
    /// shows its IMAGE ID.
    private func shortID(_ configPath: String) -> String {
        guard let digest = Self.digestNamed(byPath: configPath) else { return fallbackRepository + ":latest" }
        return String(digest.dropFirst("sha256:".count).prefix(12))
    }

    // MARK: - OCI image layout

    private func ociPlans() throws -> [Plan] {
        let index: OCIManifestOrIndex = try readJSON("index.json", what: "OCI index")
        guard let entries = index.manifests, !entries.isEmpty else {
            throw EngineError.invalid("\(context): index.json lists no images")
        }
        return try entries.map { entry in
            let manifest = try imageManifest(entry, depth: 0)
            guard let configDescriptor = manifest.config else {
                throw EngineError.invalid("\(context): manifest \(entry.digest) has no config")
            }
            let config: ImageConfigDocument = try readJSON(try verifiedBlob(configDescriptor.digest), what: "image config")
            let layers = try (manifest.layers ?? []).map { layer -> (path: String, label: String) in
                let rel = try verifiedBlob(layer.digest)
                return (path: try resolve(rel), label: rel)
            }
            return Plan(name: ociName(entry.annotations ?? [:]), config: config.imageConfig, layers: layers)
        }
    }

    /// Follows nested indexes (multi-platform images) down to this machine's manifest.
    private func imageManifest(_ descriptor: OCIDescriptor, depth: Int) throws -> OCIManifestOrIndex {
        let doc: OCIManifestOrIndex = try readJSON(try verifiedBlob(descriptor.digest), what: "OCI manifest")
        guard let nested = doc.manifests else { return doc }
        guard depth < 4, let pick = Self.pickPlatform(nested) else {
            throw EngineError.invalid("\(context): \(descriptor.digest): no manifest for linux/\(Self.architecture)")
        }
        return try imageManifest(pick, depth: depth + 1)
    }

    static func pickPlatform(_ candidates: [OCIDescriptor]) -> OCIDescriptor? {
        candidates.first { $0.platform?.os == "linux" && $0.platform?.architecture == architecture }
            ?? candidates.first { $0.platform == nil }
    }

    static var architecture: String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #else
        return "unknown"
        #endif
    }

    /// containerd's full name if present, else the OCI ref annotation, which is often only a tag.
    private func ociName(_ annotations: [String: String]) -> String {
        if let full = annotations["io.containerd.image.name"], !full.isEmpty { return ImageName.familiar(full) }
        guard let ref = annotations["org.opencontainers.image.ref.name"], !ref.isEmpty else {
            return fallbackRepository + ":latest"
        }
        if ref.contains(":") || ref.contains("/") { return ImageName.familiar(ref) }
        return fallbackRepository + ":" + ref
    }

    /// `sha256:abc…` is `blobs/sha256/abc…`; anything that could climb out is refused.
    private func blobPath(_ digest: String) throws -> String {
        let parts = digest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let algorithmOK = parts.count == 2 && !parts[0].isEmpty && !parts[0].hasPrefix(".")
            && parts[0].allSatisfy { ($0.isLetter && $0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || "+._-".contains($0) }
        let encodedOK = parts.count == 2 && !parts[1].isEmpty
            && parts[1].allSatisfy { ($0.isLetter || $0.isNumber) && $0.isASCII || "=_-".contains($0) }
        guard algorithmOK, encodedOK else { throw EngineError.invalid("\(context): invalid digest \"\(digest)\"") }
        return "blobs/\(parts[0])/\(parts[1])"
    }

    /// The blob's path, once its content has been checked against the digest that names it.
    private func verifiedBlob(_ digest: String) throws -> String {
        let rel = try blobPath(digest)
        try ContentDigest.verify(try resolve(rel), expected: digest, what: rel, context: context)
        return rel
    }

    // MARK: - Files inside the bundle

    /// The absolute path of `relative` inside the bundle. Symlinks are allowed (docker save
    /// links repeated layers) as long as the file they reach is inside the bundle.
    func resolve(_ relative: String) throws -> String {
        guard !relative.hasPrefix("/"), EntryPath(raw: Array(relative.utf8)) != nil else {
            throw EngineError.invalid("\(context): \"\(relative)\" points outside the archive")
        }
        guard let realBase = Self.realPath(directory) else { throw EngineError.fromErrno("realpath", directory) }
        guard let real = Self.realPath(directory + "/" + relative) else {
            throw EngineError.invalid("\(context): \(relative): \(String(cString: strerror(errno)))")
        }
        guard real.hasPrefix(realBase + "/") else {
            throw EngineError.invalid("\(context): \"\(relative)\" points outside the archive")
        }
        var st = stat()
        guard stat(real, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw EngineError.invalid("\(context): \(relative): not a regular file")
        }
        return real
    }

    private func readJSON<T: Decodable>(_ relative: String, what: String) throws -> T {
        let path = try resolve(relative)
        var st = stat()
        guard stat(path, &st) == 0, st.st_size <= 16 << 20 else {
            throw EngineError.invalid("\(context): \(relative): too large for a \(what)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(try SmallFile.readBytes(path)))
        } catch let error as DecodingError {
            throw EngineError.invalid("\(context): \(relative): not a valid \(what) (\(Self.describe(error)))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _): return "missing \"\(key.stringValue)\""
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx):
            return "unexpected value at \"" + ctx.codingPath.map(\.stringValue).joined(separator: ".") + "\""
        case .dataCorrupted: return "malformed JSON"
        @unknown default: return "malformed"
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
