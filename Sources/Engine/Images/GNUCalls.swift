#if canImport(Glibc)
import Glibc
#endif

/// Linux calls glibc declares only under _GNU_SOURCE, which the Glibc module doesn't export.
/// They are in libc all the same; looked up once by name.
enum GNUCalls {
    static let cloneFS: Int32 = 0x0000_0200

    /// unshare(2).
    static let unshare: (@convention(c) (Int32) -> Int32)? = lookup("unshare")
    /// syncfs(2): flush one filesystem, not the whole machine.
    static let syncfs: (@convention(c) (Int32) -> Int32)? = lookup("syncfs")

    private static func lookup(_ name: String) -> (@convention(c) (Int32) -> Int32)? {
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, name) else { return nil }
        return unsafeBitCast(sym, to: (@convention(c) (Int32) -> Int32).self)
    }
}
