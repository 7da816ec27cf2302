/// One line of /proc/self/mountinfo, reduced to what cgroup detection needs.
/// Format (proc(5)): `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`.
public struct MountinfoEntry: Equatable, Sendable {
    public var mountPoint: String
    public var fsType: String
    /// For a v1 cgroup mount these name its controllers ("rw,cpu,cpuacct").
    public var superOptions: [String]

    /// Lines that don't fit the format are skipped.
    public static func parse(_ text: String) -> [MountinfoEntry] {
        text.split(separator: "\n").compactMap(parseLine)
    }

    static func parseLine(_ line: Substring) -> MountinfoEntry? {
        let fields = line.split(separator: " ")
        guard fields.count >= 10, let dash = fields[6...].firstIndex(of: "-"), dash + 3 < fields.count else {
            return nil
        }
        return MountinfoEntry(mountPoint: unescape(fields[4]), fsType: String(fields[dash + 1]),
                              superOptions: fields[dash + 3].split(separator: ",").map(String.init))
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
