/// The container's environment: corral's defaults, then the image's, then the user's
/// `--env`, later ones replacing earlier ones with the same key (docker's order).
public enum Environment {
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public static func merge(defaults: [String], image: [String], user: [String]) throws -> [String] {
        var keys: [String] = []
        var values: [String: String] = [:]
        func put(_ entry: String, strict: Bool) throws {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                if strict { throw EngineError.invalid("invalid --env \(ContainerName.quoted(entry)): expected KEY=VALUE") }
                return
            }
            guard !entry.utf8.contains(0) else { throw EngineError.invalid("--env must not contain NUL bytes") }
            let key = String(entry[..<eq])
            if values[key] == nil { keys.append(key) }
            values[key] = entry
        }
        for e in defaults { try put(e, strict: false) }
        for e in image { try put(e, strict: false) }
        for e in user { try put(e, strict: true) }
        return keys.map { values[$0]! }
    }
}
