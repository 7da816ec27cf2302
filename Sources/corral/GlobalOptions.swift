import ArgumentParser
import Engine
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Options every verb takes: where state and images live and which cgroup parent to use.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("State root (default /run/corral, or $CORRAL_ROOT).", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("Cgroup parent for new containers (default corral, or $CORRAL_CGROUP_PARENT).", valueName: "path"))
    var cgroupParent: String?

    var values: Globals { Globals(root: root, cgroupParent: cgroupParent) }
    func validate() throws { try values.validate() }
    var imagesRoot: String { values.imagesRoot }
    func runtime() throws -> Runtime { try values.runtime() }
    func containers(usingImage image: String) -> [String] { values.containers(usingImage: image) }
}

/// What the global options mean, as plain values (also filled by RunFastParse).
struct Globals: Equatable {
    var root: String?
    var cgroupParent: String?

    /// A set, non-empty environment variable. `getenv`, not `ProcessInfo.environment`: that
    /// builds a dictionary of the whole environment on every call (3 % of a `corral run`).
    static func setting(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    var stateRoot: String {
        root ?? Self.setting("CORRAL_ROOT") ?? RuntimeConfig.defaultStateRoot
    }

    /// $CORRAL_IMAGES, else `<root>/images-store` when the state root was moved (so a test's
    /// --root keeps its images to itself), else /var/lib/corral.
    var imagesRoot: String {
        if let images = Self.setting("CORRAL_IMAGES") { return images }
        if root != nil || Self.setting("CORRAL_ROOT") != nil { return stateRoot + "/" + RuntimeConfig.imageStoreInStateRoot }
        return RuntimeConfig.defaultImagesRoot
    }

    var parent: String {
        cgroupParent ?? Self.setting("CORRAL_CGROUP_PARENT") ?? RuntimeConfig.defaultCgroupParent
    }

    /// An empty --root would put state in the current directory and images at /images-store.
    func validate() throws {
        if root?.isEmpty == true { throw EngineError.invalid("--root must not be empty") }
    }

    func runtime(spareNetns: SpareNetns = SpareNetns()) throws -> Runtime {
        try validate()
        return try Runtime(config: RuntimeConfig(
            stateRoot: absolute(stateRoot), imagesRoot: absolute(imagesRoot),
            cgroupParent: parent, selfExecutable: Self.selfExecutable()), spareNetns: spareNetns)
    }

    func containers(usingImage image: String) -> [String] {
        guard let rt = try? runtime(), let all = try? rt.list() else { return [] }
        return all.filter { $0.record.image == image }.map(\.name)
    }

    private func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buf, buf.count) != nil else { return path }
        return String(cString: buf) + "/" + path
    }

    static func selfExecutable() -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(cString: buf) : CommandLine.arguments[0]
    }
}
