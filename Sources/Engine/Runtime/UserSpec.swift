#if canImport(Glibc)
import Glibc
#endif

/// `--user UID[:GID]` or `--user NAME[:GROUP]`, names looked up in the rootfs's own
/// /etc/passwd and /etc/group (never the host's), as docker does.
struct UserSpec {
    var uid: UInt32
    var gid: UInt32
    var home: String

    static func resolve(_ text: String?, rootfs: String) throws -> UserSpec {
        guard let text, !text.isEmpty else { return UserSpec(uid: 0, gid: 0, home: "/root") }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, !parts[0].isEmpty, !(parts.count == 2 && parts[1].isEmpty) else {
            throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): expected UID[:GID]")
        }
        let passwd = readInsideRootfs(rootfs, "etc/passwd")
        let entries = (passwd ?? "").split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false) }
        var uid: UInt32
        var gid: UInt32 = 0
        var home = "/"
        if let n = UInt32(parts[0]) {
            uid = n
            if let e = entries.first(where: { $0.count >= 6 && UInt32($0[2]) == n }) {
                gid = UInt32(e[3]) ?? 0
                home = String(e[5])
            }
        } else if let e = entries.first(where: { $0.count >= 6 && String($0[0]) == parts[0] }),
                  let u = UInt32(e[2]) {
            uid = u
            gid = UInt32(e[3]) ?? 0
            home = String(e[5])
        } else {
            throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): no such user in the rootfs's /etc/passwd")
        }
        if uid == 0 { home = "/root" }
        if parts.count == 2 {
            if let g = UInt32(parts[1]) {
                gid = g
            } else {
                let groups = readInsideRootfs(rootfs, "etc/group") ?? ""
                guard let line = groups.split(separator: "\n").map({ $0.split(separator: ":", omittingEmptySubsequences: false) })
                        .first(where: { $0.count >= 3 && String($0[0]) == parts[1] }),
                      let g = UInt32(line[2]) else {
                    throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): no such group in the rootfs's /etc/group")
                }
                gid = g
            }
        }
        guard uid != UInt32.max, gid != UInt32.max else { throw EngineError.invalid("invalid --user \(ContainerName.quoted(text))") }
        return UserSpec(uid: uid, gid: gid, home: home)
    }

    /// Reads a file of the rootfs without following any symlink on the way: an image whose
    /// /etc/passwd links to the host's /etc/shadow must not make corral read the host's file.
    static func readInsideRootfs(_ rootfs: String, _ relative: String) -> String? {
        var dir = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { return nil }
        let parts = relative.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            let fd = openat(dir, part, (last ? O_RDONLY : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC)
            close(dir)
            guard fd >= 0 else { return nil }
            dir = fd
        }
        defer { close(dir) }
        var st = stat()
        guard fstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size < 1 << 20 else { return nil }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(dir, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
