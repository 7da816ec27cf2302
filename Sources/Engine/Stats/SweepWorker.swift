#if canImport(Glibc)
import Glibc
#endif

/// A second thread for the per-container reads of one `corral top` refresh. Most of a refresh
/// at a few hundred containers is waiting on the kernel to render small files, one container
/// after another; on a machine with two or more cores the worker takes half of the containers
/// while the calling thread does the other half. The worker reads through the caller's kept-open
/// knob files (KnobFiles.joining), so a split refresh opens nothing a serial one wouldn't.
public final class SweepWorker {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var job: (() -> Void)?
    private var busy = false
    private var stopping = false
    private var thread = pthread_t()
    private var started = false

    /// Below this many containers a refresh is short enough that handing half over costs more
    /// than it saves.
    public static let minimumSplit = 48

    /// A worker, or nil on a single core (nothing to gain) or when no thread can be made.
    public static func ifUseful() -> SweepWorker? {
        guard sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 else { return nil }
        let worker = SweepWorker()
        return worker.start() ? worker : nil
    }

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
    }

    private func start() -> Bool {
        // The thread must not own the worker (it would never be freed and never stopped):
        // `deinit` stops and joins it before the memory goes.
        started = pthread_create(&thread, nil, { arg in
            Unmanaged<SweepWorker>.fromOpaque(arg!)._withUnsafeGuaranteedRef { $0.loop() }
            return nil
        }, Unmanaged.passUnretained(self).toOpaque()) == 0
        return started
    }

    deinit {
        if started {
            pthread_mutex_lock(&mutex)
            stopping = true
            pthread_cond_broadcast(&cond)
            pthread_mutex_unlock(&mutex)
            pthread_join(thread, nil)
        }
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    /// `there` on the worker and `here` on this thread at the same time; returns both results
    /// once both are done. `there` reads through this thread's KnobFiles, if it is in a
    /// `reading` call (KnobFiles.joining).
    public func split<A, B>(_ there: @escaping () -> A, _ here: () throws -> B) rethrows -> (A, B) {
        var a: A?
        let knobs = KnobFiles.current
        pthread_mutex_lock(&mutex)
        job = {
            if let knobs { a = knobs.joining(there) } else { a = there() }
        }
        busy = true
        pthread_cond_broadcast(&cond)
        pthread_mutex_unlock(&mutex)
        let b: B
        do {
            b = try here()
        } catch {
            waitUntilIdle()  // `there` writes into this frame: never leave before it is done
            throw error
        }
        waitUntilIdle()
        return (a!, b)
    }

    private func waitUntilIdle() {
        pthread_mutex_lock(&mutex)
        while busy { pthread_cond_wait(&cond, &mutex) }
        pthread_mutex_unlock(&mutex)
    }

    private func loop() {
        pthread_mutex_lock(&mutex)
        while true {
            while job == nil && !stopping { pthread_cond_wait(&cond, &mutex) }
            if stopping { break }
            let work = job!
            job = nil
            pthread_mutex_unlock(&mutex)
            work()
            pthread_mutex_lock(&mutex)
            busy = false
            pthread_cond_broadcast(&cond)
        }
        pthread_mutex_unlock(&mutex)
    }
}
