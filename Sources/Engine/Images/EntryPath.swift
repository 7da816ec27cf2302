#if canImport(Glibc)
import Glibc
#endif

/// A path taken from an archive, as raw bytes (names need not be UTF-8), split into
/// components relative to the extraction root.
struct EntryPath: Hashable {
    var components: [[UInt8]]

    /// Leading '/' and "." components are dropped, as tar does; a ".." component anywhere
    /// makes the path unusable (nil), whatever follows it.
    init?(raw: [UInt8]) {
        var parts: [[UInt8]] = []
        for part in raw.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if part.elementsEqual([UInt8(ascii: ".")]) { continue }
            if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) { return nil }
            parts.append(Array(part))
        }
        components = parts
    }

    init(components: [[UInt8]]) { self.components = components }

    var isRoot: Bool { components.isEmpty }
    var parent: EntryPath { EntryPath(components: Array(components.dropLast())) }
    var last: [UInt8] { components.last ?? [] }

    /// "a/b/c", without a leading slash, as libarchive should see it (relative to its cwd).
    var relative: [UInt8] { Array(components.joined(separator: [UInt8(ascii: "/")])) }

    /// This path and every ancestor below the root.
    var selfAndAncestors: [EntryPath] {
        (0..<components.count).map { EntryPath(components: Array(components.prefix($0 + 1))) }
    }

    var display: String { String(decoding: relative, as: UTF8.self) }

    func appending(_ name: [UInt8]) -> EntryPath { EntryPath(components: components + [name]) }
}

/// Calls `body` with `bytes` as a NUL-terminated C string.
func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
    try (bytes + [0]).withUnsafeBufferPointer { buf in
        try buf.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
    }
}

/// The bytes of a C string, without the NUL.
func bytesOf(_ p: UnsafePointer<CChar>) -> [UInt8] {
    Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
}
