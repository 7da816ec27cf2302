/// A key press or mouse event, decoded from curses but independent of it (so the key map is testable).
public enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    case function(Int)
    case resize
    /// A bracketed paste begins / ends: the keys between are pasted text.
    case pasteStart, pasteEnd
    case mouse(MouseEvent)

    /// Ctrl-<letter>, as a terminal sends it.
    public static func ctrl(_ letter: Character) -> Key {
        let value = letter.asciiValue.map { $0 & 0x1f } ?? 0
        return .char(Character(Unicode.Scalar(value)))
    }
}

public struct MouseEvent: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Button 1 went down.
        case press
        /// Button 1 came up.
        case release
        /// The pointer moved (while a button is held, as the terminal reports it).
        case motion
        case wheelUp
        case wheelDown
    }

    public var x: Int
    public var y: Int
    public var kind: Kind

    public init(x: Int, y: Int, kind: Kind) {
        self.x = x
        self.y = y
        self.kind = kind
    }
}

/// A clickable part of a drawn frame, recorded by the views so mouse events map back to meaning.
public struct HitRegion: Equatable, Sendable {
    public enum Target: Equatable, Sendable {
        /// A table row.
        case row(String)
        /// A container's quota slider, brackets included: the inner cells run from x+1 to
        /// x+width-2 and are scaled to `hostCores`; the left bracket means the minimum, the right one unlimited.
        case slider(name: String, hostCores: Int)
        /// A column title: click sorts by it.
        case sortHeader(SortColumn)
        case formField(NewContainerForm.Field)
    }

    public var x: Int
    public var y: Int
    public var width: Int
    public var target: Target

    public init(x: Int, y: Int, width: Int, target: Target) {
        self.x = x
        self.y = y
        self.width = width
        self.target = target
    }

    func contains(x px: Int, y py: Int) -> Bool { py == y && px >= x && px < x + width }
}
