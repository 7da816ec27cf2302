#if canImport(Glibc)
import Glibc
#endif

/// docker's `-e NAME` without `=`: the variable as the caller's environment has it, or left
/// out when it is unset there. Entries with `=` (and malformed ones, which the Engine refuses
/// with their text) pass unchanged.
enum EnvFromHost {
    static func resolve(_ entries: [String]) -> [String] {
        entries.compactMap { entry in
            guard !entry.isEmpty, !entry.contains("="), !entry.utf8.contains(0) else { return entry }
            return getenv(entry).map { entry + "=" + String(cString: $0) }
        }
    }
}
