#if canImport(Glibc)
import Glibc
#endif

/// A closure run on a thread of its own, its result taken by `join` (pthread, so the caller
/// decides which thread waits and where the result lands).
final class JoinableThread<T> {
    private var thread = pthread_t()
    private var result: T?
    private var joined = false

    init(_ body: @escaping () -> T) throws {
        // Unretained, as the pointer the thread was given before: `deinit` joins the thread
        // before this object goes.
        let entry = ThreadEntry { [unowned(unsafe) self] in self.result = body() }
        let arg = Unmanaged.passRetained(entry).toOpaque()
        let started = pthread_create(&thread, nil, { arg in
            // A concrete class, not a cast to a protocol: the cast to one looked for the
            // conformance of this generic class among all ~4,000 of the binary on every start
            // (~0.1 ms of each `run`'s create, perf).
            Unmanaged<ThreadEntry>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, arg)
        guard started == 0 else {
            Unmanaged<ThreadEntry>.fromOpaque(arg).release()
            joined = true   // no thread to join in deinit
            throw EngineError.system(step: "pthread_create", path: "", errno: started)
        }
    }

    /// Waits for the closure; its result (the same value on every call).
    func join() -> T {
        if !joined {
            pthread_join(thread, nil)
            joined = true
        }
        return result!
    }

    deinit {
        // A thread never joined still runs with an unretained reference to this object.
        if !joined { pthread_join(thread, nil) }
    }
}

/// What the new thread runs.
private final class ThreadEntry {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
