#if canImport(Glibc)
import Glibc
#endif

extension ImageStore {
    /// `corral image import FILE NAME`: a rootfs tarball (plain, gzip, bzip2, xz or zstd), such
    /// as `docker export` output or an Alpine/Debian minirootfs. The image gets only a default
    /// PATH; there is no command to inherit.
    /// `shownAs`: the archive's name in messages (`stdin` for a spooled one).
    public func importRootfs(tarball: String, name given: String, shownAs: String? = nil) throws -> Image {
        // Stored under docker's familiar name, as a load stores what it loads.
        let name = ImageName.familiar(given)
        try ImageName.validateNew(name)
        let file = Self.absolute(tarball)
        let context = "image import: \(shownAs ?? tarball)"
        try Self.requireRegularFile(file, context: context)
        return try withLock {
            try requireFree(name)
            let built = try building { tmp in
                let result = try SecureExtractor.extract(archive: file, into: tmp + "/rootfs", whiteouts: false, context: context)
                guard result.entries > 0 else { throw EngineError.invalid("\(context): the archive has no entries") }
                let config = ImageConfig(env: ["PATH=" + Environment.defaultPath])
                return (tmp: tmp, image: try record(in: tmp, name: name, config: config))
            }
            return try publish([built], context: context)[0]
        }
    }

    static func requireRegularFile(_ path: String, context: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw EngineError.notFound("\(context): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw EngineError.invalid("\(context): not a regular file") }
    }
}
