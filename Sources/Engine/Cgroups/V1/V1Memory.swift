#if canImport(Glibc)
import Glibc
#endif

/// v1 `memory` controller: the RAM limit, the RAM+swap limit (present only with swap
/// accounting) and the OOM killer's count.
enum V1Memory {
    static let name = "memory"
    static let limitFile = "memory.limit_in_bytes"
    static let swapLimitFile = "memory.memsw.limit_in_bytes"
    static let usageFile = "memory.usage_in_bytes"
    static let oomControlFile = "memory.oom_control"
    static let unlimited = "-1"

    static let shownFiles = [limitFile, swapLimitFile, usageFile, oomControlFile]

    /// The kernel keeps memsw ≥ limit at every moment: lowering writes the limit first, raising
    /// must write memsw first. Like the cpu period/quota pair, try one order and on EINVAL the
    /// other. memsw = limit, so swap can't be used to get around the cap.
    static func apply(_ bytes: Int64?, in dir: String) throws -> [KernelWrite] {
        if let b = bytes, b <= 0 { throw EngineError.invalid("memory limit must be > 0 bytes, got \(b)") }
        let value = bytes.map { String($0) } ?? unlimited
        let limit = KernelWrite(path: dir + "/" + limitFile, value: value)
        let swap = KernelWrite(path: dir + "/" + swapLimitFile, value: value)
        guard SmallFile.exists(swap.path) else {
            try SmallFile.write(limit.path, limit.value)
            return [limit]
        }
        do {
            try SmallFile.write(limit.path, limit.value)
        } catch EngineError.system(_, _, let err) where err == EINVAL {
            try SmallFile.write(swap.path, swap.value)
            try SmallFile.write(limit.path, limit.value)
            return [swap, limit]
        }
        try SmallFile.write(swap.path, swap.value)
        return [limit, swap]
    }

    /// "oom_kill N" in memory.oom_control (kernel ≥ 4.13).
    static func oomKills(in dir: String) throws -> UInt64 {
        let path = dir + "/" + oomControlFile
        guard let n = try KernelRead.keyedValue(path, "oom_kill") else { throw KernelRead.parseError(path) }
        return n
    }
}
