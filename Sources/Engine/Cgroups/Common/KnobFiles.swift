#if canImport(Glibc)
import Glibc
#endif

/// Cgroup knob files kept open across the sweeps of a long-running reader (`corral top` reads
/// three per container every refresh). Reading an open kernfs file again from offset 0 makes
/// the kernel render it afresh, and costs about a tenth of opening it by path again (≈1 µs
/// against ≈10 µs on the bench machine). Only reads made inside `reading(_:)`, on that thread,
/// use the open files; a file not read during one `reading` call is closed at its end, so the
/// cgroup of a removed container is not pinned by one of these descriptors.
public final class KnobFiles {
    private var open: [String: Int32] = [:]
    private var used: Set<String> = []
    /// Stay well inside the descriptor limit (1024 by default); past it, files are opened per read.
    private let limit: Int

    public init() {
        var rl = rlimit()
        let soft = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &rl) == 0 ? Int(clamping: rl.rlim_cur) : 1024
        limit = max(0, min(4096, soft / 2))
    }

    deinit {
        for fd in open.values { close(fd) }
    }

    /// Runs `body` with this thread's cgroup reads going through the kept-open files.
    public func reading<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(Self.key)
        pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
        used.removeAll(keepingCapacity: true)
        defer {
            pthread_setspecific(Self.key, previous)
            for (path, fd) in open where !used.contains(path) {
                close(fd)
                open[path] = nil
            }
        }
        return try body()
    }

    /// The set in use on this thread, if any.
    static var current: KnobFiles? {
        pthread_getspecific(key).map { Unmanaged<KnobFiles>.fromOpaque($0).takeUnretainedValue() }
    }

    /// An open descriptor for `path` (opened now if new), or nil: not openable, or at the limit.
    func descriptor(_ path: String) -> Int32? {
        used.insert(path)
        if let fd = open[path] { return fd }
        guard open.count < limit else { return nil }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        open[path] = fd
        return fd
    }

    /// After a failed read (the group was removed: ENODEV): the next read opens the path again.
    func drop(_ path: String) {
        if let fd = open.removeValue(forKey: path) { close(fd) }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
