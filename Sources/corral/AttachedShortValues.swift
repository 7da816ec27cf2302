/// `logs -n5`, `stop -t3`, `kill -sTERM`: docker reads a short option's value written against
/// it; ArgumentParser reads "-n5" as the flags n and 5 and fails, so for the verbs that have such
/// options the words are split ("-n", "5") before parsing. Only options that take a value are
/// split, and only before a "--".
enum AttachedShortValues {
    /// The short options of `verb` that take a value. A switch over bytes, not a table of
    /// `Set<Character>`: every corral start passes here, and the table's first use cost a `run`
    /// 80 µs of type metadata and grapheme hashing.
    static func valueOptions(of verb: String) -> [UInt8]? {
        switch verb {
        case "logs": return [UInt8(ascii: "n")]
        case "stop", "restart": return [UInt8(ascii: "t")]
        case "kill": return [UInt8(ascii: "s")]
        default: return nil
        }
    }

    static func split(_ args: [String]) -> [String] {
        guard let verb = args.first, let options = valueOptions(of: verb) else { return args }
        var out = [verb]
        var rest = args.dropFirst()
        while let word = rest.first {
            rest = rest.dropFirst()
            if word == "--" {
                out.append(word)
                out.append(contentsOf: rest)
                break
            }
            let chars = Array(word)
            if chars.count > 2, chars[0] == "-", chars[1] != "-", chars[1].isASCII,
               let option = chars[1].asciiValue, options.contains(option), chars[2] != "=" {
                out.append("-" + String(chars[1]))
                out.append(String(chars[2...]))
            } else {
                out.append(word)
            }
        }
        return out
    }
}
