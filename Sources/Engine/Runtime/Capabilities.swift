import CSpawn

/// Linux capability names and numbers (linux/capability.h), and the default set a container
/// keeps: Docker/containerd's 14.
public enum Capabilities {
    public static let all: [String] = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ]

    public static let dockerDefault: [String] = [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ]

    /// "cap_sys_admin", "CAP_SYS_ADMIN" and "sys_admin" all name SYS_ADMIN; "ALL" names every one.
    public static func canonical(_ name: String) throws -> String {
        var n = name.uppercased()
        if n.hasPrefix("CAP_") { n.removeFirst(4) }
        guard n == "ALL" || all.contains(n) else {
            throw EngineError.invalid("unknown capability \(ContainerName.quoted(name))")
        }
        return n
    }

    public static func number(_ name: String) -> Int32? {
        all.firstIndex(of: name).map(Int32.init)
    }

    /// Docker's rule: start from the default set, drop (ALL drops everything), then add (ALL
    /// adds everything). `held`: the capabilities corral itself may hand on (its bounding set,
    /// bit N for capability N); ALL and the default set mean those of them it holds, and naming
    /// one it doesn't hold is an error (the kernel would refuse the start with a bare EPERM).
    /// Sorted by number. Bit masks, not sets of names: every start comes here.
    public static func resolve(add: [String], drop: [String], held: UInt64 = boundingMask()) throws -> [String] {
        let added = try mask(add), dropped = try mask(drop)
        if let missing = all.indices.first(where: { added.named & bit($0) != 0 && held & bit($0) == 0 }) {
            throw EngineError.invalid("--cap-add \(all[missing]): corral does not hold it here (not in its capability bounding set)")
        }
        var kept = dockerDefault.reduce(UInt64(0)) { $0 | bit(all.firstIndex(of: $1)!) }
        kept = dropped.all ? 0 : kept & ~dropped.named
        kept |= added.all ? ~UInt64(0) : added.named
        kept &= held
        return all.indices.filter { kept & bit($0) != 0 }.map { all[$0] }
    }

    private static func bit(_ number: Int) -> UInt64 { 1 << UInt64(number) }

    /// The capabilities named (any spelling canonical() takes), and whether ALL was.
    private static func mask(_ names: [String]) throws -> (named: UInt64, all: Bool) {
        var m: UInt64 = 0, everything = false
        for name in names {
            let c = try canonical(name)
            if c == "ALL" { everything = true } else { m |= bit(all.firstIndex(of: c)!) }
        }
        return (m, everything)
    }

    /// This process's capability bounding set, bit N for capability N, of the capabilities
    /// corral knows. Asked of the kernel one capability at a time (5 µs), not read from
    /// /proc/self/status, whose reading into lines cost a start 50 µs.
    public static func boundingMask() -> UInt64 {
        cspawn_bounding_set() & all.indices.reduce(UInt64(0)) { $0 | bit($1) }
    }
}
