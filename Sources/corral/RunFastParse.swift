/// The arguments of `corral run` in their common spellings, read without ArgumentParser.
///
/// ArgumentParser builds its picture of a command by reflecting over every property of it
/// (`Mirror`, generic metadata instantiated by demangling, protocol conformance scans), and
/// checks each call for a completion-script request the same way: 4 of the 18.6 ms a
/// `run --rm` of /bin/true took on the bench machine (bench/FINDINGS.md). This reads the spellings people and scripts use;
/// anything else — help, an unknown or repeated option, a value that looks like an option,
/// combined short options other than -d/-i/-t — returns nil, and ArgumentParser reads the
/// arguments as always, errors and help included. Tests/CLITests checks both readings agree.
enum RunFastParse {
    private enum Target: Int {
        case root, cgroupParent, name, rootfs, cpus, cpuQuota, cpuPeriod, pidsLimit, memory
        case hostname, net, env, workdir, user, capAdd, capDrop, entrypoint
        case detach, rm, interactive, tty  // flags

        var bit: UInt32 { 1 << UInt32(rawValue) }
        var repeatable: Bool { self == .env || self == .capAdd || self == .capDrop }
    }

    private struct Valued {
        var target: Target
        /// The value may be a negative number (declared in LimitOptions with `parsing:
        /// .unconditional`; "-1" means unlimited).
        var unconditional = false
    }

    /// Options taking a value. A switch, like the rest of this reader, not tables of strings
    /// and sets: their first use in a process costs more type metadata than this whole reading.
    private static func valued(_ key: String) -> Valued? {
        switch key {
        case "--root": return Valued(target: .root)
        case "--cgroup-parent": return Valued(target: .cgroupParent)
        case "--name": return Valued(target: .name)
        case "--rootfs": return Valued(target: .rootfs)
        case "--cpus": return Valued(target: .cpus, unconditional: true)
        case "--cpu-quota": return Valued(target: .cpuQuota, unconditional: true)
        case "--cpu-period": return Valued(target: .cpuPeriod, unconditional: true)
        case "--pids-limit": return Valued(target: .pidsLimit, unconditional: true)
        case "--memory", "-m": return Valued(target: .memory, unconditional: true)
        case "--hostname": return Valued(target: .hostname)
        case "--net", "--network": return Valued(target: .net)
        case "--env", "-e": return Valued(target: .env)
        case "--workdir", "-w": return Valued(target: .workdir)
        case "--user", "-u": return Valued(target: .user)
        case "--cap-add": return Valued(target: .capAdd)
        case "--cap-drop": return Valued(target: .capDrop)
        case "--entrypoint": return Valued(target: .entrypoint)
        default: return nil
        }
    }

    /// `args`: what follows `run`. nil: leave these to ArgumentParser.
    static func parse(_ args: [String]) -> RunRequest? {
        // ArgumentParser answers this word wherever it stands, even in the container's command.
        guard !args.contains(where: { $0.hasPrefix("--generate-completion-script") }) else { return nil }
        var request = RunRequest()
        var seen: UInt32 = 0
        var i = 0
        while i < args.count {
            let arg = args[i]
            guard arg.hasPrefix("-"), arg != "--" else {
                // The image (or `--`): it and everything after it belong to the container.
                guard !arg.isEmpty else { return nil }
                request.imageAndCommand = Array(args[i...])
                return request
            }
            if let flags = shortFlags(arg) ?? longFlag(arg) {
                for flag in flags {
                    guard seen & flag.bit == 0 else { return nil }
                    seen |= flag.bit
                    set(flag, "", in: &request)
                }
                i += 1
                continue
            }
            let (key, attached) = split(arg)
            guard let option = valued(key) else { return nil }
            let value: String
            if let attached {
                guard key.hasPrefix("--") else { return nil }
                value = attached
            } else {
                guard i + 1 < args.count else { return nil }
                value = args[i + 1]
                i += 1
            }
            guard !value.isEmpty, !value.hasPrefix("-") || (option.unconditional && isNegativeNumber(value)) else {
                return nil
            }
            guard seen & option.target.bit == 0 || option.target.repeatable else { return nil }
            seen |= option.target.bit
            set(option.target, value, in: &request)
            i += 1
        }
        return request
    }

    private static func isNegativeNumber(_ s: String) -> Bool {
        s.count > 1 && s.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// "-d", "-it", "-dit": short flags only, each once.
    private static func shortFlags(_ arg: String) -> [Target]? {
        guard arg.count >= 2, !arg.hasPrefix("--") else { return nil }
        var out: [Target] = []
        for c in arg.dropFirst() {
            switch c {
            case "d": out.append(.detach)
            case "i": out.append(.interactive)
            case "t": out.append(.tty)
            default: return nil
            }
        }
        return out
    }

    private static func longFlag(_ arg: String) -> [Target]? {
        switch arg {
        case "--detach": return [.detach]
        case "--rm": return [.rm]
        case "--interactive": return [.interactive]
        case "--tty": return [.tty]
        default: return nil
        }
    }

    /// "--name=x" → ("--name", "x"); "--name" → ("--name", nil).
    private static func split(_ arg: String) -> (String, String?) {
        guard let eq = arg.firstIndex(of: "=") else { return (arg, nil) }
        return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
    }

    /// Applies one option (a flag ignores `value`).
    private static func set(_ target: Target, _ value: String, in r: inout RunRequest) {
        switch target {
        case .root: r.globals.root = value
        case .cgroupParent: r.globals.cgroupParent = value
        case .name: r.container.name = value
        case .rootfs: r.container.rootfs = value
        case .cpus: r.container.limits.cpus = value
        case .cpuQuota: r.container.limits.cpuQuota = value
        case .cpuPeriod: r.container.limits.cpuPeriod = value
        case .pidsLimit: r.container.limits.pidsLimit = value
        case .memory: r.container.limits.memoryText = value
        case .hostname: r.container.hostname = value
        case .net: r.container.net = value
        case .env: r.container.env.append(value)
        case .workdir: r.container.workdir = value
        case .user: r.container.user = value
        case .capAdd: r.container.capAdd.append(value)
        case .capDrop: r.container.capDrop.append(value)
        case .entrypoint: r.container.entrypoint = value
        case .detach: r.detach = true
        case .rm: r.rm = true
        case .interactive: r.interactive = true
        case .tty: r.tty = true
        }
    }
}
