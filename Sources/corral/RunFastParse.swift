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
    private enum Target {
        case root, cgroupParent, name, rootfs, cpus, cpuQuota, cpuPeriod, pidsLimit, memory
        case hostname, net, env, workdir, user, capAdd, capDrop, entrypoint
        case detach, rm, interactive, tty  // flags
    }

    /// Options taking a value; `unconditional`: the value may be a negative number (declared
    /// in LimitOptions with `parsing: .unconditional`; "-1" means unlimited).
    private static let valued: [String: (target: Target, unconditional: Bool)] = [
        "--root": (.root, false), "--cgroup-parent": (.cgroupParent, false),
        "--name": (.name, false), "--rootfs": (.rootfs, false),
        "--cpus": (.cpus, true), "--cpu-quota": (.cpuQuota, true), "--cpu-period": (.cpuPeriod, true),
        "--pids-limit": (.pidsLimit, true), "--memory": (.memory, true), "-m": (.memory, true),
        "--hostname": (.hostname, false), "--net": (.net, false), "--network": (.net, false),
        "--env": (.env, false), "-e": (.env, false),
        "--workdir": (.workdir, false), "-w": (.workdir, false),
        "--user": (.user, false), "-u": (.user, false),
        "--cap-add": (.capAdd, false), "--cap-drop": (.capDrop, false),
        "--entrypoint": (.entrypoint, false),
    ]

    private static let repeatable: Set<Target> = [.env, .capAdd, .capDrop]

    /// `args`: what follows `run`. nil: leave these to ArgumentParser.
    static func parse(_ args: [String]) -> RunRequest? {
        // ArgumentParser answers this word wherever it stands, even in the container's command.
        guard !args.contains(where: { $0.hasPrefix("--generate-completion-script") }) else { return nil }
        var request = RunRequest()
        var seen: Set<Target> = []
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
                    guard seen.insert(flag).inserted else { return nil }
                    set(flag, "", in: &request)
                }
                i += 1
                continue
            }
            let (key, attached) = split(arg)
            guard let option = valued[key] else { return nil }
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
            guard seen.insert(option.target).inserted || repeatable.contains(option.target) else { return nil }
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
