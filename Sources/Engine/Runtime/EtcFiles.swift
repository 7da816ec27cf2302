#if canImport(Glibc)
import Glibc
#endif

/// The three files docker writes into every container's /etc: `hostname`; `hosts` (loopback
/// and the hostname, or the host's own with `--net host`); and with `--net host` the host's
/// `resolv.conf`, without which no name resolves. Written into an image container's fresh,
/// empty writable layer before the overlay is mounted (corral's own directory: no symlink of
/// the image's is followed), so they shadow the image's and go with the container. A `--rootfs`
/// directory is used in place and is left as it is.
enum EtcFiles {
    static func write(intoUpper upper: String, record: ContainerRecord) throws {
        let etc = upper + "/etc"
        guard mkdir(etc, 0o755) == 0 else { throw EngineError.fromErrno("mkdir", etc) }
        // The merged /etc takes the upper directory's mode: 0755 whatever the caller's umask,
        // or a non-root user inside could not read passwd, group or hosts.
        guard chmod(etc, 0o755) == 0 else { throw EngineError.fromErrno("chmod", etc) }
        defer { for name in ["hostname", "hosts", "resolv.conf"] { _ = chmod(etc + "/" + name, 0o644) } }
        try SmallFile.writeNew(etc + "/hostname", Array((record.hostname + "\n").utf8))
        let loopback = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t\(record.hostname)\n"
        switch record.network {
        case .none:
            try SmallFile.writeNew(etc + "/hosts", Array(loopback.utf8))
        case .host:
            let hosts = (try? SmallFile.readIfPresent("/etc/hosts")) ?? nil
            try SmallFile.writeNew(etc + "/hosts", Array((hosts ?? loopback).utf8))
            if let resolv = (try? SmallFile.readIfPresent("/etc/resolv.conf")) ?? nil {
                try SmallFile.writeNew(etc + "/resolv.conf", Array(resolv.utf8))
            }
        }
    }
}
