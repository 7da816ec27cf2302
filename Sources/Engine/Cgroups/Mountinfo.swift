/// One line of /proc/self/mountinfo, reduced to what cgroup detection needs.
/// Format (proc(5)): `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`.
public struct MountinfoEntry: Equatable, Sendable {
    public var mountPoint: String
    public var fsType: String
    /// For a v1 cgroup mount these name its controllers ("rw,cpu,cpuacct").
    public var superOptions: [String]

    /// Lines that don't fit the format are skipped. Read as bytes, not split into strings:
    /// every corral command reads the table (0.11 ms a time split, with its 21 lines here).
    public static func parse(_ text: String) -> [MountinfoEntry] {
        var text = text
        return text.withUTF8 { bytes in
            var entries: [MountinfoEntry] = []
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if let entry = parseLine(UnsafeBufferPointer(rebasing: bytes[start..<end])) { entries.append(entry) }
                start = end + 1
            }
            return entries
        }
    }

    /// `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`,
    /// fields between runs of spaces.
    static func parseLine(_ line: UnsafeBufferPointer<UInt8>) -> MountinfoEntry? {
        var field = 0, i = 0
        var mountPoint = 0..<0, fsType = 0..<0, superOptions = 0..<0
        var dash = -1
        while i < line.count {
            if line[i] == 0x20 { i += 1; continue }
            let start = i
            while i < line.count && line[i] != 0x20 { i += 1 }
            if field == 4 { mountPoint = start..<i }
            if dash < 0, field >= 6, i - start == 1, line[start] == UInt8(ascii: "-") { dash = field }
            if dash >= 0 {
                if field == dash + 1 { fsType = start..<i }
                if field == dash + 3 { superOptions = start..<i }
            }
            field += 1
        }
        guard field >= 10, dash >= 0, dash + 3 < field else { return nil }
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: line[r]), as: UTF8.self) }
        var options: [String] = []
        var o = superOptions.lowerBound
        while o < superOptions.upperBound {
            var e = o
            while e < superOptions.upperBound && line[e] != UInt8(ascii: ",") { e += 1 }
            if e > o { options.append(text(o..<e)) }
            o = e + 1
        }
        return MountinfoEntry(mountPoint: unescape(Substring(text(mountPoint))), fsType: text(fsType), superOptions: options)
    }

    /// The kernel writes space, tab, newline and backslash in paths as \ooo octal escapes.
    static func unescape(_ s: Substring) -> String {
        guard s.contains("\\") else { return String(s) }
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x5C, i + 3 < b.count {
                let digits = b[(i + 1)...(i + 3)]
                if digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) {
                    out.append(digits.reduce(0) { $0 &* 8 &+ ($1 - 0x30) })
                    i += 4
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
