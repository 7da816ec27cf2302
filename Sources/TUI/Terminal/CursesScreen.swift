#if canImport(Glibc)
import Glibc
#endif
import CNcurses

/// The only place that talks to ncurses for output: starts and ends curses, picks the colour
/// depth, and paints frames (only the rows that changed, one `doupdate` per frame).
final class CursesScreen {
    let caps: Capabilities
    private var screen: OpaquePointer?
    private var previous: Frame?
    private var looks: [Style: (attrs: attr_t, pair: Int16)] = [:]
    private var pairs: [Look: Int16] = [:]
    private var open = false
    /// Whether drag reporting has been switched on since curses last (re)started.
    private var dragReporting = false

    /// Sets the locale (before curses, so wide characters work), starts curses on the terminal,
    /// and decides between UTF-8 and ASCII drawing and the colour depth.
    init(noColor: Bool) throws {
        try requireTerminal()
        setlocale(LC_ALL, "")
        let utf8 = cn_locale_is_utf8() != 0
        // newterm, unlike initscr, returns NULL instead of exiting on an unknown TERM.
        guard let screen = newterm(nil, stdout, stdin) else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw TopError("cannot use terminal type \(term)")
        }
        set_term(screen)
        guard cn_has_cursor_addressing() != 0 else {
            endwin()
            delscreen(screen)
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw TopError("terminal type \(term) can't move the cursor; set TERM to your terminal's (e.g. xterm-256color)")
        }
        self.screen = screen
        open = true
        cbreak()
        noecho()
        nonl()
        intrflush(cn_stdscr(), false)
        keypad(cn_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        mousemask(cn_mouse_all(), nil)
        mouseinterval(0)  // report press and release at once, no click detection delay
        cn_bracketed_paste(1)

        let noColorEnv = getenv("NO_COLOR").map { String(cString: $0) }
        var colors = 0
        if Capabilities.wantsColor(noColorOption: noColor, noColorEnv: noColorEnv) && has_colors() {
            start_color()
            use_default_colors()
            colors = Capabilities.colorDepth(terminalColors: Int(cn_colors()))
        }
        caps = Capabilities(utf8: utf8, colors: colors)
    }

    var size: TermSize { TermSize(cols: Int(cn_cols()), rows: Int(cn_lines())) }

    /// Paints `frame`, skipping rows equal to the last painted frame's.
    func paint(_ frame: Frame) {
        let win = cn_stdscr()
        let sameShape = previous.map { $0.width == frame.width && $0.height == frame.height } ?? false
        if !sameShape { werase(win) }
        var run: [wchar_t] = []
        run.reserveCapacity(frame.width + 1)
        for y in 0..<frame.height {
            if sameShape, let previous, rowEqual(previous, frame, y) { continue }
            var x = 0
            while x < frame.width {
                let style = frame[x, y].style
                run.removeAll(keepingCapacity: true)
                var end = x
                while end < frame.width, frame[end, y].style == style {
                    run.append(wchar_t(bitPattern: frame[end, y].scalar.value))
                    end += 1
                }
                let look = lookFor(style)
                wattr_set(win, look.attrs, look.pair, nil)
                run.append(0)
                // Writing the bottom-right cell returns ERR (the cursor can't advance) but draws it.
                _ = mvwaddnwstr(win, Int32(y), Int32(x), run, Int32(end - x))
                x = end
            }
        }
        wattr_set(win, cn_a_normal(), 0, nil)
        wnoutrefresh(win)
        doupdate()
        if !dragReporting {
            cn_mouse_drag(1)
            dragReporting = true
        }
        previous = frame
    }

    /// The next paint redraws everything (after a resize, a shell, or Ctrl-L).
    func invalidate() {
        previous = nil
        clearok(cn_stdscr(), true)
    }

    /// Leaves curses so another program can use the terminal; `resume` comes back.
    func suspend() {
        cn_bracketed_paste(0)
        cn_mouse_drag(0)
        dragReporting = false
        def_prog_mode()
        endwin()
    }

    func resume() {
        reset_prog_mode()
        cn_bracketed_paste(1)
        invalidate()
        refresh()
    }

    /// Ends curses and gives the terminal back as it was. Safe to call twice.
    func close() {
        guard open else { return }
        open = false
        cn_bracketed_paste(0)
        cn_mouse_drag(0)
        mousemask(0, nil)
        curs_set(1)
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
    }

    deinit { close() }

    private func rowEqual(_ a: Frame, _ b: Frame, _ y: Int) -> Bool {
        let start = y * a.width
        for i in start..<(start + a.width) where a.cells[i] != b.cells[i] { return false }
        return true
    }

    private func lookFor(_ style: Style) -> (attrs: attr_t, pair: Int16) {
        if let known = looks[style] { return known }
        let look = Palette.look(style, colors: caps.colors)
        var attrs = cn_a_normal()
        if look.bold { attrs |= cn_a_bold() }
        if look.dim { attrs |= cn_a_dim() }
        if look.reverse { attrs |= cn_a_reverse() }
        if look.underline { attrs |= cn_a_underline() }
        var pair: Int16 = 0
        if caps.colors > 0 && (look.fg != -1 || look.bg != -1) {
            var colourOnly = look
            colourOnly.bold = false; colourOnly.dim = false; colourOnly.reverse = false; colourOnly.underline = false
            if let known = pairs[colourOnly] {
                pair = known
            } else if pairs.count + 1 < Int(cn_color_pairs()) {
                pair = Int16(pairs.count + 1)
                init_pair(pair, look.fg, look.bg)
                pairs[colourOnly] = pair
            }
        }
        looks[style] = (attrs, pair)
        return (attrs, pair)
    }
}
