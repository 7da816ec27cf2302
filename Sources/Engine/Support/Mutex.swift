#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex for the Engine's caches that more than one thread may touch (a refresh
/// split by SweepWorker, callers sharing a Runtime). A class: the mutex must not move.
final class Mutex {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
