/// `?`: every key, the mouse, and how to read a slider.
enum HelpView {
    /// Where the descriptions start: every key text must end at least one column before.
    static let keyWidth = 15

    static func entries(_ g: Glyphs, onQuit: String) -> [(String, String)] {
        let up = g.ascii ? "up dn" : "↑ ↓"
        let lr = g.ascii ? "<- ->" : "← →"
        return [
            ("\(up)  j k", "select container"),
            ("Home End g G", "first / last"),
            ("Ctrl-F Ctrl-B", "page; detail: files"),
            ("\(lr)  h l", "quota -/+ 0.05 core"),
            ("H L PgDn PgUp", "quota -/+ 0.5 core"),
            ("0  u", "unlimited quota"),
            ("=", "type quota (0.3, 30%)"),
            ("Enter", "detail: graphs, files"),
            ("n", "new container"),
            ("s", "stop / start"),
            ("p", "pause / resume"),
            ("K  F9", "kill (SIGKILL)"),
            ("d  Del", "remove (asks first)"),
            ("o", "logs (output)"),
            ("e", "shell in container"),
            ("/", "filter rows"),
            ("< >  F6", "sort column"),
            ("r", "reverse the sort"),
            ("+ -", "refresh slower/faster"),
            ("?  F1", "this help"),
            ("Esc", "back, clear filter"),
            ("q  F10", "quit; " + onQuit),
            ("Ctrl-L", "redraw"),
        ]
    }

    static func legend(_ g: Glyphs) -> [[(String, Role)]] {
        let q = String(Character(g.quotaMark))
        let full = String(Character(g.full))
        let forbidden = String(Character(g.forbidden))
        let left = String(Character(g.sliderLeft)), right = String(Character(g.sliderRight))
        return [
            [("Slider  ", .bold), (left, .border), (full + full + full, .useLow), ("  ", .sliderTrack), (q, .quotaMark),
             (forbidden + forbidden + forbidden + forbidden, .forbidden), (right, .border),
             ("  use, quota mark, CPU above the quota; 0 to all cores", .normal)],
            [("Mouse   ", .bold), ("click a row to select it; click or drag on a slider to set the quota", .normal)],
            [("        ", .normal), ("(its right end = unlimited); click a column title to sort.", .normal)],
            [("Typing  ", .bold), ("in the form and the = / prompts: \(g.ascii ? "<- ->" : "← →") Home End move, Del and Ctrl-W", .normal)],
            [("        ", .normal), ("erase, Ctrl-U clears; Tab \(g.ascii ? "up dn" : "↑ ↓") change field", .normal)],
            [("Kernel  ", .bold), ("a quota change is written at once; the status line shows what was", .normal)],
            [("        ", .normal), ("written where. CPU% 100 = one core. THR% = periods throttled.", .normal)],
        ]
    }

    static func draw(_ state: TopState, into frame: inout Frame, glyphs: Glyphs) {
        let items = entries(glyphs, onQuit: state.onQuit)
        let legendLines = legend(glyphs)
        let columns = frame.width >= 80 ? 2 : 1
        let perColumn = (items.count + columns - 1) / columns
        let columnWidth = frame.width / columns
        var lines: [[(String, Role, Int)]] = []  // (text, role, x)
        for row in 0..<perColumn {
            var line: [(String, Role, Int)] = []
            for col in 0..<columns {
                let i = col * perColumn + row
                guard i < items.count else { continue }
                let x = col * columnWidth + 1
                line.append((items[i].0, .key, x))
                line.append((glyphs.fit(items[i].1, columnWidth - keyWidth - 2), .normal, x + keyWidth))
            }
            lines.append(line)
        }
        lines.append([])
        for legendLine in legendLines {
            var x = 1
            var line: [(String, Role, Int)] = []
            for (text, role) in legendLine {
                line.append((text, role, x))
                x += text.unicodeScalars.count
            }
            lines.append(line)
        }

        let top = 2
        let room = frame.height - 2 - top
        let start = min(state.scroll, max(0, lines.count - room))
        frame.put(" Keys", x: 0, y: 1, style: Style(.bold))
        if lines.count > room {
            frame.put("(\(g(glyphs)) to scroll) ", x: frame.width - 18, y: 1, style: Style(.dim))
        }
        for (i, line) in lines[start...].prefix(room).enumerated() {
            for (text, role, x) in line {
                frame.put(text, x: x, y: top + i, style: Style(role), limit: frame.width - x)
            }
        }
    }

    private static func g(_ glyphs: Glyphs) -> String { glyphs.ascii ? "up/dn" : "↑↓" }
}
