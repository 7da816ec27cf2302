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
            let box = Box(body)
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { arg in
                let box = Unmanaged<AnyObject>.fromOpaque(arg!).takeUnretainedValue() as! Runnable
                box.runIsolated()
                return nil
            }, Unmanaged.passUnretained(box as AnyObject).toOpaque())
            guard started == 0 else { throw EngineError.system(step: "pthread_create", path: "", errno: started) }
            pthread_join(thread, nil)
            return try box.result!.get()
        }
    }

    private protocol Runnable: AnyObject { func runIsolated() }

    private final class Box<T>: Runnable {
        let body: () throws -> T
        var result: Result<T, Error>?
        init(_ body: @escaping () throws -> T) { self.body = body }

        func runIsolated() {
            guard let unshare = GNUCalls.unshare, unshare(GNUCalls.cloneFS) == 0 else {
                result = .failure(EngineError.fromErrno("unshare(CLONE_FS)"))
                return
            }
            // Names in tar headers are bytes; a UTF-8 LC_CTYPE (this thread only) keeps
            // libarchive from converting them to ASCII and failing on non-ASCII names.
            if let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) {
                let previous = uselocale(utf8)
                defer {
                    uselocale(previous)
                    freelocale(utf8)
                }
                result = Result { try body() }
                return
            }
            result = Result { try body() }
        }
    }
}
