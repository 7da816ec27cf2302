/// Image names: `[host[:port]/]path[:tag]` with the path `[a-z0-9][a-z0-9._/-]*` and the tag
/// `[A-Za-z0-9._-]+`, no "..", and how they map to directory names in the store.
public enum ImageName {
    public static func validate(_ name: String) throws {
        let bytes = Array(name.utf8)
        func bad(_ why: String) -> EngineError {
            .invalid("invalid image name \(quoted(name)): \(why)")
        }
        guard let first = bytes.first else { throw bad("empty") }
        guard isLowerAlnum(first) else { throw bad("must start with a lowercase letter or digit") }
        let (repo, tag) = split(bytes)
        // A registry's port, as in localhost:5000/app: digits after the first part's ':', when
        // more parts follow.
        var path = repo
        if let slashAt = repo.firstIndex(of: slash), let colonAt = repo[..<slashAt].firstIndex(of: colon) {
            let port = repo[(colonAt + 1)..<slashAt]
            guard !port.isEmpty, port.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw bad("a registry's port after ':' is digits")
            }
            path = Array(repo[..<colonAt] + repo[slashAt...])
        }
        guard path.allSatisfy({ isLowerAlnum($0) || $0 == dot || $0 == underscore || $0 == dash || $0 == slash }) else {
            throw bad("the repository part allows a-z, 0-9, '.', '_', '-' and '/' (and a registry's :port)")
        }
        if let tag {
            guard !tag.isEmpty, tag.allSatisfy({ isAlnum($0) || $0 == dot || $0 == underscore || $0 == dash }) else {
                throw bad("the tag after ':' allows A-Z, a-z, 0-9, '.', '_' and '-'")
            }
        }
        guard !name.contains("..") else { throw bad("must not contain \"..\"") }
        guard escaped(name).utf8.count <= 200 else { throw bad("too long") }
    }

    /// The repository and the tag (nil when none is given): the tag follows the last ':'
    /// after the last '/', since a registry's port is a ':' too.
    static func split(_ bytes: [UInt8]) -> (repo: [UInt8], tag: [UInt8]?) {
        let lastPartStart = bytes.lastIndex(of: slash).map { $0 + 1 } ?? 0
        guard let colonAt = bytes[lastPartStart...].lastIndex(of: colon) else { return (bytes, nil) }
        return (Array(bytes[..<colonAt]), Array(bytes[(colonAt + 1)...]))
    }

    static func hasTag(_ name: String) -> Bool { split(Array(name.utf8)).tag != nil }

    /// A name for a new image (import, load): also, like docker's references, each '/'-separated
    /// part starts and ends with a letter or digit ("a//b", "a/", "a/-b" are refused). Only new
    /// names: an image stored under an older rule stays usable and removable.
    public static func validateNew(_ name: String) throws {
        try validate(name)
        let repo = String(decoding: split(Array(name.utf8)).repo, as: UTF8.self)
        for part in repo.split(separator: "/", omittingEmptySubsequences: false) {
            guard let f = part.utf8.first, let l = part.utf8.last, isLowerAlnum(f), isLowerAlnum(l) else {
                throw EngineError.invalid("invalid image name \(quoted(name)): each '/'-separated part must start and end with a lowercase letter or digit")
            }
        }
    }

    /// The store directory name: '/' and ':' become %2F and %3A. '%' never occurs in a valid
    /// name, so the mapping can't collide, and a valid name never starts with '.', so image
    /// directories never clash with the store's own `.lock` and `.tmp-*`.
    static func escaped(_ name: String) -> String {
        var out = ""
        for ch in name {
            switch ch {
            case "/": out += "%2F"
            case ":": out += "%3A"
            default: out.append(ch)
            }
        }
        return out
    }

    /// docker's familiar form: `docker.io/library/alpine:3.19` and `library/alpine:3.19` are
    /// `alpine:3.19`.
    static func familiar(_ reference: String) -> String {
        for prefix in ["docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/", "library/"]
        where reference.hasPrefix(prefix) {
            return String(reference.dropFirst(prefix.count))
        }
        return reference
    }

    /// Names to try for a lookup: the name itself, then `name:latest` when no tag was given.
    /// The stored names `name` may stand for: docker's `app` is `app:latest`, and the other
    /// way round.
    /// docker's long spelling (`docker.io/library/alpine`) also finds the image stored as
    /// `alpine`, and the other way round only if stored so (by an older corral).
    static func candidates(_ given: String) -> [String] {
        func withTags(_ name: String) -> [String] {
            guard hasTag(name) else { return [name, name + ":latest"] }
            return name.hasSuffix(":latest") ? [name, String(name.dropLast(":latest".count))] : [name]
        }
        let short = familiar(given)
        return short == given ? withTags(given) : withTags(short) + withTags(given)
    }

    static func quoted(_ s: String) -> String { ContainerName.quoted(s) }

    private static let dot = UInt8(ascii: "."), underscore = UInt8(ascii: "_")
    private static let dash = UInt8(ascii: "-"), slash = UInt8(ascii: "/"), colon = UInt8(ascii: ":")
    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }
    private static func isAlnum(_ c: UInt8) -> Bool {
        isLowerAlnum(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }
}
