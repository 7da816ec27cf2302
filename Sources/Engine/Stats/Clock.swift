#if canImport(Glibc)
import Glibc
#endif

/// Wall time for rates: CLOCK_MONOTONIC never jumps with NTP or a date change, so Δwall is
/// always the real interval between two counter reads.
public enum Clock {
    public static func monotonicNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
