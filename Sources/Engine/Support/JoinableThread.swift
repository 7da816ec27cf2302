#if canImport(Glibc)
import Glibc
#endif

/// A closure run on a thread of its own, its result taken by `join` (pthread, so the caller
/// decides which thread waits and where the result lands).
final class JoinableThread<T> {
    private var thread = pthread_t()
    private let body: () -> T
    private var result: T?
    private var joined = false

    init(_ body: @escaping () -> T) throws {
        self.body = body
        let started = pthread_create(&thread, nil, { arg in
            let me = Unmanaged<AnyObject>.fromOpaque(arg!).takeUnretainedValue() as! Runnable
            me.runOnThread()
            return nil
        }, Unmanaged.passUnretained(self as AnyObject).toOpaque())
        guard started == 0 else {
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
        // A thread never joined still holds an unretained pointer to this object.
        if !joined { pthread_join(thread, nil) }
    }
}

private protocol Runnable: AnyObject { func runOnThread() }

extension JoinableThread: Runnable {
    fileprivate func runOnThread() { result = body() }
}
