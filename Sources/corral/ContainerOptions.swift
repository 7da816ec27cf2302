import ArgumentParser
import Engine

/// The options that shape a new container (shared by `run`; `update` takes the limit ones).
struct ContainerOptions: ParsableArguments {
    @Option(name: .long, help: "Container name ([A-Za-z0-9][A-Za-z0-9_.-]{0,63}).")
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Run on this directory as the root filesystem.", valueName: "dir"))
    var rootfs: String?

    @OptionGroup var limits: LimitOptions

    @Option(name: .long, help: "Hostname inside (default: the container's name, or its id when the name has a '_').")
    var hostname: String?

    @Option(name: [.customLong("net"), .customLong("network")],
            help: ArgumentHelp("none (own network namespace with lo) or host.", valueName: "mode"))
    var net: String = "none"

    @Option(name: [.short, .long], help: ArgumentHelp("Set an environment variable (K alone: its value here, if set).", valueName: "K=V"))
    var env: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Working directory inside.", valueName: "dir"))
    var workdir: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Run as this user.", valueName: "uid[:gid]"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("Add a capability (e.g. NET_ADMIN, ALL).", valueName: "cap"))
    var capAdd: [String] = []

    @Option(name: .long, help: ArgumentHelp("Drop a capability (e.g. CHOWN, ALL).", valueName: "cap"))
    var capDrop: [String] = []

    @Option(name: .long, help: ArgumentHelp("Run this program instead of the image's Entrypoint (the image's Cmd is then not used; \"\" for none).", valueName: "prog"))
    var entrypoint: String?

    var values: ContainerValues {
        ContainerValues(name: name, rootfs: rootfs, limits: limits.values, hostname: hostname, net: net, env: env,
                        workdir: workdir, user: user, capAdd: capAdd, capDrop: capDrop, entrypoint: entrypoint)
    }
}

/// The container options as plain values (also filled by RunFastParse), and what they mean.
struct ContainerValues: Equatable {
    var name: String?
    var rootfs: String?
    var limits = LimitValues()
    var hostname: String?
    var net = "none"
    var env: [String] = []
    var workdir: String?
    var user: String?
    var capAdd: [String] = []
    var capDrop: [String] = []
    var entrypoint: String?

    func spec() throws -> ContainerSpec {
        var spec = ContainerSpec()
        spec.name = name
        spec.rootfs = rootfs
        guard let mode = NetworkMode(rawValue: net) else {
            throw EngineError.invalid("invalid --net \(ContainerName.quoted(net)): expected none or host")
        }
        spec.network = mode
        spec.hostname = hostname
        spec.env = EnvFromHost.resolve(env)
        spec.workdir = workdir
        spec.user = user
        spec.capAdd = capAdd
        spec.capDrop = capDrop
        spec.entrypoint = entrypoint
        spec.limits.cpu = try limits.cpuQuota(current: .unlimited)
        if let p = try limits.pids() { spec.limits.pidsMax = p }
        if let m = try limits.memoryLimit() { spec.limits.memoryBytes = m }
        return spec
    }
}

/// --cpus / --cpu-quota / --cpu-period / --pids-limit / --memory, for `run` and `update`.
struct LimitOptions: ParsableArguments {
    // .unconditional: "-1" is a value here, not an option (for --cpus a wrong one, which
    // then gets its own message rather than "missing value").
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CPU limit in cores, like docker (0 = unlimited).", valueName: "F"))
    var cpus: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CFS quota per period in µs (-1 = unlimited).", valueName: "us"))
    var cpuQuota: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CFS period in µs (1000..1000000, default 100000).", valueName: "us"))
    var cpuPeriod: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Maximum number of processes (0 or -1 = unlimited; default 4096).", valueName: "N"))
    var pidsLimit: String?

    @Option(name: [.short, .customLong("memory")], parsing: .unconditional, help: ArgumentHelp("Memory limit: bytes or with k/m/g suffix (0 or -1 = unlimited).", valueName: "bytes"))
    var memoryText: String?

    var values: LimitValues {
        LimitValues(cpus: cpus, cpuQuota: cpuQuota, cpuPeriod: cpuPeriod, pidsLimit: pidsLimit, memoryText: memoryText)
    }
}

/// The limit options as plain values, and what they mean.
struct LimitValues: Equatable {
    var cpus: String?
    var cpuQuota: String?
    var cpuPeriod: String?
    var pidsLimit: String?
    var memoryText: String?

    var touchesCPU: Bool { cpus != nil || cpuQuota != nil || cpuPeriod != nil }

    /// The CPU quota these flags ask for, starting from `current` for what they leave out.
    func cpuQuota(current: CPUQuota) throws -> CPUQuota {
        if cpus != nil && cpuQuota != nil {
            throw EngineError.invalid("give --cpus or --cpu-quota, not both")
        }
        var period = current.periodUs
        if let p = cpuPeriod {
            guard let v = Int64(p) else { throw EngineError.invalid("invalid --cpu-period \(ContainerName.quoted(p)): expected whole microseconds") }
            period = v
        }
        var result = current
        result.periodUs = period
        if let c = cpus {
            guard PlainDecimal.matches(c), let f = Double(c), f.isFinite, f >= 0 else {
                throw EngineError.invalid("invalid --cpus \(ContainerName.quoted(c)): expected a number of cores ≥ 0")
            }
            result = try CPUQuota.cores(f, periodUs: period)
        } else if let q = cpuQuota {
            guard let v = Int64(q), v == -1 || v > 0 else {
                throw EngineError.invalid("invalid --cpu-quota \(ContainerName.quoted(q)): expected µs ≥ 1000 or -1")
            }
            result.quotaUs = v == -1 ? nil : v
        } else if let q = current.quotaUs, cpuPeriod != nil {
            // A new period alone keeps the same number of cores, as docker update does.
            let rescaled = Int64((Double(q) / Double(current.periodUs) * Double(period)).rounded())
            if rescaled < CPUQuota.minQuotaUs, (try? CPUQuota(quotaUs: nil, periodUs: period).validate()) != nil {
                throw EngineError.invalid("--cpu-period \(period) would make the present \(Format.cores(Double(q) / Double(current.periodUs)))-core quota "
                                          + "\(rescaled) µs, below the kernel's \(CPUQuota.minQuotaUs) µs: give --cpus or --cpu-quota too")
            }
            result.quotaUs = rescaled
        }
        try result.validate()
        return result
    }

    /// nil: not given; .some(nil): unlimited.
    func pids() throws -> Int64?? {
        guard let p = pidsLimit else { return nil }
        guard let v = Int64(p), v >= -1 else {
            throw EngineError.invalid("invalid --pids-limit \(ContainerName.quoted(p)): expected N ≥ 1, or 0 or -1 for unlimited")
        }
        return .some(v <= 0 ? nil : v)   // docker's 0 and -1: unlimited
    }

    func memoryLimit() throws -> Int64?? {
        guard let m = memoryText else { return nil }
        if m == "-1" || m == "0" { return .some(nil) }   // docker's 0 and -1: unlimited
        guard let v = ByteSize.parse(m) else {
            if ByteSize.parse(m, capped: false) != nil {
                throw EngineError.invalid("invalid --memory \(ContainerName.quoted(m)): more than the kernel can count (8 EiB)")
            }
            throw EngineError.invalid("invalid --memory \(ContainerName.quoted(m)): expected bytes, e.g. 64m or 1g")
        }
        if v == 0 { return .some(nil) }   // "0m" as "0"
        guard v >= 4 << 20 else { throw EngineError.invalid("invalid --memory \(m): at least 4m") }
        return .some(v)
    }
}

enum ByteSize {
    /// "1048576", "512k", "64m", "1g" (also "64MB", "1GiB"), and with a suffix a decimal
    /// ("1.5g"), as docker takes it, rounded down to whole bytes.
    /// `capped: false`: only whether it is written as a size, however large (a Double).
    static func parse(_ text: String, capped: Bool = true) -> Int64? {
        var s = text.lowercased()
        for suffix in ["ib", "b"] where s.hasSuffix(suffix) && s.count > suffix.count { s.removeLast(suffix.count); break }
        var mult: Int64 = 1
        switch s.last {
        case "k": mult = 1 << 10
        case "m": mult = 1 << 20
        case "g": mult = 1 << 30
        case "t": mult = 1 << 40
        default: break
        }
        if mult > 1 { s.removeLast() }
        if let n = Int64(s) {
            guard n >= 0 else { return nil }
            let (r, overflow) = n.multipliedReportingOverflow(by: mult)
            return overflow ? (capped ? nil : Int64.max) : r
        }
        if !capped, !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int64.max }   // past Int64
        guard mult > 1, PlainDecimal.matches(s), s.contains("."), let d = Double(s) else { return nil }
        // Rounded down, but a positive size never to 0, which would read as "unlimited".
        let bytes = max(d > 0 ? 1 : 0, (d * Double(mult)).rounded(.down))
        return bytes < 9.2e18 ? Int64(bytes) : (capped ? nil : Int64.max)
    }
}

/// Digits with at most one point among or around them: not "0x1", "1e3", "inf" or "nan", which
/// Double would also read.
enum PlainDecimal {
    static func matches(_ s: String) -> Bool {
        s.contains { $0.isASCII && $0.isNumber } && s.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
            && s.filter { $0 == "." }.count <= 1
    }
}
