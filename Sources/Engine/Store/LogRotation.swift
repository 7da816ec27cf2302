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
        // The new file must hold the kept part exactly: compared at both ends of it (output that
        // repeats itself could match at the start alone).
        let count = Int(min(kept, 65536))
        for (inOld, inNew) in [(from, Int64(0)), (oldLength - Int64(count), kept - Int64(count))] {
            var a = [UInt8](repeating: 0, count: count), b = [UInt8](repeating: 0, count: count)
            guard a.withUnsafeMutableBytes({ pread(old, $0.baseAddress, count, off_t(inOld)) }) == count,
                  b.withUnsafeMutableBytes({ pread(new, $0.baseAddress, count, off_t(inNew)) }) == count,
                  a == b else { return 0 }
        }
        return kept
    }
}
