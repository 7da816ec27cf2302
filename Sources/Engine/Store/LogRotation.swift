import CSpawn
#if canImport(Glibc)
import Glibc
#endif

/// `logs -f` across the supervisor's trims of a full log (log_file.c): the log is replaced by a
/// new file that starts with the newest part of the old one, so a follower that reopened it
/// and read from the start printed that part a second time.
public enum LogRotation {
    /// Where the bytes the old log did not have begin in the file that replaced it: `old` reads
    /// the replaced log to its end (`oldLength` bytes), `new` the log now at its path. 0 when
    /// the new file does not start as a trim of the old one would (everything in it is new).
    public static func resumeOffset(old: Int32, oldLength: Int64, new: Int32, cap: Int64 = Runtime.logMaxBytes) -> Int64 {
        let from = cspawn_log_kept_from(old, oldLength, cap)
        let kept = oldLength - from
        guard from >= 0, kept > 0 else { return 0 }
        let count = Int(min(kept, 65536))
        var inOld = [UInt8](repeating: 0, count: count), inNew = [UInt8](repeating: 0, count: count)
        guard inOld.withUnsafeMutableBytes({ pread(old, $0.baseAddress, count, off_t(from)) }) == count,
              inNew.withUnsafeMutableBytes({ pread(new, $0.baseAddress, count, 0) }) == count,
              inOld == inNew else { return 0 }
        return kept
    }
}
