#if canImport(Glibc)
import Glibc
#endif

/// Reads cgroup knobs without building Strings: the stats sweep reads two files per container
/// every second, so the common case stays on the stack and parses bytes in place.
enum KernelRead {
    /// Knob files are a few hundred bytes; anything larger (a big cgroup.procs) spills to the heap.
    static let stackBytes = 4096

    /// Calls `body` with the whole file's bytes. Throws `.system("open"/"read", path, errno)`.
    static func withBytes<R>(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        if let knobs = KnobFiles.current, let fd = knobs.descriptor(path) {
            do {
                return try withBytes(fd: fd, positional: true, path, body)
            } catch EngineError.system(let step, _, _) where step == "read" {
                knobs.drop(path)  // the group was removed (ENODEV): the plain open below says so
            }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.fromErrno("open", path) }
        defer { close(fd) }
        return try withBytes(fd: fd, positional: false, path, body)
    }

    /// `positional`: read with pread from offset 0 (a kept-open file, see KnobFiles).
    private static func withBytes<R>(fd: Int32, positional: Bool, _ path: String,
                                     _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        func next(_ into: UnsafeMutableRawPointer, _ count: Int, at offset: Int) -> Int {
            positional ? pread(fd, into, count, off_t(offset)) : read(fd, into, count)
        }
        return try withUnsafeTemporaryAllocation(byteCount: stackBytes, alignment: 1) { buf in
            var used = 0
            while used < buf.count {
                let n = next(buf.baseAddress! + used, buf.count - used, at: used)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw EngineError.fromErrno("read", path)
                }
                if n == 0 { return try body(UnsafeRawBufferPointer(rebasing: buf[0..<used])) }
                used += n
                // No second read just to hear the EOF when this one left half the buffer free: a
                // seq_file stops short only when its next record doesn't fit in what is left
                // (cgroup.procs: one line per pid), and no knob has a 2 KiB record; a regular
                // file reads short only at its end.
                if used <= buf.count / 2 { return try body(UnsafeRawBufferPointer(rebasing: buf[0..<used])) }
            }
            var all = [UInt8](UnsafeRawBufferPointer(buf))
            var chunk = [UInt8](repeating: 0, count: stackBytes)
            while true {
                let n = chunk.withUnsafeMutableBytes { next($0.baseAddress!, $0.count, at: all.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw EngineError.fromErrno("read", path)
                }
                if n == 0 { break }
                all.append(contentsOf: chunk[0..<n])
            }
            return try all.withUnsafeBytes(body)
        }
    }

    /// A file holding one unsigned number (cpuacct.usage).
    static func number(_ path: String) throws -> UInt64 {
        try withBytes(path) { bytes in
            guard let v = KernelText.number(bytes) else { throw parseError(path) }
            return v
        }
    }

    /// Calls `body` for each "key value" line with a numeric value (cpu.stat, memory.events,
    /// cgroup.events, memory.oom_control). Lines whose value is not a number are skipped.
    static func keyed(_ path: String, _ body: (KernelText.Key, UInt64) -> Void) throws {
        try withBytes(path) { KernelText.forEachKeyed($0, body) }
    }

    /// The value of one key, nil when the file lacks it.
    static func keyedValue(_ path: String, _ key: StaticString) throws -> UInt64? {
        var found: UInt64?
        try keyed(path) { k, v in if found == nil && k.matches(key) { found = v } }
        return found
    }

    /// The file's text without trailing whitespace, for values like "max 100000" or "FROZEN".
    static func text(_ path: String) throws -> String {
        try withBytes(path) { KernelText.trimmedString($0) }
    }

    /// One pid a line (cgroup.procs).
    static func pids(_ path: String) throws -> [pid_t] {
        try withBytes(path) { bytes in
            var out: [pid_t] = []
            KernelText.forEachLine(bytes) { line in
                if let v = KernelText.number(line), v <= UInt64(Int32.max) { out.append(pid_t(v)) }
            }
            return out
        }
    }

    static func parseError(_ path: String) -> EngineError {
        .system(step: "parse", path: path, errno: EINVAL)
    }
}

/// Byte-level parsing of the kernel's small text formats.
enum KernelText {
    /// A key inside a buffer being parsed; valid only during the callback.
    struct Key {
        let bytes: UnsafeRawBufferPointer
        func matches(_ name: StaticString) -> Bool {
            guard name.utf8CodeUnitCount == bytes.count else { return false }
            guard let base = bytes.baseAddress else { return true }
            return memcmp(base, name.utf8Start, bytes.count) == 0
        }
        var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }

    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var lo = 0, hi = bytes.count
        while lo < hi && isSpace(bytes[lo]) { lo += 1 }
        while hi > lo && isSpace(bytes[hi - 1]) { hi -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[lo..<hi])
    }

    static func trimmedString(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: trimmed(bytes), as: UTF8.self)
    }

    /// A decimal number filling the whole (trimmed) buffer; nil on anything else or overflow.
    static func number(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        let t = trimmed(bytes)
        guard !t.isEmpty else { return nil }
        var v: UInt64 = 0
        for b in t {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b - 0x30))
            if o1 || o2 { return nil }
            v = s
        }
        return v
    }

    static func forEachLine(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            if i > start { body(UnsafeRawBufferPointer(rebasing: bytes[start..<i])) }
            start = i + 1
        }
        if start < bytes.count { body(UnsafeRawBufferPointer(rebasing: bytes[start..<bytes.count])) }
    }

    static func forEachKeyed(_ bytes: UnsafeRawBufferPointer, _ body: (Key, UInt64) -> Void) {
        forEachLine(bytes) { line in
            guard let sp = line.firstIndex(of: 0x20) else { return }
            let key = UnsafeRawBufferPointer(rebasing: line[0..<sp])
            guard let value = number(UnsafeRawBufferPointer(rebasing: line[(sp + 1)...])) else { return }
            body(Key(bytes: key), value)
        }
    }
}
