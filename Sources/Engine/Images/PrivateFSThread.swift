#if canImport(Glibc)
import Glibc
#endif

/// Runs work on a fresh thread that has unshared its filesystem attributes (CLONE_FS: cwd,
/// root, umask) from the rest of the process. libarchive's disk writer works relative to the
/// current directory (its SECURE_NOABSOLUTEPATHS / NODOTDOT / SYMLINKS checks only make sense
/// that way, and it chdir()s itself for very deep paths); here it may chdir into an image
/// without moving the cwd of any other thread.
enum PrivateFSThread {
    static func run<T>(_ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            try JoinableThread { runIsolated(body) }.join().get()
        }
    }

    private static func runIsolated<T>(_ body: () throws -> T) -> Result<T, Error> {
        guard let unshare = GNUCalls.unshare, unshare(GNUCalls.cloneFS) == 0 else {
            return .failure(EngineError.fromErrno("unshare(CLONE_FS)"))
        }
        // Names in tar headers are bytes; a UTF-8 LC_CTYPE (this thread only) keeps
        // libarchive from converting them to ASCII and failing on non-ASCII names.
        if let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) {
            let previous = uselocale(utf8)
            defer {
                uselocale(previous)
                freelocale(utf8)
            }
            return Result { try body() }
        }
        return Result { try body() }
    }
}
