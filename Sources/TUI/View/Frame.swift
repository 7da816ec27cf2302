/// What a cell means, not how it looks: the renderer maps roles to colours or attributes
/// depending on what the terminal can do.
public enum Role: UInt8, CaseIterable, Sendable {
    case normal
    case dim
    case bold
    /// The title bar and the key-hint bar.
    case bar
    case barKey
    /// Column titles.
    case columnTitle
    case columnTitleSorted
    case running, paused, exited, created
    /// Use under half of the container's cap, under 90 %, and at the cap.
    case useLow, useMid, useHigh
    /// The same inside a slider (drawn over the slider's track).
    case sliderLow, sliderMid, sliderHigh
    case sliderTrack
    case quotaMark
    /// The part of a slider above the quota: CPU the container may not use.
    case forbidden
    case throttled
    case ok
    case error
    /// Kernel file paths and values in the status line and the detail view.
    case kernel
    case key
    case border
    case input
    /// The character under a text field's cursor (the cursor after the text is a block glyph).
    case inputCursor
    case graphCPU
    case graphThrottle
}

/// A cell's look: its role, and whether it sits on the highlighted (selected) row.
public struct Style: Hashable, Sendable {
    public var role: Role
    public var highlight: Bool

    public init(_ role: Role, highlight: Bool = false) {
        self.role = role
        self.highlight = highlight
    }

    public static let normal = Style(.normal)
}

public struct Cell: Equatable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: Style

    public static let blank = Cell(scalar: " ", style: .normal)
}

public struct TermSize: Equatable, Sendable {
    public var cols: Int
    public var rows: Int
    public init(cols: Int, rows: Int) {
        self.cols = cols
        self.rows = rows
    }

    public static let minimum = TermSize(cols: 80, rows: 24)
}

/// What the terminal can show.
public struct Capabilities: Equatable, Sendable {
    /// The locale's character set is UTF-8: block and box characters may be used.
    public var utf8: Bool
    /// 0 (no colour: attributes only), 8, 16 or 256.
    public var colors: Int

    public init(utf8: Bool, colors: Int) {
        self.utf8 = utf8
        self.colors = colors
    }

    /// Colour unless `--no-color` was given or NO_COLOR is set to anything non-empty (no-color.org).
    public static func wantsColor(noColorOption: Bool, noColorEnv: String?) -> Bool {
        !noColorOption && (noColorEnv ?? "").isEmpty
    }

    /// The palette to use for a terminal with `terminalColors` colours: 256, 16, 8 or none.
    public static func colorDepth(terminalColors: Int) -> Int {
        terminalColors >= 256 ? 256 : terminalColors >= 16 ? 16 : terminalColors >= 8 ? 8 : 0
    }
}

/// One screenful: a grid of single-width cells plus the clickable regions. Built by the views,
/// painted by the curses renderer, read by the tests.
public struct Frame: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    public var hits: [HitRegion] = []
    let ascii: Bool

    public init(width: Int, height: Int, ascii: Bool) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.ascii = ascii
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` at (x, y), clipped to the frame and to `limit` columns; returns the columns used.
    /// Characters that may not be one column wide (or any non-ASCII in an ASCII frame) become '?'.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, limit: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        var col = x
        let end = min(width, limit == .max ? width : x + max(0, limit))
        for scalar in text.unicodeScalars {
            if col >= end { break }
            if col >= 0 { self[col, y] = Cell(scalar: Frame.safe(scalar, ascii: ascii), style: style) }
            col += 1
        }
        return max(0, col - x)
    }

    public mutating func put(_ scalar: Unicode.Scalar, x: Int, y: Int, style: Style = .normal) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        self[x, y] = Cell(scalar: Frame.safe(scalar, ascii: ascii), style: style)
    }

    /// Fills a rectangle with one character.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int = 1,
                              with scalar: Unicode.Scalar = " ", style: Style = .normal) {
        let ch = Frame.safe(scalar, ascii: ascii)
        for row in max(0, y)..<max(max(0, y), min(height, y + h)) {
            for col in max(0, x)..<max(max(0, x), min(width, x + w)) {
                self[col, row] = Cell(scalar: ch, style: style)
            }
        }
    }

    /// Re-styles a rectangle, keeping the characters (used for the selected row).
    public mutating func restyle(x: Int, y: Int, width w: Int, _ change: (inout Style) -> Void) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<max(max(0, x), min(width, x + w)) { change(&cells[y * width + col].style) }
    }

    /// Row `y` as text (for tests and the too-small check).
    public func line(_ y: Int) -> String {
        var s = String.UnicodeScalarView()
        for x in 0..<width { s.append(self[x, y].scalar) }
        return String(s)
    }

    /// All rows, newline-separated, trailing spaces kept.
    public var text: String { (0..<height).map(line).joined(separator: "\n") }

    /// Scalars known to take exactly one terminal column. Control characters, combining marks,
    /// East Asian wide characters and emoji would shift the rest of the row, so they become '?'.
    static func safe(_ s: Unicode.Scalar, ascii: Bool) -> Unicode.Scalar {
        let v = s.value
        if v >= 0x20 && v < 0x7f { return s }
        if ascii { return "?" }
        switch v {
        case 0xa0...0x2ff, 0x370...0x482, 0x48a...0x52f,
             0x2010...0x2027, 0x2030...0x205e, 0x2070...0x20bf,
             0x2190...0x2319, 0x2500...0x25fc, 0x2800...0x28ff:
            return s
        default:
            return "?"
        }
    }
}
