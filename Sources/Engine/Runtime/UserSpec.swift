#if canImport(Glibc)
import Glibc
#endif

/// `--user UID[:GID]` or `--user NAME[:GROUP]`, names looked up in the rootfs's own
/// /etc/passwd and /etc/group (never the host's), as docker does.
struct UserSpec {
    var uid: UInt32
    var gid: UInt32
    var home: String
    /// The supplementary groups: the primary one, then those /etc/group lists the user in, as
    /// docker (libcontainer) sets them — a file shared through a group must be readable.
    var groups: [UInt32] = []
    /// The name /etc/passwd gives the user, if any (for its group memberships).
    var name: String?

    static func resolve(_ text: String?, rootfs: String) throws -> UserSpec {
        var user = try resolveIDs(text, rootfs: rootfs)
        // As runc's GetExecUser: memberships only when the group is not given (USER:GROUP
        // means that group alone).
        let explicitGroup = text?.contains(":") ?? false
        user.groups = [user.gid] + (explicitGroup ? [] : memberships(of: user.name, in: rootfs).filter { $0 != user.gid })
        return user
    }

    /// The kernel's NGROUPS_MAX: a longer list is EINVAL at setgroups.
    static let maxGroups = 65_536

    /// The groups whose member list (the fourth field of /etc/group) names `user`.
    private static func memberships(of user: String?, in rootfs: String) -> [UInt32] {
        guard let user, let text = readInsideRootfs(rootfs, "etc/group") else { return [] }
        var out: [UInt32] = []
        var seen: Set<UInt32> = []
        for line in text.split(separator: "\n") where out.count < maxGroups - 1 {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count >= 4, let g = UInt32(f[2]), g != UInt32.max,
                  f[3].split(separator: ",").contains(where: { $0.filter { $0 != " " } == user }),
                  seen.insert(g).inserted else { continue }
            out.append(g)
        }
        return out
    }

    private static func resolveIDs(_ text: String?, rootfs: String) throws -> UserSpec {
        guard let text, !text.isEmpty else { return UserSpec(uid: 0, gid: 0, home: "/root", name: "root") }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, !parts[0].isEmpty, !(parts.count == 2 && parts[1].isEmpty) else {
            throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): expected UID[:GID]")
        }
        let passwd = readInsideRootfs(rootfs, "etc/passwd")
        let entries = (passwd ?? "").split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false) }
        var uid: UInt32
        var gid: UInt32 = 0
        var home = "/"
        var name: String?
        if let n = UInt32(parts[0]) {
            uid = n
            if let e = entries.first(where: { $0.count >= 6 && UInt32($0[2]) == n }) {
                gid = UInt32(e[3]) ?? 0
                home = String(e[5])
                name = String(e[0])
            }
        } else if let e = entries.first(where: { $0.count >= 6 && String($0[0]) == parts[0] }),
                  let u = UInt32(e[2]) {
            uid = u
            gid = UInt32(e[3]) ?? 0
            home = String(e[5])
            name = parts[0]
        } else if parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): a UID is at most \(UInt32.max - 1)")
        } else {
            throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): no such user in the rootfs's /etc/passwd")
        }
        if uid == 0 { home = "/root" }
        if parts.count == 2 {
            if let g = UInt32(parts[1]) {
                gid = g
            } else if parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): a GID is at most \(UInt32.max - 1)")
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
        // (uid_t)-1 means "unchanged" to setresuid and setresgid.
        guard uid != UInt32.max, gid != UInt32.max else {
            throw EngineError.invalid("invalid --user \(ContainerName.quoted(text)): a UID or GID is at most \(UInt32.max - 1)")
        }
        return UserSpec(uid: uid, gid: gid, home: home, name: name)
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
