/// The `pids` controller: a cap on tasks (processes and threads) in the group. Its files are
/// the same in v1 and v2, so both drivers use this one.
enum PidsController {
    static let name = "pids"
    static let maxFile = "pids.max"
    static let currentFile = "pids.current"
    static let unlimited = "max"

    static let shownFiles = [maxFile, currentFile]

    static func apply(_ limit: Int64?, in dir: String) throws -> [KernelWrite] {
        if let l = limit, l < 0 { throw EngineError.invalid("pids limit must be ≥ 0, got \(l)") }
        let w = KernelWrite(path: dir + "/" + maxFile, value: limit.map { String($0) } ?? unlimited)
        try SmallFile.write(w.path, w.value)
        return [w]
    }
}
