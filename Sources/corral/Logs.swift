import ArgumentParser
import Engine
#if canImport(Glibc)
import Glibc
#endif

struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print what a detached container wrote to stdout and stderr.")
    @OptionGroup var globals: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep printing new output until the container exits.") var follow = false
    @Option(name: [.customShort("n"), .long], parsing: .unconditional,
            help: ArgumentHelp("Only the last N lines (\"all\", the default, for every line).", valueName: "N"))
    var tail: String?
    @Argument(help: "Container name or id.") var name: String

    /// A count, or docker's "all".
    var tailLines: Int? {
        guard let tail, tail != "all" else { return nil }
        return Int(tail)
    }

    func validate() throws {
        if let tail, tail != "all", (Int(tail) ?? -1) < 0 {
            throw ValidationError("--tail must be a number of lines ≥ 0 or \"all\", got \(ContainerName.quoted(tail))")
        }
    }

    func run() throws {
        let runtime = try globals.runtime()
        let name = try runtime.resolve(self.name)
        _ = try runtime.status(name)
        let path = runtime.store.logPath(name)
        var fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return } // foreground containers write to the terminal, not a log
            throw EngineError.fromErrno("open", path)
        }
        defer { close(fd) }
        // Read through the fd that -f goes on with: output written meanwhile is neither
        // skipped nor printed twice.
        var content: [UInt8] = []
        var offset: off_t = 0
        var buf = [UInt8](repeating: 0, count: 65536)
        while case let n = buf.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, $0.count, offset) }), n > 0 {
            content += buf[0..<n]
            offset += off_t(n)
        }
        if let tail = tailLines { content = LogTail.lastLines(content, tail) }
        writeOut(content)
        guard follow else { return }
        var exited = false
        while true {
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n > 0 {
                writeOut(Array(buf[0..<n]))
                offset += off_t(n)
                continue
            }
            // The supervisor halves a full log by renaming a new file over it: follow the new one,
            // from where it goes past the old (it starts with the old one's newest half).
            var open_ = stat(), named = stat()
            if fstat(fd, &open_) == 0, stat(path, &named) == 0, open_.st_ino != named.st_ino {
                let newFd = open(path, O_RDONLY | O_CLOEXEC)
                if newFd >= 0 {
                    // What the old file got between the read above and the replacement.
                    while case let n = buf.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, $0.count, offset) }), n > 0 {
                        writeOut(Array(buf[0..<n]))
                        offset += off_t(n)
                    }
                    let resume = LogRotation.resumeOffset(old: fd, oldLength: Int64(offset), new: newFd)
                    close(fd)
                    fd = newFd
                    offset = off_t(resume)
                    continue
                }
            }
            guard !exited else { return }
            // Output written just before the exit is read by one more pass.
            if let st = try? runtime.status(name), st.state != .exited { usleep(100_000) } else { exited = true }
        }
    }

    private func writeOut(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { return }
            off += n
        }
    }
}

enum LogTail {
    static func lastLines(_ bytes: [UInt8], _ n: Int) -> [UInt8] {
        if n == 0 { return [] }
        var end = bytes.count
        if end > 0 && bytes[end - 1] == 10 { end -= 1 }
        var seen = 0
        var i = end
        while i > 0 {
            if bytes[i - 1] == 10 { seen += 1; if seen == n { break } }
            i -= 1
        }
        return Array(bytes[i...])
    }
}
