#if canImport(Glibc)
import Glibc
#endif

/// Decoded `state.json` records kept between calls and reused while the file is unchanged.
/// `corral top` lists every container every second, and decoding 200 JSON records costs more
/// than all the kernel files it reads. The state root stays the truth: every load stats the
/// file, and a state file is only ever replaced by rename (a new inode), so a change is seen
/// at the next load.
final class RecordCache {
    /// The file and its content's version: a state file is replaced by rename (another inode).
    private struct Identity: Equatable {
        var file: FileIdentity
        var size: Int64
        var mtimeSeconds: Int
        var mtimeNanoseconds: Int
    }

    private var entries: [String: (identity: Identity, record: ContainerRecord)] = [:]
    private let lock = Mutex()

    /// `store.load(name)`, or the record decoded last time if the file is still the same one.
    func load(_ name: String, from store: StateStore) throws -> ContainerRecord {
        guard let identity = Self.identity(of: store.recordPath(name)) else {
            forget(name)
            return try store.load(name)
        }
        if let known = lock.locked({ entries[name] }), known.identity == identity { return known.record }
        // Replaced between the stat and the read: the next load sees another identity and reloads.
        let record = try store.load(name)
        lock.locked { entries[name] = (identity, record) }
        return record
    }

    /// A record this process has just written: kept as if decoded from the file, so that
    /// removing the container it runs in the foreground does not decode what it wrote.
    func remember(_ record: ContainerRecord, in store: StateStore) {
        guard let identity = Self.identity(of: store.recordPath(record.name)) else { return }
        lock.locked { entries[record.name] = (identity, record) }
    }

    private static func identity(of path: String) -> Identity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Identity(file: FileIdentity(st), size: Int64(st.st_size),
                        mtimeSeconds: Int(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec))
    }

    /// Drops every entry but these names (containers removed meanwhile).
    func retain(only names: Set<String>) {
        // Removes in place: rebuilding the dictionary would copy every record at every refresh.
        lock.locked {
            for name in entries.keys where !names.contains(name) { entries[name] = nil }
        }
    }

    private func forget(_ name: String) {
        lock.locked { entries[name] = nil }
    }
}
