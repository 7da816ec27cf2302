/// `logs -n5`, `stop -t3`, `kill -sTERM`: docker reads a short option's value written against
/// it; ArgumentParser reads "-n5" as the flags n and 5 and fails, so for the verbs that have such
/// options the words are split ("-n", "5") before parsing. Only options that take a value are
/// split, and only before a "--".
enum AttachedShortValues {
    static let optionsByVerb: [String: Set<Character>] = ["logs": ["n"], "stop": ["t"], "restart": ["t"], "kill": ["s"]]

    static func split(_ args: [String]) -> [String] {
        guard let verb = args.first, let options = optionsByVerb[verb] else { return args }
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
            if chars.count > 2, chars[0] == "-", chars[1] != "-", options.contains(chars[1]), chars[2] != "=" {
                out.append("-" + String(chars[1]))
                out.append(String(chars[2...]))
            } else {
                out.append(word)
            }
        }
        return out
    }
}
