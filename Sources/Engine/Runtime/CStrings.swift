#if canImport(Glibc)
import Glibc
#endif

/// Owns every C string and string array one `cspawn_config` points at, until released.
/// The spawn code takes everything as prepared C memory because nothing may be allocated
/// between clone() and execve().
final class CStringPool {
    private var strings: [UnsafeMutablePointer<CChar>] = []
    private var arrays: [(UnsafeMutablePointer<UnsafePointer<CChar>?>, Int)] = []

    func string(_ s: String) -> UnsafePointer<CChar> {
        let p = strdup(s)!
        strings.append(p)
        return UnsafePointer(p)
    }

    /// A NULL-terminated `const char *const *`.
    func array(_ items: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
        let buf = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: items.count + 1)
        for (i, s) in items.enumerated() { buf[i] = string(s) }
        buf[items.count] = nil
        arrays.append((buf, items.count + 1))
        return UnsafePointer(buf)
    }

    func ints(_ items: [Int32]) -> UnsafePointer<Int32> {
        let buf = UnsafeMutablePointer<Int32>.allocate(capacity: max(items.count, 1))
        for (i, v) in items.enumerated() { buf[i] = v }
        ints.append(buf)
        return UnsafePointer(buf)
    }
    private var ints: [UnsafeMutablePointer<Int32>] = []

    func gids(_ items: [UInt32]) -> UnsafePointer<gid_t> {
        let buf = UnsafeMutablePointer<gid_t>.allocate(capacity: max(items.count, 1))
        for (i, v) in items.enumerated() { buf[i] = v }
        gids.append(buf)
        return UnsafePointer(buf)
    }
    private var gids: [UnsafeMutablePointer<gid_t>] = []

    deinit {
        for p in strings { free(p) }
        for (p, _) in arrays { p.deallocate() }
        for p in ints { p.deallocate() }
        for p in gids { p.deallocate() }
    }
}
