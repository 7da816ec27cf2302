#if canImport(Glibc)
import Glibc
#endif

/// The cgroup parent dirs corral itself made ("corral", or a test's own parent), listed in
/// `<state root>/.cgroup-parents`, so that removing the last container under one removes it
/// too — and a parent a person made (perhaps with limits of its own) is never touched.
/// Changed only under the store lock.
struct CgroupParents {
    let store: StateStore
    let cgroups: CgroupDriver

    static let listName = ".cgroup-parents"
    private var listPath: String { store.root + "/" + Self.listName }

    private func created() -> [String] {
        let text = (try? SmallFile.readIfPresent(listPath)) ?? nil
        return (text ?? "").split(separator: "\n").map(String.init)
    }

    private func save(_ list: [String]) {
        guard !list.isEmpty else {
            unlink(listPath)
            return
        }
        var text = ""
        for parent in list { text += parent + "\n" }
        try? SmallFile.writeAtomically(listPath, Array(text.utf8), durable: false)
    }

    /// Call before creating a group under `parent`: notes the topmost missing ancestor.
    func noteBeforeCreate(parent: String) {
        let parts = parent.split(separator: "/")
        for i in 1...parts.count {
            let prefix = PathParts.join(parts[0..<i])
            if !cgroups.exists(CgroupPath(prefix)) {
                var list = created()
                if !list.contains(prefix) { list.append(prefix); save(list) }
                return
            }
        }
    }

    /// Call after removing `group`: removes its now-empty parents up to the one corral made.
    func removeEmpty(after group: CgroupPath) {
        let list = created()
        let parents = Array(group.relative.split(separator: "/").dropLast())
        guard let top = (1...max(parents.count, 1)).map({ PathParts.join(parents.prefix($0)) })
            .first(where: list.contains) else { return }
        let topDepth = top.split(separator: "/").count
        for procs in cgroups.procsFiles(group) {
            let suffix = "/" + group.relative + "/cgroup.procs"
            guard procs.hasSuffix(suffix) else { continue }
            let root = String(procs.dropLast(suffix.count))
            var depth = parents.count
            while depth >= topDepth {
                if rmdir(root + "/" + PathParts.join(parents.prefix(depth))) != 0 && errno != ENOENT { break }
                depth -= 1
            }
        }
        if !cgroups.exists(CgroupPath(top)) { save(list.filter { $0 != top }) }
    }
}
