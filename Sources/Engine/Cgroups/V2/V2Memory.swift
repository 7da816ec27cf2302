/// v2 `memory` controller: the hard limit and the OOM killer's count.
enum V2Memory {
    static let maxFile = "memory.max"
    static let swapMaxFile = "memory.swap.max"
    static let currentFile = "memory.current"
    static let eventsFile = "memory.events"
    static let unlimited = "max"

    static let shownFiles = [maxFile, swapMaxFile, currentFile, eventsFile]

    /// v2 counts swap separately (memory.swap.max), so memory.max alone caps RAM; swap is
    /// closed too when the group has a limit, matching v1's memsw = limit.
    static func apply(_ bytes: Int64?, in dir: String) throws -> [KernelWrite] {
        if let b = bytes, b <= 0 { throw EngineError.invalid("memory limit must be > 0 bytes, got \(b)") }
        let limit = KernelWrite(path: dir + "/" + maxFile, value: bytes.map { String($0) } ?? unlimited)
        try SmallFile.write(limit.path, limit.value)
        var out = [limit]
        let swapPath = dir + "/" + swapMaxFile
        if SmallFile.exists(swapPath) {
            let swap = KernelWrite(path: swapPath, value: bytes == nil ? unlimited : "0")
            try SmallFile.write(swap.path, swap.value)
            out.append(swap)
        }
        return out
    }

    static func oomKills(in dir: String) throws -> UInt64 {
        let path = dir + "/" + eventsFile
        guard let n = try KernelRead.keyedValue(path, "oom_kill") else { throw KernelRead.parseError(path) }
        return n
    }
}
