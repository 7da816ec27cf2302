#if canImport(Glibc)
import Glibc
#endif

/// Cgroup knob files kept open across the sweeps of a long-running reader (`corral top` reads
/// three per container every refresh). Reading an open kernfs file again from offset 0 makes
/// the kernel render it afresh, and costs about a tenth of opening it by path again (≈1 µs
/// against ≈10 µs on the bench machine). Only reads made inside `reading(_:)`, on that thread,
/// use the open files; a file not read during one `reading` call is closed at its end, so the
/// cgroup of a removed container is not pinned by one of these descriptors. A helper thread
/// (SweepWorker) may read through them too, inside the `reading` call, with `joining(_:)`.
public final class KnobFiles {
    /// Each file with the number of the last `reading` call that read it.
    private var open: [String: (fd: Int32, lastRead: Int)] = [:]
    private var generation = 0
    private let lock = Mutex()
    /// Stay well inside the descriptor limit (1024 by default); past it, files are opened per read.
    private let limit: Int

    public init() {
        limit = DescriptorBudget.share(2)
    }

    deinit {
        for entry in open.values { close(entry.fd) }
    }

    /// Runs `body` with this thread's cgroup reads going through the kept-open files.
    public func reading<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(Self.key)
        pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
        lock.locked { generation += 1 }
        defer {
            pthread_setspecific(Self.key, previous)
            lock.locked {
                for (path, entry) in open where entry.lastRead != generation {
                    close(entry.fd)
                    open[path] = nil
                }
            }
        }
        return try body()
    }

    /// Runs `body` on this (helper) thread with its reads going through these files, as part of
    /// the `reading` call another thread is in; the files it reads count as read by that call.
    func joining<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(Self.key)
        pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(Self.key, previous) }
        return try body()
    }

    /// The set in use on this thread, if any.
    static var current: KnobFiles? {
        pthread_getspecific(key).map { Unmanaged<KnobFiles>.fromOpaque($0).takeUnretainedValue() }
    }

    /// An open descriptor for `path` (opened now if new), or nil: not openable, or at the limit.
    func descriptor(_ path: String) -> Int32? {
        lock.locked {
            // One hash of the path per read: the stamp is updated in place.
            if let i = open.index(forKey: path) {
                open.values[i].lastRead = generation
                return open.values[i].fd
            }
            guard open.count < limit else { return nil }
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            open[path] = (fd, generation)
            return fd
        }
    }

    /// After a failed read (the group was removed: ENODEV): the next read opens the path again.
    func drop(_ path: String) {
        if let entry = lock.locked({ open.removeValue(forKey: path) }) { close(entry.fd) }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
