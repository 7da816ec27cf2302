import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// A `--net none` network namespace made ahead of a start. Making one is ~1 ms of kernel work
/// (sysctl tables, registering `lo`) that a start otherwise does inside its `clone`, with the
/// caller waiting. Made on a thread of its own — `unshare` moves only the calling thread, which
/// then ends — it overlaps the rest of `corral run` (record, cgroups) on another core, or, in a
/// long-running caller such as the TUI, happens between starts.
///
/// Each namespace goes to one container only: `take` hands its fd over and forgets it. A caller
/// may make its own and start it before it has a Runtime (`corral run`: before the cgroup
/// layout is read), then give it to the Runtime.
public final class SpareNetns {
    private let mutex = Mutex()
    private var thread: pthread_t?
    /// Make the next one as each is taken (a long-running caller: the TUI).
    private var keepsOneReady = false
    /// Where the threads this object starts put their result, an fd or -errno, before they end.
    private let ownResult = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    /// The running thread's result: `ownResult`, or the early start's (kept by CSpawn).
    private var result: UnsafeMutablePointer<Int32>

    public init() {
        result = ownResult
    }

    /// With the thread the program's first constructor started for a `corral run`
    /// (early_netns.c), if it did: the start then takes that one's namespace.
    public static func adoptingEarlyStart() -> SpareNetns {
        let spare = SpareNetns()
        var t = pthread_t()
        if let early = cspawn_claim_early_netns(&t) {
            spare.thread = t
            spare.result = early
        }
        return spare
    }

    deinit {
        mutex.locked { keepsOneReady = false }
        discard()
        ownResult.deallocate()
    }

    /// Closes the one being made or ready, if any (for a start that won't use it).
    public func discard() {
        if let fd = take() { close(fd) }
    }

    /// Starts making one unless one is already being made or ready; with `keepingOneReady`,
    /// also the next one each time one is taken.
    public func prepare(keepingOneReady: Bool = false) {
        mutex.locked {
            if keepingOneReady { keepsOneReady = true }
            startLocked()
        }
    }

    private func startLocked() {
        guard thread == nil else { return }
        result = ownResult
        result.pointee = -EAGAIN
        var t = pthread_t()
        if cspawn_start_netns_thread(&t, result) == 0 { thread = t }
    }

    /// The prepared namespace's fd, now the caller's to pass to one start and close; waits for
    /// it if it is still being made. nil when none was prepared or it could not be made: the
    /// start then makes its own, as it would have anyway.
    func take() -> Int32? {
        mutex.locked {
            guard let t = thread else { return nil }
            pthread_join(t, nil)
            thread = nil
            let fd = result.pointee
            // One that can't be made (no permission, the namespace limit reached) won't be
            // next time either: the starts make their own, and report it if they can't.
            if fd < 0 { keepsOneReady = false }
            if keepsOneReady { startLocked() }
            return fd >= 0 ? fd : nil
        }
    }
}
