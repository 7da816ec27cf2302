import CDigest
#if canImport(Glibc)
import Glibc
#endif

/// The `sha256:<hex>` digests image archives name their blobs and layers by, checked against
/// the bytes: a corrupted or swapped blob is refused instead of becoming an image, as docker
/// and podman refuse it.
enum ContentDigest {
    static func sha256(ofFile path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: 32)
        let rc = cdigest_sha256_fd(fd, &out)
        guard rc == 0 else { throw EngineError.system(step: "read", path: path, errno: -rc) }
        return "sha256:" + Hex.string(out)
    }

    static func sha256(of bytes: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: 32)
        cdigest_sha256(bytes, UInt(bytes.count), &out)
        return "sha256:" + Hex.string(out)
    }

    /// Throws unless the file's content has the `sha256:` digest `expected`. Other algorithms
    /// (OCI allows sha512, rarely used) pass unchecked, as before corral checked any: this
    /// catches corruption and swapped files, it is no signature.
    static func verify(_ path: String, expected: String, what: String, context: String) throws {
        guard expected.hasPrefix("sha256:") else { return }
        let actual = try sha256(ofFile: path)
        guard actual == expected.lowercased() else {
            throw EngineError.invalid("\(context): \(what): content does not match its digest (\(ImageName.quoted(expected)) named, \(actual) found)")
        }
    }

}
