#if canImport(Glibc)
import Glibc
#endif

/// Owns every C string and array one `cspawn_config` points at, until released.
/// The spawn code takes everything as prepared C memory because nothing may be allocated
/// between clone() and execve().
///
/// Everything is malloc'd and kept in one list of raw pointers: each distinct element type of
/// a growing Swift array costs a start its storage class's metadata, made at run time on
/// first use (~15 µs each by perf samples), and three lists here were three such types.
final class CStringPool {
    private var owned: [UnsafeMutableRawPointer] = []

    private func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = malloc(max(count, 1) * MemoryLayout<T>.stride)!
        owned.append(raw)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    func string(_ s: String) -> UnsafePointer<CChar> {
        let p = strdup(s)!
        owned.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }

    /// A NULL-terminated `const char *const *`.
    func array(_ items: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
        let buf = allocate(UnsafePointer<CChar>?.self, count: items.count + 1)
        var i = 0
        for s in items {
            buf[i] = string(s)
            i += 1
        }
        buf[i] = nil
        return UnsafePointer(buf)
    }

    /// A C array of plain numbers (`const int *`, `const gid_t *`).
    func values<T: FixedWidthInteger>(_ items: [T]) -> UnsafePointer<T> {
        let buf = allocate(T.self, count: items.count)
        var i = 0
        for v in items {
            buf[i] = v
            i += 1
        }
        return UnsafePointer(buf)
    }

    deinit {
        for p in owned { free(p) }
    }
}
