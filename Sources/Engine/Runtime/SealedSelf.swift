#if canImport(Glibc)
import Glibc
#endif

/// CVE-2019-5736. A process that joins a container and then execs the program the container
/// named is, until that execve, a copy of the host's corral binary. A `#!/proc/self/exe`
/// script (or an ELF whose program interpreter the container supplies) makes the kernel run
/// that binary inside the container, dumpable, where the container can hold
/// /proc/<pid>/exe and write the file once nothing runs it. runc's answer, used here too:
/// before joining, re-execute from a sealed in-memory copy, so /proc/self/exe is that copy
/// and the file on disk is never reachable from inside. Only `corral exec` needs it (a new
/// container's init starts in an empty pid namespace, under a supervisor that keeps the
/// binary busy).
public enum SealedSelf {
    static let memfdName = "corral-sealed"

    /// True when this process already runs from a sealed copy.
    public static var isSealedCopy: Bool {
        var buf = [CChar](repeating: 0, count: 256)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 && String(cString: buf).hasPrefix("/memfd:" + memfdName)
    }

    /// Re-executes this process, same argv and environment, from a sealed copy of its binary.
    /// Returns only when it already runs from one; throws when the copy cannot be made.
    public static func reexecFromSealedCopy() throws {
        if isSealedCopy { return }
        // Not in Glibc's Swift overlay (it needs _GNU_SOURCE); glibc has had it since 2.27.
        typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "memfd_create") else {
            throw EngineError.system(step: "memfd_create", path: "", errno: ENOSYS)
        }
        let memfdCreate = unsafeBitCast(symbol, to: MemfdCreate.self)
        let mfdCloexec: UInt32 = 1, mfdAllowSealing: UInt32 = 2
        let copy = memfdCreate(memfdName, mfdCloexec | mfdAllowSealing)
        guard copy >= 0 else { throw EngineError.fromErrno("memfd_create") }
        defer { close(copy) }
        let source = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw EngineError.fromErrno("open", "/proc/self/exe") }
        defer { close(source) }
        try FDCopy.all(from: source, "/proc/self/exe", to: copy, "memfd:" + memfdName, chunk: 1 << 20)
        // F_ADD_SEALS with F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE (fcntl.h).
        let addSeals: Int32 = 1033
        guard fcntl(copy, addSeals, Int32(1 | 2 | 4 | 8)) == 0 else { throw EngineError.fromErrno("seal", "memfd:" + memfdName) }
        fexecve(copy, CommandLine.unsafeArgv, environ)
        throw EngineError.fromErrno("fexecve", "memfd:" + memfdName)
    }
}
