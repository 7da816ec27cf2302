#if canImport(Glibc)
import Glibc
#endif

/// Everything one fd gives, written to another: a binary into its sealed memfd, stdin into a
/// spool file. Short writes are continued and EINTR retried; errors name the two ends.
public enum FDCopy {
    /// `beforeRead`: a check between chunks (a Ctrl-C during a long copy).
    public static func all(from source: Int32, _ sourceName: String, to target: Int32, _ targetName: String,
                           chunk: Int = 1 << 16, beforeRead: () throws -> Void = {}) throws {
        var buf = [UInt8](repeating: 0, count: chunk)
        while true {
            try beforeRead()
            let n = buf.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw EngineError.fromErrno("read", sourceName) }
            if n == 0 { return }
            var done = 0
            while done < n {
                let w = buf.withUnsafeBytes { write(target, $0.baseAddress! + done, n - done) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else { throw EngineError.fromErrno("write", targetName) }
                done += w
            }
        }
    }
}
