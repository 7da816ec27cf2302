/// Container names as docker takes them: `[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`. A name is also a
/// directory name under the state root and a cgroup directory name, so nothing else may pass.
public enum ContainerName {
    public static func validate(_ name: String) throws {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw EngineError.invalid("container name must not be empty") }
        guard bytes.count <= 64 else {
            throw EngineError.invalid("container name is longer than 64 characters")
        }
        func alnum(_ b: UInt8) -> Bool {
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
        }
        guard alnum(bytes[0]), bytes.dropFirst().allSatisfy({ alnum($0) || $0 == 95 || $0 == 46 || $0 == 45 }) else {
            throw EngineError.invalid("invalid container name \(quoted(name)): must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
        }
    }

    /// A printable rendering of user input for error messages (non-printables escaped, and
    /// cut short: a 100 kB argument must not become a 100 kB error line).
    public static func quoted(_ s: String) -> String {
        let limit = 80
        if s.unicodeScalars.count > limit {
            var head = String.UnicodeScalarView()
            head.append(contentsOf: s.unicodeScalars.prefix(limit))
            return quoted(String(head)).dropLast() + "…\" (\(s.utf8.count) bytes)"
        }
        return "\"" + escapingControls(s, quote: true) + "\""
    }

    /// `s` with the characters that steer a terminal (TerminalText) as `\u{a}` (and `"` as `\"`
    /// with `quote`): text from outside (a damaged file, an argument) inside a one-line message.
    public static func escapingControls(_ s: String, quote: Bool = false) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if TerminalText.isControl(u) || TerminalText.reorders(u) { out += "\\u{\(String(u.value, radix: 16))}" }
            else if quote && u == "\"" { out += "\\\"" }
            else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
