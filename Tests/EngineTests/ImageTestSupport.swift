import CArchive
import Foundation
import XCTest
@testable import Engine

/// One entry of a tar archive crafted by a test: anything a hostile archive could hold.
struct TarEntry {
    enum Kind {
        case file(Data)
        case directory
        case symlink(String)
        case hardlink(String)
        case charDevice(major: Int32, minor: Int32)
        case fifo
    }

    var path: String
    var kind: Kind
    var mode: mode_t

    static func file(_ path: String, _ text: String, mode: mode_t = 0o644) -> TarEntry {
        TarEntry(path: path, kind: .file(Data(text.utf8)), mode: mode)
    }
    static func file(_ path: String, data: Data, mode: mode_t = 0o644) -> TarEntry {
        TarEntry(path: path, kind: .file(data), mode: mode)
    }
    static func dir(_ path: String, mode: mode_t = 0o755) -> TarEntry {
        TarEntry(path: path, kind: .directory, mode: mode)
    }
    static func symlink(_ path: String, to target: String) -> TarEntry {
        TarEntry(path: path, kind: .symlink(target), mode: 0o777)
    }
    static func hardlink(_ path: String, to target: String) -> TarEntry {
        TarEntry(path: path, kind: .hardlink(target), mode: 0o644)
    }
    static func charDevice(_ path: String, major: Int32, minor: Int32) -> TarEntry {
        TarEntry(path: path, kind: .charDevice(major: major, minor: minor), mode: 0o666)
    }
    static func fifo(_ path: String) -> TarEntry {
        TarEntry(path: path, kind: .fifo, mode: 0o644)
    }
}

/// Writes tar archives entry by entry with libarchive's writer: names are stored exactly as
/// given ("../x", "/tmp/x"), which the `tar` command would refuse or rewrite.
enum TarWriter {
    enum Compression { case none, gzip, xz }

    static func write(_ entries: [TarEntry], to path: String, compression: Compression = .none) throws {
        // libarchive's pax writer needs names it can convert from the locale's charset; the
        // test process runs in the C locale, so this thread switches to C.UTF-8 while writing.
        let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
        let previous = uselocale(utf8)
        defer {
            uselocale(previous)
            freelocale(utf8)
        }
        let a = archive_write_new()!
        defer { archive_write_free(a) }
        archive_write_set_format_pax_restricted(a)
        switch compression {
        case .none: break
        case .gzip: archive_write_add_filter_gzip(a)
        case .xz: archive_write_add_filter_xz(a)
        }
        try check(archive_write_open_filename(a, path), a)
        for item in entries {
            let e = archive_entry_new()!
            defer { archive_entry_free(e) }
            archive_entry_set_pathname_utf8(e, item.path)
            archive_entry_set_perm(e, item.mode)
            archive_entry_set_mtime(e, 1_700_000_000, 0)
            var data = Data()
            switch item.kind {
            case let .file(d):
                archive_entry_set_filetype(e, Glibc.S_IFREG)
                archive_entry_set_size(e, Int64(d.count))
                data = d
            case .directory:
                archive_entry_set_filetype(e, Glibc.S_IFDIR)
            case let .symlink(target):
                archive_entry_set_filetype(e, Glibc.S_IFLNK)
                archive_entry_set_symlink_utf8(e, target)
            case let .hardlink(target):
                archive_entry_set_filetype(e, Glibc.S_IFREG)
                archive_entry_set_hardlink_utf8(e, target)
                archive_entry_set_size(e, 0)
            case let .charDevice(major, minor):
                archive_entry_set_filetype(e, Glibc.S_IFCHR)
                archive_entry_set_rdevmajor(e, dev_t(major))
                archive_entry_set_rdevminor(e, dev_t(minor))
            case .fifo:
                archive_entry_set_filetype(e, Glibc.S_IFIFO)
            }
            try check(archive_write_header(a, e), a)
            if !data.isEmpty {
                let n = data.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
                XCTAssertEqual(n, data.count)
            }
        }
        try check(archive_write_close(a), a)
    }

    private static func check(_ r: Int32, _ a: OpaquePointer) throws {
        if r != ARCHIVE_OK {
            throw NSError(domain: "TarWriter", code: Int(r), userInfo: [
                NSLocalizedDescriptionKey: archive_error_string(a).map { String(cString: $0) } ?? "libarchive error \(r)",
            ])
        }
    }
}

/// A per-test scratch directory (its name has "corral-test" and the pid), removed afterwards.
class ImageTestCase: XCTestCase {
    /// Hex sha256 of `data`, for the digests docker-save and OCI layouts name their blobs by.
    func sha256(_ data: Data) -> String {
        let path = base + "/.hash-input"
        try? data.write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let out = Pipe()
        p.standardOutput = out
        try? p.run()
        p.waitUntilExit()
        return String(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
    }

    var base = ""
    var store: ImageStore!
    private var extraPaths: [String] = []

    override func setUpWithError() throws {
        base = "/tmp/corral-test-\(getpid())-\(name.filter { $0.isLetter || $0.isNumber })"
        try? FileManager.default.removeItem(atPath: base)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        store = ImageStore(root: base + "/store")
    }

    override func tearDownWithError() throws {
        for path in extraPaths { try? FileManager.default.removeItem(atPath: path) }
        try? SmallFile.removeTree(base)
    }

    /// A path outside `base` that a test watches (e.g. /tmp/corral-test-outside-PID); removed at
    /// tear-down.
    func outsidePath(_ label: String) -> String {
        let p = "/tmp/corral-test-outside-\(getpid())-\(label)"
        try? FileManager.default.removeItem(atPath: p)
        extraPaths.append(p)
        return p
    }

    /// What the store's images directory holds besides its lock: images and leftovers.
    func storeEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.imagesDirectory)) ?? [])
            .filter { $0 != ".lock" }.sorted()
    }

    func archive(_ name: String, _ entries: [TarEntry], compression: TarWriter.Compression = .none) throws -> String {
        let path = base + "/" + name
        try TarWriter.write(entries, to: path, compression: compression)
        return path
    }

    func assertInvalid(_ body: @autoclosure () throws -> Any, contains fragment: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case let EngineError.invalid(msg) = error else {
                return XCTFail("expected .invalid, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(msg.contains(fragment), "\"\(msg)\" lacks \"\(fragment)\"", file: file, line: line)
        }
    }

    func lstatOrNil(_ path: String) -> stat? {
        var st = stat()
        return lstat(path, &st) == 0 ? st : nil
    }

    func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}
