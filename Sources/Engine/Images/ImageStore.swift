import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The image store: `<root>/images/<escaped name>/{image.json,rootfs/}`.
///
/// Every change happens under an flock on `<root>/images/.lock` and is built in
/// `<root>/images/.tmp-XXXXXX`, renamed into place only when complete: readers (no lock) see an
/// image whole or not at all, and a crashed import leaves only a `.tmp-*` that the next change
/// removes.
public struct ImageStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = Self.absolute(root)
    }

    public var imagesDirectory: String { root + "/images" }

    func directory(_ name: String) -> String {
        imagesDirectory + "/" + ImageName.escaped(name)
    }

    /// The image called `name`, or `name:latest` when `name` has no tag.
    public func image(named name: String) throws -> Image {
        try ImageName.validate(name)
        for candidate in ImageName.candidates(name) {
            if let image = try read(candidate) { return image }
        }
        throw EngineError.notFound("no such image: \(name)")
    }

    /// All images, by name. An image whose image.json can't be read is left out.
    public func list() throws -> [Image] {
        guard let dir = opendir(imagesDirectory) else {
            if errno == ENOENT { return [] }
            throw EngineError.fromErrno("opendir", imagesDirectory)
        }
        var entries: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { entries.append(name) }
        }
        closedir(dir)
        return entries.compactMap { try? decode(imagesDirectory + "/" + $0) }.sorted { $0.name < $1.name }
    }

    /// Removes an image; `.conflict` while `usedBy(name)` names containers that use it. The
    /// check and the removal happen under the store lock.
    public func remove(named name: String, usedBy: (String) -> [String]) throws {
        try ImageName.validate(name)
        try withLock {
            guard let image = try ImageName.candidates(name).lazy.compactMap({ try self.read($0) }).first else {
                throw EngineError.notFound("no such image: \(name)")
            }
            let users = usedBy(image.name)
            guard users.isEmpty else {
                let named = users.prefix(3).map(ContainerName.quoted).joined(separator: ", ")
                    + (users.count > 3 ? " and \(users.count - 3) more" : "")
                throw EngineError.conflict("image \(image.name) is used by container\(users.count == 1 ? "" : "s") \(named); remove \(users.count == 1 ? "it" : "them") first")
            }
            // Renamed out of sight first: a removal cut short leaves a .tmp-* for the next
            // change to clear, never a half image under the real name.
            let trash = try makeTemporary()
            let dir = directory(image.name)
            guard rename(dir, trash + "/image") == 0 else {
                let e = EngineError.fromErrno("rename", dir)
                try? SmallFile.removeTree(trash)
                throw e
            }
            try SmallFile.removeTree(trash)
        }
    }

    // MARK: - Internals shared by import, load and the builtin image

    func read(_ name: String) throws -> Image? {
        let dir = directory(name)
        guard SmallFile.exists(dir + "/image.json") else { return nil }
        return try decode(dir)
    }

    func decode(_ dir: String) throws -> Image {
        let bytes = try SmallFile.readBytes(dir + "/image.json")
        do {
            var image = try JSONDecoder().decode(Image.self, from: Data(bytes))
            image.rootfs = dir + "/rootfs"
            return image
        } catch {
            throw EngineError.invalid("\(dir)/image.json: unreadable image record (\(error))")
        }
    }

    /// Runs `body` holding the store lock, after clearing what earlier, interrupted changes left:
    /// with the lock held, no `.tmp-*` can belong to a change still running.
    func withLock<T>(_ body: () throws -> T) throws -> T {
        try SmallFile.makeDirectories(root)
        if mkdir(imagesDirectory, 0o700) != 0 && errno != EEXIST {
            throw EngineError.fromErrno("mkdir", imagesDirectory)
        }
        return try FileLock.withLock(imagesDirectory + "/.lock", noticeWait: true) {
            try removeLeftovers()
            return try body()
        }
    }

    private func removeLeftovers() throws {
        guard let dir = opendir(imagesDirectory) else { throw EngineError.fromErrno("opendir", imagesDirectory) }
        var stale: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".tmp-") { stale.append(name) }
        }
        closedir(dir)
        for name in stale { try SmallFile.removeTree(imagesDirectory + "/" + name) }
    }

    /// A fresh, private build directory inside the store (same filesystem, so rename works).
    func makeTemporary() throws -> String {
        var template = Array((imagesDirectory + "/.tmp-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw EngineError.fromErrno("mkdtemp", imagesDirectory) }
        return String(cString: template)
    }

    /// `app` and `app:latest` are one name: neither may be added while the other is there.
    func requireFree(_ name: String) throws {
        if let taken = ImageName.candidates(name).first(where: { SmallFile.exists(directory($0)) }) {
            throw EngineError.conflict("image \(taken) already exists; remove it first (corral image rm \(taken))")
        }
    }

    /// Writes image.json into the build directory `tmp` (which holds `rootfs/`), without
    /// publishing it yet.
    func record(in tmp: String, name: String, config: ImageConfig) throws -> Image {
        let rootfs = tmp + "/rootfs"
        let fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.fromErrno("open", rootfs) }
        defer { close(fd) }
        let size = try TreeAt.diskUsage(fd, display: rootfs)
        let image = Image(name: name, created: Int64(time(nil)), size: size, config: config)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SmallFile.writeAtomically(tmp + "/image.json", Array(try encoder.encode(image)))
        return image
    }

    /// Makes built images visible under their names: data flushed first, so a crash can't
    /// leave a published image with empty files. A Ctrl-C noted after the last extraction step
    /// publishes nothing. On any failure nothing of `builds` is left, published or not.
    func publish(_ builds: [(tmp: String, image: Image)], context: String) throws -> [Image] {
        do {
            try Interruption.check(context)
        } catch {
            for build in builds { try? SmallFile.removeTree(build.tmp) }
            throw error
        }
        if let syncfs = GNUCalls.syncfs, let first = builds.first {
            let fd = open(first.tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                _ = syncfs(fd)
                close(fd)
            }
        }
        var published: [String] = []
        var images: [Image] = []
        for build in builds {
            let dir = directory(build.image.name)
            guard rename(build.tmp, dir) == 0 else {
                let e = EngineError.fromErrno("rename", dir)
                for done in published { try? SmallFile.removeTree(done) }
                for build in builds { try? SmallFile.removeTree(build.tmp) }
                throw e
            }
            published.append(dir)
            var image = build.image
            image.rootfs = dir + "/rootfs"
            images.append(image)
        }
        return images
    }

    /// Runs `body` with a fresh build directory holding an empty `rootfs/`; the directory is
    /// removed if `body` throws.
    func building<T>(_ body: (_ tmp: String) throws -> T) throws -> T {
        let tmp = try makeTemporary()
        do {
            guard mkdir(tmp + "/rootfs", 0o755) == 0 else { throw EngineError.fromErrno("mkdir", tmp + "/rootfs") }
            // mkdir applies the umask; the container's / must be 0755 whatever it was.
            guard chmod(tmp + "/rootfs", 0o755) == 0 else { throw EngineError.fromErrno("chmod", tmp + "/rootfs") }
            return try body(tmp)
        } catch {
            try? SmallFile.removeTree(tmp)
            throw error
        }
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buf, buf.count) != nil else { return path }
        return String(cString: buf) + "/" + path
    }
}
