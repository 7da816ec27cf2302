/// A one-line text field: typing appends, Backspace/Ctrl-W/Ctrl-U erase. No cursor movement
/// (the fields are short).
public struct TextField: Equatable, Sendable {
    public var text: String
    public init(_ text: String = "") { self.text = text }

    mutating func type(_ c: Character) {
        if text.count < 512 { text.append(c) }
    }
    mutating func erase() { if !text.isEmpty { text.removeLast() } }
    mutating func eraseWord() {
        while text.last == " " { text.removeLast() }
        while let last = text.last, last != " " { text.removeLast() }
    }
    mutating func clear() { text = "" }
}

/// The `n` form.
public struct NewContainerForm: Equatable, Sendable {
    public enum Field: Int, CaseIterable, Sendable {
        case image, command, name, cpus

        public var label: String {
            switch self {
            case .image: return "Image"
            case .command: return "Command"
            case .name: return "Name"
            case .cpus: return "CPUs"
            }
        }

        public var placeholder: String {
            switch self {
            case .image: return "busybox"
            case .command: return "image default"
            case .name: return "generated"
            case .cpus: return "unlimited"
            }
        }
    }

    /// All empty: an empty field means what its placeholder says, so typing an image name
    /// replaces the default instead of appending to a pre-filled "busybox".
    public var fields: [TextField] = [TextField(), TextField(), TextField(), TextField()]
    public var focus: Field = .image
    /// Why the last submit was refused (shown inside the form), or the backend's error.
    public var error: String?
    /// Set while the create request runs, so a second Enter doesn't create twice.
    public var submitted = false

    public init() {}

    public subscript(field: Field) -> String {
        get { fields[field.rawValue].text }
        set { fields[field.rawValue].text = newValue }
    }

    mutating func edit(_ change: (inout TextField) -> Void) {
        change(&fields[focus.rawValue])
        error = nil
    }

    mutating func moveFocus(_ offset: Int) {
        let all = Field.allCases
        focus = all[((focus.rawValue + offset) % all.count + all.count) % all.count]
    }

    /// The request the form describes, or why it can't be sent.
    public func request(hostCores: Int) -> Result<NewContainerRequest, FormError> {
        let typed = self[.image].trimmingSpaces()
        let image = typed.isEmpty ? Field.image.placeholder : typed
        let command: [String]
        switch ShellWords.split(self[.command]) {
        case let .success(words): command = words
        case let .failure(err): return .failure(err)
        }
        let name = self[.name].trimmingSpaces()
        if !name.isEmpty && !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            return .failure(.message("name: letters, digits, '-', '_' and '.' only"))
        }
        let cpusText = self[.cpus].trimmingSpaces()
        var cpus: Double? = nil
        if !cpusText.isEmpty {
            switch QuotaMath.parse(cpusText, hostCores: hostCores) {
            case let .success(value): cpus = value
            case let .failure(err): return .failure(.message("CPUs: \(err)"))
            }
        }
        return .success(NewContainerRequest(image: image, command: command,
                                            name: name.isEmpty ? nil : name, cpus: cpus))
    }
}

public enum FormError: Error, Equatable, CustomStringConvertible {
    case message(String)
    public var description: String {
        switch self { case let .message(m): return m }
    }
}

/// Splits a command line the way a POSIX shell would for plain words: spaces separate, single
/// quotes keep everything, double quotes keep everything but \" and \\, backslash escapes one char.
enum ShellWords {
    static func split(_ line: String) -> Result<[String], FormError> {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character? = nil
        var escaped = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
                continue
            }
            switch (quote, c) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                current.append(c)
            case ("\"", "\\"), (nil, "\\"):
                escaped = true
                inWord = true
            case ("\"", _):
                current.append(c)
            case (nil, "'"), (nil, "\""):
                quote = c
                inWord = true
            case (nil, " "), (nil, "\t"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(c)
                inWord = true
            }
        }
        if quote != nil { return .failure(.message("command: unclosed quote")) }
        if escaped { current.append("\\") }
        if inWord { words.append(current) }
        return .success(words)
    }
}
