/// Keys and mouse events → actions, depending on what is showing. Pure: the hit regions of the
/// last drawn frame say what is under the mouse.
///
/// The issue asks for both vim movement (j/k, h/l, H/L) and one-letter commands `k` kill and
/// `l` logs, which collide. Movement wins because a slip of a movement key must never kill a
/// container: kill is `K` (or F9, as in htop) and logs are `o` (output).
public enum KeyMap {
    public static func action(for key: Key, in state: TopState, hits: [HitRegion]) -> Action? {
        if case let .mouse(event) = key { return mouseAction(event, state: state, hits: hits) }
        if key == .pasteStart || key == .pasteEnd { return .paste(key == .pasteStart) }
        if state.pasting { return pastedAction(key, state: state) }
        switch state.overlay {
        case .help: return helpAction(key)
        case .form: return formAction(key)
        case .confirmRemove: return confirmAction(key)
        case .filter, .quota: return promptAction(key)
        case .none: break
        }
        switch state.screen {
        case .table, .detail: return mainAction(key, state: state)
        case .logs: return logsAction(key)
        }
    }

    private static func mainAction(_ key: Key, state: TopState) -> Action? {
        let inTable = state.screen == .table
        switch key {
        case .up, .char("k"): return .move(-1)
        case .down, .char("j"): return .move(1)
        case .home, .char("g"): return .selectFirst
        case .end, .char("G"): return .selectLast
        case .char("\u{06}"): return .movePage(1)    // Ctrl-F, as in less and vim
        case .char("\u{02}"): return .movePage(-1)   // Ctrl-B
        case .left, .char("h"): return .stepQuota(-QuotaMath.smallStep)
        case .right, .char("l"): return .stepQuota(QuotaMath.smallStep)
        case .pageDown, .char("H"): return .stepQuota(-QuotaMath.largeStep)
        case .pageUp, .char("L"): return .stepQuota(QuotaMath.largeStep)
        case .char("0"), .char("u"): return .unlimitedQuota
        case .char("="): return .askQuota
        case .enter: return inTable ? .openDetail : .back
        case .char("n"): return .openNewForm
        case .char("s"): return .toggleRun
        case .char("p"): return .togglePause
        case .char("K"), .function(9): return .kill
        case .char("d"), .delete: return .askRemove
        case .char("o"): return .openLogs
        case .char("e"): return .shell
        case .char("/"): return inTable ? .openFilter : nil
        case .char("<"): return .sortPrevious
        case .char(">"), .function(6): return .sortNext
        case .char("r"): return .reverseSort
        case .char("+"): return .refreshSlower
        case .char("-"): return .refreshFaster
        case .char("?"), .function(1): return .toggleHelp
        case .char("q"), .function(10): return inTable ? .quit : .back
        case .escape: return .back
        default: return nil
        }
    }

    /// Pasted text goes into a text field (its line breaks and tabs as spaces) and is dropped
    /// anywhere else: a paste must never act as keys, up to the terminal's closing bracket.
    private static func pastedAction(_ key: Key, state: TopState) -> Action? {
        // An ESC inside a paste is the paste's (copied coloured output holds them), not the end
        // of it: ending the paste there read the rest as keys — a pasted "\e[0m K" killed the
        // selected container. Only the terminal's closing bracket ends it.
        if key == .escape { return nil }
        switch state.overlay {
        case .form, .filter, .quota:
            switch key {
            case .enter, .tab: return .type(" ")
            case let .char(c) where isPrintable(c): return .type(c)
            default: return nil
            }
        case .none, .help, .confirmRemove:
            return nil
        }
    }

    private static func logsAction(_ key: Key) -> Action? {
        switch key {
        case .up, .char("k"): return .scroll(-1)
        case .down, .char("j"): return .scroll(1)
        case .pageUp: return .scroll(-pageStep)
        case .pageDown, .char(" "): return .scroll(pageStep)
        case .home, .char("g"): return .scrollToStart
        case .end, .char("G"): return .scrollToEnd
        case .char("+"): return .refreshSlower
        case .char("-"): return .refreshFaster
        case .char("?"), .function(1): return .toggleHelp
        case .escape, .char("q"), .char("o"), .enter, .function(10): return .back
        default: return nil
        }
    }

    private static func helpAction(_ key: Key) -> Action? {
        switch key {
        case .up, .char("k"): return .scroll(-1)
        case .down, .char("j"): return .scroll(1)
        case .pageUp: return .scroll(-pageStep)
        case .pageDown, .char(" "): return .scroll(pageStep)
        case .escape, .char("?"), .char("q"), .enter, .function(1), .function(10): return .toggleHelp
        default: return nil
        }
    }

    private static func formAction(_ key: Key) -> Action? {
        switch key {
        case .escape: return .back
        case .enter: return .submit
        case .tab, .down: return .nextField
        case .backTab, .up: return .previousField
        default: return textAction(key)
        }
    }

    private static func confirmAction(_ key: Key) -> Action? {
        switch key {
        case .char("y"), .char("Y"): return .confirm(true)
        case .char("n"), .char("N"), .char("q"), .escape, .enter: return .confirm(false)
        default: return nil
        }
    }

    private static func promptAction(_ key: Key) -> Action? {
        switch key {
        case .escape: return .back
        case .enter: return .submit
        default: return textAction(key)
        }
    }

    private static func textAction(_ key: Key) -> Action? {
        switch key {
        case .backspace, .char("\u{7f}"), .char("\u{08}"): return .erase
        case .char("\u{17}"): return .eraseWord   // Ctrl-W
        case .char("\u{15}"): return .clearField  // Ctrl-U
        case .delete, .char("\u{04}"): return .deleteForward   // Del, Ctrl-D
        case .left, .char("\u{02}"): return .moveCursor(.left)   // Ctrl-B, as in readline
        case .right, .char("\u{06}"): return .moveCursor(.right) // Ctrl-F
        case .home, .char("\u{01}"): return .moveCursor(.home)   // Ctrl-A
        case .end, .char("\u{05}"): return .moveCursor(.end)     // Ctrl-E
        case let .char(c) where isPrintable(c): return .type(c)
        default: return nil
        }
    }

    /// PgUp/PgDn in scrolling views; the reducer turns it into "one screen" using the viewport.
    static let pageStep = 1_000_000

    private static func isPrintable(_ c: Character) -> Bool {
        guard let scalar = c.unicodeScalars.first else { return false }
        return scalar.value >= 0x20 && scalar.value != 0x7f && !(0x80...0x9f).contains(scalar.value)
    }

    private static func mouseAction(_ event: MouseEvent, state: TopState, hits: [HitRegion]) -> Action? {
        let scrolling = state.overlay == .help || { if case .logs = state.screen { return true }; return false }()
        switch event.kind {
        case .wheelUp: return scrolling ? .scroll(-3) : .move(-1)
        case .wheelDown: return scrolling ? .scroll(3) : .move(1)
        case .release:
            return state.dragging != nil ? .sliderRelease : nil
        case .motion:
            guard let name = state.dragging,
                  let slider = hits.first(where: { if case .slider(name, _) = $0.target { return true }; return false })
            else { return nil }
            return .sliderDrag(name: name, cores: cores(at: event.x, on: slider))
        case .press:
            guard let hit = hits.last(where: { $0.contains(x: event.x, y: event.y) }) else { return nil }
            switch hit.target {
            case .slider(let name, _): return .sliderPress(name: name, cores: cores(at: event.x, on: hit))
            case .row(let name): return .select(name)
            case .sortHeader(let column): return .sortBy(column)
            case .formField(let field): return .focusField(field)
            }
        }
    }

    static func cores(at x: Int, on slider: HitRegion) -> Double? {
        guard case let .slider(_, hostCores) = slider.target else { return nil }
        let cells = slider.width - 2
        return QuotaMath.cores(atCell: x - (slider.x + 1), cells: cells, hostCores: hostCores)
    }
}
