#if canImport(Glibc)
import Glibc
#endif

/// A container's writable layer: overlayfs with the image's rootfs as the read-only lower dir
/// and the container's own upper/work dirs. Copy-up happens in the container's upper dir, so
/// the image is never modified and containers never see each other's writes.
public enum Overlay {
    public static func mount(lower: String, upper: String, work: String, target: String) throws {
        let data = "lowerdir=\(escape(lower)),upperdir=\(escape(upper)),workdir=\(escape(work))"
        guard data.utf8.count < 4096 else {
            throw EngineError.system(step: "mount overlay (options longer than a page)", path: target, errno: ENAMETOOLONG)
        }
        let r = data.withCString { Glibc.mount("overlay", target, "overlay", 0, $0) }
        guard r == 0 else { throw EngineError.fromErrno("mount overlay (lower \(lower))", target) }
    }

    /// Lazy unmount (MNT_DETACH): a process still holding a file open in it doesn't block removal.
    public static func unmount(_ target: String) throws {
        guard umount2(target, Int32(MNT_DETACH)) == 0 else { throw EngineError.fromErrno("umount", target) }
    }

    /// `unmount`, where "not mounted" (EINVAL) and "no such directory" (ENOENT) are success.
    public static func unmountIfMounted(_ target: String) throws {
        guard umount2(target, Int32(MNT_DETACH)) == 0 || errno == EINVAL || errno == ENOENT else {
            throw EngineError.fromErrno("umount", target)
        }
    }

    /// overlayfs splits its options at ',' and lowerdir lists at ':'; a backslash escapes both.
    static func escape(_ path: String) -> String {
        var out = ""
        for ch in path {
            if ch == "\\" || ch == "," || ch == ":" { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
