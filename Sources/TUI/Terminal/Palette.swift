/// How each role looks at each colour depth: foreground, background (-1 = the terminal's
/// default) and attributes. Pure data; `CursesScreen` turns it into colour pairs.
struct Look: Hashable {
    var fg: Int16 = -1
    var bg: Int16 = -1
    var bold = false
    var dim = false
    var reverse = false
    var underline = false
}

enum Palette {
    /// Slider parts keep their colours on the selected row, so the bar stays readable.
    static func keepsColorWhenHighlighted(_ role: Role) -> Bool {
        switch role {
        case .sliderLow, .sliderMid, .sliderHigh, .sliderTrack, .quotaMark, .forbidden, .border: return true
        default: return false
        }
    }

    static func look(_ style: Style, colors: Int) -> Look {
        switch colors {
        case 256...: return look256(style)
        case 8...: return lookBasic(style, bright: colors >= 16)
        default: return lookMono(style)
        }
    }

    private static func look256(_ style: Style) -> Look {
        var l: Look
        switch style.role {
        case .normal: l = Look()
        case .dim: l = Look(fg: 245)
        case .bold: l = Look(fg: 255, bold: true)
        case .bar: l = Look(fg: 253, bg: 24)
        case .barKey: l = Look(fg: 221, bg: 24, bold: true)
        case .columnTitle: l = Look(fg: 252, bg: 239)
        case .columnTitleSorted: l = Look(fg: 221, bg: 239, bold: true)
        case .running: l = Look(fg: 78)
        case .paused: l = Look(fg: 179)
        case .exited: l = Look(fg: 244)
        case .created: l = Look(fg: 75)
        case .useLow: l = Look(fg: 78)
        case .useMid: l = Look(fg: 214)
        case .useHigh: l = Look(fg: 203, bold: true)
        case .sliderLow: l = Look(fg: 78, bg: 236)
        case .sliderMid: l = Look(fg: 214, bg: 236)
        case .sliderHigh: l = Look(fg: 203, bg: 236)
        case .sliderTrack: l = Look(fg: 242, bg: 236)
        case .quotaMark: l = Look(fg: 51, bold: true)
        case .forbidden: l = Look(fg: 239)
        case .throttled: l = Look(fg: 209)
        case .ok: l = Look(fg: 114)
        case .error: l = Look(fg: 203, bold: true)
        case .kernel: l = Look(fg: 110)
        case .key: l = Look(fg: 221, bold: true)
        case .border: l = Look(fg: 242)
        case .input: l = Look(fg: 255, bg: 238)
        case .inputCursor: l = Look(fg: 235, bg: 255)
        case .graphCPU: l = Look(fg: 42)
        case .graphThrottle: l = Look(fg: 203)
        }
        if style.highlight {
            if l.bg == -1 || !keepsColorWhenHighlighted(style.role) { l.bg = 238 }
            if l.fg == -1 { l.fg = 255 }
        }
        return l
    }

    private static func lookBasic(_ style: Style, bright: Bool) -> Look {
        let black: Int16 = 0, red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3, blue: Int16 = 4,
            magenta: Int16 = 5, cyan: Int16 = 6, white: Int16 = 7
        let grey: Int16 = bright ? 8 : white
        var l: Look
        switch style.role {
        case .normal: l = Look()
        case .dim: l = bright ? Look(fg: grey) : Look(dim: true)
        case .bold: l = Look(bold: true)
        case .bar: l = Look(fg: white, bg: blue)
        case .barKey: l = Look(fg: yellow, bg: blue, bold: true)
        case .columnTitle: l = Look(fg: black, bg: green)
        case .columnTitleSorted: l = Look(fg: black, bg: cyan, bold: true)
        case .running: l = Look(fg: green)
        case .paused: l = Look(fg: yellow)
        case .exited: l = bright ? Look(fg: grey) : Look(dim: true)
        case .created: l = Look(fg: blue, bold: true)
        case .useLow, .sliderLow, .graphCPU: l = Look(fg: green)
        case .useMid, .sliderMid: l = Look(fg: yellow)
        case .useHigh, .sliderHigh: l = Look(fg: red, bold: true)
        case .sliderTrack: l = bright ? Look(fg: grey) : Look(dim: true)
        case .quotaMark: l = Look(fg: cyan, bold: true)
        case .forbidden: l = bright ? Look(fg: grey) : Look(dim: true)
        case .throttled, .graphThrottle: l = Look(fg: magenta)
        case .ok: l = Look(fg: green)
        case .error: l = Look(fg: red, bold: true)
        case .kernel: l = Look(fg: cyan)
        case .key: l = Look(fg: yellow, bold: true)
        case .border: l = bright ? Look(fg: grey) : Look()
        case .input: l = Look(fg: white, bg: blue)
        case .inputCursor: l = Look(fg: black, bg: white)
        }
        if style.highlight && !keepsColorWhenHighlighted(style.role) {
            // Like htop: the whole selected row black on cyan.
            l = Look(fg: black, bg: cyan, bold: l.bold)
        }
        return l
    }

    private static func lookMono(_ style: Style) -> Look {
        var l: Look
        switch style.role {
        case .normal, .running, .useLow, .sliderLow, .graphCPU, .graphThrottle, .kernel, .ok, .created: l = Look()
        case .dim, .exited, .sliderTrack, .forbidden, .border: l = Look(dim: true)
        case .bold, .paused, .useMid, .sliderMid, .throttled, .key: l = Look(bold: true)
        case .useHigh, .sliderHigh, .error, .quotaMark: l = Look(bold: true)
        case .bar: l = Look(reverse: true)
        case .barKey: l = Look(bold: true, reverse: true)
        case .columnTitle: l = Look(underline: true)
        case .columnTitleSorted: l = Look(bold: true, underline: true)
        case .input: l = Look(underline: true)
        case .inputCursor: l = Look(reverse: true)
        }
        if style.highlight { l.reverse.toggle() }
        return l
    }
}
