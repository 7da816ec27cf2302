#if canImport(Glibc)
import Glibc
#endif

extension ImageStore {
    /// `corral image load FILE`: a `docker save` / `podman save` archive, or an OCI image layout
    /// (a directory, or a tar of one). Every image in it is built, layers applied bottom first
    /// with their whiteouts, and published only when all of them are complete. An image name
    /// already in the store refuses the whole load.
    /// `shownAs`: the archive's name in messages (`stdin` for a spooled one).
    public func load(archive: String, shownAs: String? = nil) throws -> [Image] {
        let path = Self.absolute(archive)
        let context = "image load: \(shownAs ?? archive)"
        var st = stat()
        guard stat(path, &st) == 0 else { throw EngineError.notFound("\(context): \(String(cString: strerror(errno)))") }
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        guard isDirectory || (st.st_mode & S_IFMT) == S_IFREG else {
            throw EngineError.invalid("\(context): not a regular file or directory")
        }

        return try withLock {
            var scratch: String?
            defer { if let scratch { try? SmallFile.removeTree(scratch) } }
            let bundleDirectory: String
            if isDirectory {
                bundleDirectory = path
            } else {
                // The outer archive is as untrusted as the layers in it.
                let tmp = try makeTemporary()
                scratch = tmp
                bundleDirectory = tmp + "/bundle"
                guard mkdir(bundleDirectory, 0o700) == 0 else { throw EngineError.fromErrno("mkdir", bundleDirectory) }
                _ = try SecureExtractor.extract(archive: path, into: bundleDirectory, whiteouts: false, context: context)
            }
            let bundle = ImageBundle(directory: bundleDirectory, context: context,
                                     fallbackRepository: Self.repository(fromFile: path))
            let plans = try bundle.plans()
            var names = Set<String>()
            for plan in plans {
                do { try ImageName.validateNew(plan.name) } catch { throw EngineError.invalid("\(context): \(error)") }
                // app and app:latest are one name here.
                guard ImageName.candidates(plan.name).allSatisfy({ !names.contains($0) }) else {
                    throw EngineError.invalid("\(context): the image name \(plan.name) occurs twice")
                }
                names.formUnion(ImageName.candidates(plan.name))
                try requireFree(plan.name)
            }

            var builds: [(tmp: String, image: Image)] = []
            do {
                for plan in plans {
                    builds.append(try building { tmp in
                        for (i, layer) in plan.layers.enumerated() {
                            let where_ = "\(context): \(plan.name): layer \(i + 1)/\(plan.layers.count) (\(layer.label))"
                            _ = try SecureExtractor.extract(archive: layer.path, into: tmp + "/rootfs", whiteouts: true, context: where_)
                        }
                        return (tmp: tmp, image: try record(in: tmp, name: plan.name, config: plan.config))
                    })
                }
                return try publish(builds, context: context)
            } catch {
                for build in builds { try? SmallFile.removeTree(build.tmp) }
                throw error
            }
        }
    }

    /// "alpine-3.19.tar.gz" -> "alpine-3.19": a repository name for OCI entries that carry only a tag.
    static func repository(fromFile path: String) -> String {
        var base = path.split(separator: "/").last.map(String.init) ?? ""
        let extensions = [".tar", ".tgz", ".gz", ".xz", ".zst", ".bz2", ".oci", ".docker"]
        while let ext = extensions.first(where: { base.lowercased().hasSuffix($0) && base.count > $0.count }) {
            base = String(base.dropLast(ext.count))
        }
        var out = String(base.lowercased().map { c -> Character in
            (c.isASCII && (c.isLetter || c.isNumber)) || c == "." || c == "_" || c == "-" ? c : "-"
        })
        while let f = out.first, !(f.isASCII && (f.isLetter || f.isNumber)) { out.removeFirst() }
        while out.contains("..") { out = out.replacing("..", with: ".") }
        return out.isEmpty ? "image" : out
    }
}
