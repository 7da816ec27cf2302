#if canImport(Glibc)
import Glibc
#endif

/// Lays out the builtin image's rootfs: a copy of a static busybox at /bin/busybox, a symlink
/// for each applet where busybox itself says it belongs, and the few files a shell and `id`
/// expect.
enum BusyboxRootfs {
    static func build(at rootfs: String, from busybox: String) throws {
        let context = "builtin busybox image"
        try requireStatic(busybox, context: context)
        let directories: [(String, mode_t)] = [
            ("bin", 0o755), ("sbin", 0o755), ("usr", 0o755), ("usr/bin", 0o755), ("usr/sbin", 0o755),
            ("etc", 0o755), ("root", 0o700), ("tmp", 0o1777), ("dev", 0o755), ("proc", 0o555), ("sys", 0o555),
        ]
        for (dir, mode) in directories {
            let path = rootfs + "/" + dir
            guard mkdir(path, mode) == 0 else { throw EngineError.fromErrno("mkdir", path) }
            // mkdir(2) masks the mode with the umask and never sets the sticky bit itself.
            guard chmod(path, mode) == 0 else { throw EngineError.fromErrno("chmod", path) }
        }
        try copyFile(busybox, to: rootfs + "/bin/busybox", mode: 0o755)

        for applet in try applets(rootfs + "/bin/busybox", context: context) {
            let link = rootfs + "/" + applet
            if symlink("/bin/busybox", link) != 0 && errno != EEXIST {
                throw EngineError.fromErrno("symlink", link)
            }
        }
        let files: [(String, String)] = [
            ("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
            ("etc/group", "root:x:0:\nnobody:x:65534:\n"),
            ("etc/hostname", "busybox\n"),
            ("etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n"),
        ]
        for (file, text) in files {
            try SmallFile.write(rootfs + "/" + file, text, create: true)
        }
    }

    /// Where each applet goes, from `busybox --list-full` ("bin/sh", "usr/bin/awk", ...), or
    /// `--list` into bin/ for a busybox built without the installer feature.
    static func applets(_ busybox: String, context: String) throws -> [String] {
        let allowed: Set<String> = ["bin", "sbin", "usr/bin", "usr/sbin"]
        var out: [String] = []
        if let full = try? run(busybox, ["--list-full"]) {
            for line in full.split(separator: "\n") {
                guard let slash = line.lastIndex(of: "/") else { continue }
                let dir = String(line[..<slash]), name = String(line[line.index(after: slash)...])
                if allowed.contains(dir), isAppletName(name) { out.append(dir + "/" + name) }
            }
        }
        if out.isEmpty {
            let list = try run(busybox, ["--list"])
            out = list.split(separator: "\n").map(String.init).filter(isAppletName).map { "bin/" + $0 }
        }
        guard !out.isEmpty else { throw EngineError.invalid("\(context): \(busybox) lists no applets") }
        return out
    }

    static func isAppletName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name != "busybox" && !name.contains("/")
    }

    /// A dynamically linked busybox would find no libc in the image: refuse it up front.
    static func requireStatic(_ path: String, context: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT {
                throw EngineError.notFound("\(context): \(path) not found; install busybox-static")
            }
            throw EngineError.fromErrno("open", path)
        }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 64)
        guard pread(fd, &header, 64, 0) == 64, header[0...3] == [0x7f, 0x45, 0x4c, 0x46] else {
            throw EngineError.invalid("\(context): \(path) is not an ELF executable")
        }
        // Only 64-bit little-endian ELF is read; anything else is taken as it is.
        guard header[4] == 2, header[5] == 1 else { return }
        func le(_ off: Int, _ n: Int) -> Int {
            (0..<n).reduce(0) { $0 | Int(header[off + $1]) << (8 * $1) }
        }
        let phoff = le(32, 8), phentsize = le(54, 2), phnum = le(56, 2)
        guard phentsize >= 4, phnum > 0, phnum < 4096 else { return }
        var table = [UInt8](repeating: 0, count: phentsize * phnum)
        guard pread(fd, &table, table.count, off_t(phoff)) == table.count else {
            throw EngineError.invalid("\(context): \(path): truncated ELF program headers")
        }
        let ptInterp: UInt32 = 3
        for i in 0..<phnum {
            let o = i * phentsize
            let type = UInt32(table[o]) | UInt32(table[o + 1]) << 8 | UInt32(table[o + 2]) << 16 | UInt32(table[o + 3]) << 24
            if type == ptInterp {
                throw EngineError.invalid("\(context): \(path) is dynamically linked; install busybox-static")
            }
        }
    }

    static func copyFile(_ from: String, to: String, mode: mode_t) throws {
        let bytes = try SmallFile.readBytes(from)
        let fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw EngineError.fromErrno("open", to) }
        defer { close(fd) }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw EngineError.fromErrno("write", to)
            }
            off += n
        }
        guard fchmod(fd, mode) == 0 else { throw EngineError.fromErrno("chmod", to) }
    }

    /// Runs `program args` with an empty environment and returns its stdout; a non-zero exit throws.
    static func run(_ program: String, _ args: [String]) throws -> String {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw EngineError.fromErrno("pipe") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let argv = ([program] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var envp: [UnsafeMutablePointer<CChar>?] = [nil]
        var pid = pid_t()
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, &envp)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw EngineError.system(step: "posix_spawn", path: program, errno: spawned)
        }
        var output: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: buf[0..<n])
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw EngineError.invalid("\(program) \(args.joined(separator: " ")) failed (wait status \(status))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
