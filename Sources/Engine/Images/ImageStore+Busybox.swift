#if canImport(Glibc)
import Glibc
#endif

extension ImageStore {
    /// The builtin image every corral has without a network: "busybox", made on first use from
    /// the host's static busybox (Debian's busybox-static).
    public static let builtinBusyboxName = "busybox"
    static let hostBusybox = "/bin/busybox"

    /// The "busybox" image, built now if the store doesn't have it yet.
    public func ensureBuiltinBusybox() throws -> Image {
        if let image = try read(Self.builtinBusyboxName) { return image }
        return try withLock {
            // Another corral may have built it while this one waited for the lock.
            if let image = try read(Self.builtinBusyboxName) { return image }
            let built = try building { tmp in
                try BusyboxRootfs.build(at: tmp + "/rootfs", from: Self.hostBusybox)
                let config = ImageConfig(env: ["PATH=" + Environment.defaultPath], cmd: ["sh"])
                return (tmp: tmp, image: try record(in: tmp, name: Self.builtinBusyboxName, config: config))
            }
            return try publish([built], context: "the builtin busybox image")[0]
        }
    }
}
