#if canImport(Glibc)
import Glibc
#endif

/// The cgroup parent directories ("corral", or a test's own parent) this process made for the
/// containers it created.
///
/// corral leaves its cgroup parent in place once it has made it, as runc and docker do; it is
/// empty while no container exists. Making it before and removing it after each lone container
/// cost a `run --rm` ~0.3 ms (ten `mkdir`/`rmdir`s of cgroups and a list of them kept on disk;
/// bench/FINDINGS.md, ninth round). A start that fails removes what it made, so bad input
/// leaves nothing that was not there before.
final class CgroupParents: @unchecked Sendable {
    /// The list an older corral kept in the state root; its temporary file, from a write cut
    /// short, is still swept as a leftover.
    static let legacyListName = ".cgroup-parents"

    private let mutex = Mutex()
    /// Each directory made, with its identity then: removed and made again by someone else
    /// (a person's `rmdir`, another corral), it is no longer ours.
    private var made: [String: FileIdentity] = [:]

    /// `dirs` were made by creating a group whose own directories are `leafDirs` (one per
    /// hierarchy): the others are its parents.
    func note(_ dirs: [String], leafDirs: [String]) {
        let parents = dirs.filter { !leafDirs.contains($0) }
        guard !parents.isEmpty else { return }
        let identities = parents.compactMap { dir in FileIdentity(of: dir).map { (dir, $0) } }
        mutex.locked { for (dir, identity) in identities { made[dir] = identity } }
    }

    /// After the group in `leafDirs` was removed: removes the parents of it this process made,
    /// innermost first, while they are empty (another container may be using one).
    func removeEmpty(above leafDirs: [String]) {
        mutex.locked {
            guard !made.isEmpty else { return }
            let ancestors = leafDirs.flatMap { leaf -> [String] in
                var dir = Substring(leaf), found: [String] = []
                while let slash = dir.lastIndex(of: "/"), slash > dir.startIndex {
                    dir = dir[..<slash]
                    found.append(String(dir))
                }
                return found
            }
            // Innermost first: each leaf's ancestors come out deepest first.
            for dir in ancestors {
                guard let identity = made[dir] else { continue }
                if FileIdentity(of: dir) == identity, rmdir(dir) != 0, errno != ENOENT { continue }
                made[dir] = nil
            }
        }
    }
}

