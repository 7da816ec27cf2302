import CArchive
#if canImport(Glibc)
import Glibc
#endif

/// Extracts a tar archive (plain, gzip, bzip2, xz, zstd) into a directory without letting any
/// entry touch a file outside it. Two independent guards:
///
/// 1. libarchive's disk writer with ARCHIVE_EXTRACT_SECURE_SYMLINKS, _SECURE_NODOTDOT and
///    _SECURE_NOABSOLUTEPATHS, running with the image directory as its current directory on a
///    thread of its own (PrivateFSThread), and entry paths rewritten to clean relative ones.
/// 2. Before libarchive sees an entry, its parent directories are walked from an fd of the image
///    directory one component at a time with O_NOFOLLOW: a symlink or non-directory on the way
///    refuses the whole archive; a hard link must name a regular file already inside the tree;
///    whatever sits at the entry's own path is removed first, so nothing is opened through it.
///
/// Policy beyond escapes: device nodes, fifos and sockets are skipped (a container gets its own
/// /dev); setuid and setgid bits are dropped from files; owners are restored by number, never
/// looked up by name on the host; xattrs and ACLs are not restored (security.capability would be
/// a setuid bit by another name).
enum SecureExtractor {
    struct Result {
        /// Entries read from the archive, including skipped and whiteout ones.
        var entries: Int
        /// Paths of device nodes, fifos and sockets that were not created.
        var skipped: [String]
    }

    /// The two guards. Both are always on in the product; tests switch one off at a time to
    /// show that the other alone still holds against each attack.
    struct Guards: OptionSet {
        let rawValue: Int
        static let libarchive = Guards(rawValue: 1)
        static let preflight = Guards(rawValue: 2)
        static let all: Guards = [.libarchive, .preflight]
    }

    static let secureFlags: Int32 = ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT
        | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS
    static let restoreFlags: Int32 = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME

    /// Extracts `archive` into the existing directory `root`. With `whiteouts`, the archive is an
    /// image layer: `.wh.NAME` removes NAME, `.wh..wh..opq` empties its directory of everything
    /// earlier layers put there. Errors are `.invalid("<context>: <reason>")`.
    static func extract(archive: String, into root: String, whiteouts: Bool, context: String,
                        guards: Guards = .all) throws -> Result {
        let archiveFD = open(archive, O_RDONLY | O_CLOEXEC)
        guard archiveFD >= 0 else {
            throw EngineError.invalid("\(context): \(String(cString: strerror(errno)))")
        }
        defer { close(archiveFD) }
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard rootFD >= 0 else { throw EngineError.fromErrno("open", root) }
        defer { close(rootFD) }

        return try PrivateFSThread.run {
            guard fchdir(rootFD) == 0 else { throw EngineError.fromErrno("fchdir", root) }
            umask(0o022)
            var session = Session(rootFD: rootFD, root: root, whiteouts: whiteouts, context: context, guards: guards)
            return try session.run(archiveFD: archiveFD)
        }
    }

    private struct Session {
        let rootFD: Int32
        let root: String
        let whiteouts: Bool
        let context: String
        let guards: Guards
        /// Every path this archive made a directory, explicitly or as a parent: replacing one of
        /// them with a non-directory later in the same archive is refused, because libarchive
        /// restores directory modes and times by path when it closes.
        var directories = Set<EntryPath>()
        /// Paths this archive created, with their ancestors: what an opaque whiteout keeps.
        var created = Set<EntryPath>()
        var result = Result(entries: 0, skipped: [])

        init(rootFD: Int32, root: String, whiteouts: Bool, context: String, guards: Guards) {
            self.guards = guards
            self.rootFD = rootFD
            self.root = root
            self.whiteouts = whiteouts
            self.context = context
        }

        mutating func run(archiveFD: Int32) throws -> Result {
            guard let reader = archive_read_new() else { throw EngineError.invalid("\(context): libarchive: out of memory") }
            defer { archive_read_free(reader) }
            archive_read_support_format_tar(reader)
            // Only decompressors built into libarchive: no external program is ever started.
            archive_read_support_filter_gzip(reader)
            archive_read_support_filter_bzip2(reader)
            archive_read_support_filter_xz(reader)
            archive_read_support_filter_lzma(reader)
            archive_read_support_filter_zstd(reader)
            guard archive_read_open_fd(reader, archiveFD, 1 << 16) == ARCHIVE_OK else {
                throw failure(Self.message(reader))
            }
            guard let writer = archive_write_disk_new() else { throw EngineError.invalid("\(context): libarchive: out of memory") }
            defer { archive_write_free(writer) }
            archive_write_disk_set_options(
                writer, SecureExtractor.restoreFlags | (guards.contains(.libarchive) ? SecureExtractor.secureFlags : 0))

            var entry: OpaquePointer?
            while true {
                try Interruption.check(context)
                let r = archive_read_next_header(reader, &entry)
                if r == ARCHIVE_EOF { break }
                guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else { throw failure(Self.message(reader)) }
                result.entries += 1
                do {
                    try place(entry, reader: reader, writer: writer)
                } catch let EngineError.system(step, _, err) {
                    // Said of the entry, not of the store's staging path it was being made at.
                    let shown = archive_entry_pathname(entry).map { String(decoding: bytesOf($0), as: UTF8.self) } ?? "?"
                    throw failure("entry \(ContainerName.quoted(shown)): \(step): \(String(cString: strerror(err)))")
                }
            }
            // Applies the deferred directory modes and times.
            let closed = archive_write_close(writer)
            guard closed == ARCHIVE_OK || closed == ARCHIVE_WARN else { throw failure(Self.message(writer)) }
            return result
        }

        mutating func place(_ entry: OpaquePointer, reader: OpaquePointer, writer: OpaquePointer) throws {
            guard let rawName = archive_entry_pathname(entry) else { throw failure("an entry has no name") }
            let raw = bytesOf(rawName)
            let shown = String(decoding: raw, as: UTF8.self)
            let path = EntryPath(raw: raw)
            if path == nil && guards.contains(.preflight) { throw failure("entry \"\(shown)\": \"..\" in the path") }
            // The archive's own "./": the image directory keeps its owner and mode.
            if path?.isRoot == true { return }

            let type = archive_entry_filetype(entry)
            let hardlink = archive_entry_hardlink(entry).map(bytesOf)
            if whiteouts, let path, path.last.starts(with: Self.whiteoutPrefix) {
                try applyWhiteout(path)
                return
            }
            if hardlink == nil && type != S_IFREG && type != S_IFDIR && type != S_IFLNK {
                result.skipped.append(shown)
                return
            }
            let isDirectory = hardlink == nil && type == S_IFDIR
            if guards.contains(.preflight), let path {
                try preflight(entry, path: path, isDirectory: isDirectory, hardlink: hardlink)
            }
            let perm = archive_entry_perm(entry)
            // setgid on a directory only picks the group of new files; on a file it, like
            // setuid, would be a privilege.
            archive_entry_set_perm(entry, perm & ~(isDirectory ? Self.setuidBit : Self.setuidBit | Self.setgidBit))

            try write(entry, from: reader, to: writer, shown: guards.contains(.preflight) ? (path?.display ?? shown) : shown)
            if let path {
                for dir in path.parent.selfAndAncestors { directories.insert(dir) }
                if isDirectory { directories.insert(path) }
                if whiteouts { for p in path.selfAndAncestors { created.insert(p) } }
            }
        }

        /// Header, data, finish: what archive_read_extract2 does, except that a refused header
        /// is an error here (extract2 reports it as a mere ARCHIVE_WARN).
        func write(_ entry: OpaquePointer, from reader: OpaquePointer, to writer: OpaquePointer, shown: String) throws {
            guard archive_write_header(writer, entry) >= ARCHIVE_WARN else {
                throw failure("entry \"\(shown)\": \(Self.message(writer))")
            }
            var block: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            while true {
                let r = archive_read_data_block(reader, &block, &size, &offset)
                if r == ARCHIVE_EOF { break }
                try Interruption.check(context)
                guard r >= ARCHIVE_WARN else { throw failure("entry \"\(shown)\": \(Self.message(reader))") }
                // Only OK: the disk writer reports a failed write(2) (ENOSPC, EIO) and a
                // truncated file as ARCHIVE_WARN and would go on, leaving a short file in an
                // image that imports "fine".
                guard archive_write_data_block(writer, block, size, offset) == ARCHIVE_OK else {
                    throw failure("entry \"\(shown)\": \(Self.message(writer))")
                }
            }
            guard archive_write_finish_entry(writer) >= ARCHIVE_WARN else {
                throw failure("entry \"\(shown)\": \(Self.message(writer))")
            }
        }

        /// The guard that doesn't depend on libarchive: hands it a clean relative path whose
        /// parents are real directories, and an empty spot to create the entry in.
        func preflight(_ entry: OpaquePointer, path: EntryPath, isDirectory: Bool, hardlink: [UInt8]?) throws {
            if !isDirectory && directories.contains(path) {
                throw failure("entry \"\(path.display)\": replaces a directory made earlier in the same archive")
            }
            if let hardlink {
                let target = try hardlinkTarget(hardlink, for: path)
                withCString(target.relative) { archive_entry_copy_hardlink(entry, $0) }
            }
            if let parent = try openExisting(path.parent, for: path) {
                defer { close(parent) }
                switch try TreeAt.kind(path.last, in: parent, display: root + "/" + path.display) {
                case .missing: break
                case .directory where isDirectory: break
                default: try TreeAt.remove(path.last, in: parent, display: root + "/" + path.display)
                }
            }
            withCString(path.relative) { archive_entry_copy_pathname(entry, $0) }
        }

        /// A hard link's target: inside the tree (a leading '/' means the image's root), reached
        /// without symlinks, and an existing regular file.
        func hardlinkTarget(_ raw: [UInt8], for path: EntryPath) throws -> EntryPath {
            let shown = String(decoding: raw, as: UTF8.self)
            guard let target = EntryPath(raw: raw), !target.isRoot else {
                throw failure("entry \"\(path.display)\": hard link to \"\(shown)\" leaves the image")
            }
            guard target != path else { throw failure("entry \"\(path.display)\": hard link to itself") }
            guard let parent = try openExisting(target.parent, for: path, linkTarget: true) else {
                throw failure("entry \"\(path.display)\": hard link to \"\(shown)\", which is not in the image")
            }
            defer { close(parent) }
            var st = stat()
            let found = withCString(target.last) { fstatat(parent, $0, &st, AT_SYMLINK_NOFOLLOW) } == 0
            guard found, (st.st_mode & S_IFMT) == S_IFREG else {
                throw failure("entry \"\(path.display)\": hard link to \"\(shown)\", which is not a regular file in the image")
            }
            return target
        }

        /// Opens directory `dir` below the root one component at a time. nil when a component
        /// doesn't exist yet (libarchive creates it); throws when one is a symlink or not a
        /// directory.
        func openExisting(_ dir: EntryPath, for entry: EntryPath, linkTarget: Bool = false) throws -> Int32? {
            var fd = dup(rootFD)
            guard fd >= 0 else { throw EngineError.fromErrno("dup", root) }
            for (i, name) in dir.components.enumerated() {
                let sofar = EntryPath(components: Array(dir.components.prefix(i + 1)))
                let kind: TreeAt.Kind
                do { kind = try TreeAt.kind(name, in: fd, display: root + "/" + sofar.display) } catch {
                    close(fd)
                    throw error
                }
                switch kind {
                case .missing:
                    close(fd)
                    return nil
                case .symlink:
                    close(fd)
                    throw failure(linkTarget ? "entry \"\(entry.display)\": hard link target is reached through the symlink \"\(sofar.display)\""
                                             : "entry \"\(entry.display)\": would be written through the symlink \"\(sofar.display)\"")
                case .other:
                    close(fd)
                    throw failure("entry \"\(entry.display)\": \"\(sofar.display)\" is not a directory")
                case .directory:
                    let next: Int32
                    do { next = try TreeAt.openDirectory(name, in: fd, display: root + "/" + sofar.display) } catch {
                        close(fd)
                        throw error
                    }
                    close(fd)
                    fd = next
                }
            }
            return fd
        }

        mutating func applyWhiteout(_ path: EntryPath) throws {
            let name = path.last
            if name == Self.opaqueMarker {
                guard let dir = try openExisting(path.parent, for: path) else { return }
                defer { close(dir) }
                try removeAllBut(created, in: dir, at: path.parent)
                return
            }
            // Other ".wh..wh." names are aufs bookkeeping (hard link dirs), not whiteouts.
            if name.starts(with: Self.whiteoutPrefix + Self.whiteoutPrefix) { return }
            let hidden = Array(name.dropFirst(Self.whiteoutPrefix.count))
            guard !hidden.isEmpty, hidden != [UInt8(ascii: ".")], hidden != [UInt8(ascii: "."), UInt8(ascii: ".")] else {
                throw failure("entry \"\(path.display)\": invalid whiteout")
            }
            guard let dir = try openExisting(path.parent, for: path) else { return }
            defer { close(dir) }
            try TreeAt.remove(hidden, in: dir, display: root + "/" + path.parent.appending(hidden).display)
        }

        /// What an opaque directory hides: everything below it that this layer didn't create.
        func removeAllBut(_ keep: Set<EntryPath>, in dirFD: Int32, at dir: EntryPath) throws {
            for name in try TreeAt.names(dirFD, display: root + "/" + dir.display) {
                let child = dir.appending(name)
                let shown = root + "/" + child.display
                guard keep.contains(child) else {
                    try TreeAt.remove(name, in: dirFD, display: shown)
                    continue
                }
                if try TreeAt.kind(name, in: dirFD, display: shown) == .directory {
                    let sub = try TreeAt.openDirectory(name, in: dirFD, display: shown)
                    defer { close(sub) }
                    try removeAllBut(keep, in: sub, at: child)
                }
            }
        }

        func failure(_ reason: String) -> EngineError {
            .invalid("\(context): \(reason)")
        }

        static func message(_ archive: OpaquePointer) -> String {
            let text = archive_error_string(archive).map { String(cString: $0) } ?? "unreadable archive"
            // "Write failed" alone hides the cause: a full disk reads as a broken archive.
            let err = archive_errno(archive)
            // EILSEQ is libarchive's ARCHIVE_ERRNO_FILE_FORMAT, not a system error: its text
            // ("Invalid or incomplete multibyte or wide character") would only mislead.
            guard err > 0, err != EILSEQ else {
                return archive_error_string(archive) == nil ? "\(text) (libarchive error \(err))" : text
            }
            return text + ": " + String(cString: strerror(err))
        }

        static let setuidBit: mode_t = 0o4000
        static let setgidBit: mode_t = 0o2000
        static let whiteoutPrefix = Array(".wh.".utf8)
        static let opaqueMarker = Array(".wh..wh..opq".utf8)
    }
}
