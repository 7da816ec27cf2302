#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock: for refresh timing and the history's time axis (the wall
/// clock may jump).
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// An error of the TUI itself (not of the backend), with a one-line description.
public struct TopError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
