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

    /// A C array of plain numbers (`const int *`, `const gid_t *`).
    func values<T: FixedWidthInteger>(_ items: [T]) -> UnsafePointer<T> {
        let buf = UnsafeMutablePointer<T>.allocate(capacity: max(items.count, 1))
        for (i, v) in items.enumerated() { buf[i] = v }
        numbers.append(UnsafeMutableRawPointer(buf))
        return UnsafePointer(buf)
    }
    private var numbers: [UnsafeMutableRawPointer] = []

    deinit {
        for p in strings { free(p) }
        for (p, _) in arrays { p.deallocate() }
        for p in numbers { p.deallocate() }
    }
}
