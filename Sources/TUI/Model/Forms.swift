/// A one-line text field edited at a cursor, as a shell's line editor does.
public struct TextField: Equatable, Sendable {
    public enum CursorMove: Equatable, Sendable { case left, right, home, end }
    /// A paste can't grow a field without end; what does not fit is refused, and said so.
    public static let maxLength = 4096

    public private(set) var text: String
    /// Characters before the cursor: typing inserts there, Backspace erases before it.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        self.text = text
        cursor = text.count
    }

    private func index(_ offset: Int) -> String.Index { text.index(text.startIndex, offsetBy: offset) }

    /// False when the field is full and `c` was not added.
    @discardableResult
    mutating func type(_ c: Character) -> Bool {
        guard text.count < Self.maxLength else { return false }
        text.insert(c, at: index(cursor))
        cursor += 1
        return true
    }
    mutating func erase() {
        guard cursor > 0 else { return }
        text.remove(at: index(cursor - 1))
        cursor -= 1
    }
    mutating func deleteForward() {
        if cursor < text.count { text.remove(at: index(cursor)) }
    }
    /// Ctrl-W: the spaces before the cursor, then the word before them.
    mutating func eraseWord() {
        while cursor > 0, text[index(cursor - 1)] == " " { erase() }
        while cursor > 0, text[index(cursor - 1)] != " " { erase() }
    }
    mutating func clear() {
        text = ""
        cursor = 0
    }
    mutating func moveCursor(_ move: CursorMove) {
        switch move {
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = text.count
        }
    }
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
        set { fields[field.rawValue] = TextField(newValue) }
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
