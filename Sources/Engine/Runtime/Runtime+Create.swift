import CSpawn
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

extension Runtime {
    /// Validates `spec`, then reserves the name and builds everything the container needs
    /// (state dir, writable layer, cgroup with its limits). Either all of it exists afterwards,
    /// or — on any error — none of it does.
    public func create(_ spec: ContainerSpec) throws -> ContainerRecord {
        try create(plan(spec))
    }

    /// `create` after `plan`: what changes the machine.
    func create(_ plan: Plan) throws -> ContainerRecord {
        func reserveAndBuild() throws -> ContainerRecord {
            try store.withLock {
                guard !store.exists(plan.name) else { throw Self.nameTaken(plan.name) }
                // Names are looked up before ids: a name that is another container's whole id
                // would hide that container from every verb given the id (`rm -f $(ps -aq)`).
                if plan.name.utf8.count == plan.record.id.utf8.count, Self.isHex(plan.name),
                   let owner = try list().first(where: { $0.record.id == plan.name }) {
                    throw EngineError.conflict("\(plan.name) is the id of container \(owner.name); a name can't be another container's id")
                }
                if let image = plan.record.image { _ = try images.image(named: image) }
                return try build(plan)
            }
        }
        guard plan.record.image != nil else { return try reserveAndBuild() }
        // Under the image store's lock, so `image rm` can't delete the image between our check
        // and the overlay mount (it checks for users under the same lock). Taken before the
        // state root's: a start that waits for an import must not hold up every other command
        // on the state root meanwhile (nothing takes the two the other way round).
        return try images.withLock(reserveAndBuild)
    }

    static func nameTaken(_ name: String) -> EngineError {
        .conflict("a container named \(name) already exists")
    }

    /// Everything checked and resolved with no side effects: bad input fails here.
    struct Plan {
        var name: String
        var record: ContainerRecord
        var imageRootfs: String?
    }

    func plan(_ spec: ContainerSpec) throws -> Plan {
        let name = try spec.name ?? generatedName()
        try ContainerName.validate(name)
        try checkNotImageStore(name)
        // Also where this command's images are elsewhere ($CORRAL_IMAGES): the next command,
        // without it, would keep its images in that container's directory.
        guard name != RuntimeConfig.imageStoreInStateRoot else {
            throw EngineError.invalid("container name \(name) is kept for the image store of a moved state root")
        }
        try spec.limits.cpu.validate()
        if let p = spec.limits.pidsMax, p < 1 { throw EngineError.invalid("--pids-limit must be ≥ 1, or 0 or -1 (unlimited), got \(p)") }
        if let m = spec.limits.memoryBytes, m < 4 << 20 {
            throw EngineError.invalid("--memory must be at least 4 MiB, got \(m) bytes")
        }

        var imageConfig = ImageConfig()
        let lowerRootfs: String
        let imageName: String?
        switch (spec.image, spec.rootfs) {
        case let (image?, nil):
            // Every spelling docker has for it: busybox, busybox:latest, library/busybox, docker.io/library/busybox.
            let builtin = ImageName.candidates(image).contains(ImageStore.builtinBusyboxName)
            let img = builtin ? try images.ensureBuiltinBusybox() : try images.image(named: image)
            lowerRootfs = img.rootfs
            imageConfig = img.config
            imageName = img.name
        case let (nil, dir?):
            lowerRootfs = try Self.resolveRootfs(dir)
            imageName = nil
        case (nil, nil):
            throw EngineError.invalid("no image or --rootfs given")
        case (_?, _?):
            throw EngineError.invalid("give an image or --rootfs, not both")
        }

        // docker's merge: a given entrypoint, even "" (none), drops the image's Cmd too.
        let entrypoint = spec.entrypoint.map { $0.isEmpty ? [] : [$0] } ?? (imageConfig.entrypoint ?? [])
        let command = entrypoint + (spec.command.isEmpty && spec.entrypoint == nil ? (imageConfig.cmd ?? []) : spec.command)
        guard let argv0 = command.first, !argv0.isEmpty else {
            throw EngineError.invalid("no command given (corral run [options] IMAGE -- CMD [ARG...])")
        }
        for arg in command where arg.utf8.contains(0) {
            throw EngineError.invalid("command arguments must not contain NUL bytes")
        }

        let id = try Self.randomID()
        // The name, as docker's is the id: a name may hold '_', which no hostname may, and then
        // the id is the hostname (docker's default), rather than an error about a hostname the
        // user never gave.
        let hostname = spec.hostname ?? ((try? Self.validateHostname(name)) != nil ? name : id)
        try Self.validateHostname(hostname)
        let workdir = spec.workdir ?? imageConfig.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        guard workdir.hasPrefix("/"), !workdir.utf8.contains(0) else {
            throw EngineError.invalid("--workdir must be an absolute path, got \(ContainerName.quoted(workdir))")
        }
        let user = try UserSpec.resolve(spec.user ?? imageConfig.user, rootfs: lowerRootfs)
        let env = try Environment.merge(
            defaults: ["PATH=\(Environment.defaultPath)", "HOSTNAME=\(hostname)", "HOME=\(user.home)"]
                + (spec.tty ? ["TERM=xterm"] : []),
            image: imageConfig.env, user: spec.env)
        let caps = try Capabilities.resolve(add: spec.capAdd, drop: spec.capDrop)

        let record = ContainerRecord(
            // Whole seconds, as state.json keeps it: the record kept in memory (RecordCache) is the one read back.
            id: id, name: name, created: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)),
            command: command, image: imageName,
            rootfs: imageName == nil ? lowerRootfs : store.directory(name) + "/rootfs",
            rootfsIsOverlay: imageName != nil, hostname: hostname, network: spec.network, env: env,
            workdir: workdir, uid: user.uid, gid: user.gid, groups: user.groups, capabilities: caps,
            cgroup: CgroupPath(parent: config.cgroupParent, name: name), limits: spec.limits,
            detached: spec.detached, autoRemove: spec.autoRemove, tty: spec.tty,
            interactive: spec.interactive)
        return Plan(name: name, record: record, imageRootfs: imageName == nil ? nil : lowerRootfs)
    }

    /// Runs under the store lock. Undoes what it did if a step fails.
    func build(_ plan: Plan) throws -> ContainerRecord {
        let record = plan.record
        let dir = store.directory(record.name)
        var undo: [() -> Void] = []
        do {
            // A dir without state.json, as an older corral's create or rm killed half-way left
            // it (we hold the lock: nobody else is working in it). Clear it, or the name stays blocked.
            if SmallFile.exists(dir) { try destroyByName(record.name) }
            try store.publish(record, subdirectories: plan.imageRootfs == nil ? [] : ["upper", "work", "rootfs"],
                              holder: (getpid(), cspawn_process_starttime(getpid())))
            records.remember(record, in: store)
            undo.append { [store] in try? store.discard(record.name, keepingSpare: false) }
            if let lower = plan.imageRootfs {
                try EtcFiles.write(intoUpper: dir + "/upper", record: record)
                try Overlay.mount(lower: lower, upper: dir + "/upper", work: dir + "/work", target: record.rootfs)
                undo.append { try? Overlay.unmount(record.rootfs) }
            }
            do {
                cgroupParents.note(try cgroups.create(record.cgroup), leafDirs: cgroups.directories(record.cgroup))
            } catch let EngineError.system(_, path, err) where err == EEXIST {
                // Not ours (ours would have a record under this name): another state root, or
                // another tool, uses the same cgroup parent.
                throw EngineError.conflict("cgroup \(path) already exists and is not this state root's container; "
                    + "another corral state root (or another tool) uses cgroup parent \(config.cgroupParent): give this one its own with --cgroup-parent")
            }
            undo.append { [self] in
                try? cgroups.remove(record.cgroup)
                cgroupParents.removeEmpty(above: cgroups.directories(record.cgroup))
            }
            // A cgroup the kernel has just made is unlimited (no quota in a 100 ms period, pids
            // and memory "max"): only what differs is written (by default the pids limit alone).
            let cpu = record.limits.cpu
            if cpu.quotaUs != nil || cpu.periodUs != CPUQuota.defaultPeriodUs {
                try cgroups.setCPU(record.cgroup, cpu)
            }
            if let pids = record.limits.pidsMax { try cgroups.setPidsLimit(record.cgroup, pids) }
            if let bytes = record.limits.memoryBytes { try cgroups.setMemoryLimit(record.cgroup, bytes) }
            return record
        } catch {
            for step in undo.reversed() { step() }
            throw error
        }
    }

    func generatedName() throws -> String {
        // docker-style names would need a word list; a short id is unambiguous and valid.
        "c-" + String(try Self.randomID().prefix(8))
    }

    /// 12 hex digits from the system's CSPRNG (getrandom), like a short docker id.
    static func randomID() throws -> String {
        var rng = SystemRandomNumberGenerator()
        return Hex.string((0..<6).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    static func resolveRootfs(_ dir: String) throws -> String {
        guard let real = realpath(dir, nil) else {
            throw EngineError.invalid("rootfs \(ContainerName.quoted(dir)): \(String(cString: strerror(errno)))")
        }
        defer { free(real) }
        let path = String(cString: real)
        guard SmallFile.isDirectory(path) else { throw EngineError.invalid("rootfs \(path) is not a directory") }
        guard path != "/" else { throw EngineError.invalid("rootfs must not be the host's /") }
        return path
    }

    static func validateHostname(_ h: String) throws {
        let ok = !h.isEmpty && h.utf8.count <= 64 && h.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 46
        } && !h.hasPrefix("-") && !h.hasPrefix(".")
        guard ok else { throw EngineError.invalid("invalid hostname \(ContainerName.quoted(h)): letters, digits, '-' and '.', at most 64") }
    }
}

