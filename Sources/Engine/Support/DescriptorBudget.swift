#if canImport(Glibc)
import Glibc
#endif

/// How many descriptors a long-running reader may keep open for one purpose: a share of the
/// soft RLIMIT_NOFILE (1024 by default), capped, so kept-open files never crowd out the rest.
enum DescriptorBudget {
    static func share(_ fraction: Int, cap: Int = 4096) -> Int {
        var rl = rlimit()
        let soft = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &rl) == 0 ? Int(clamping: rl.rlim_cur) : 1024
        return max(0, min(cap, soft / fraction))
    }
}
