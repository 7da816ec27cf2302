import Engine
import FoundationEssentials

/// Plain-text formatting for the CLI's tables.
enum Format {
    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for r in rows { for (i, cell) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for r in rows {
            var line = ""
            for (i, cell) in r.enumerated() {
                line += i == r.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 3)
            }
            out += line + "\n"
        }
        return out
    }

    static func cores(_ c: Double) -> String {
        var s = String(Double((c * 1000).rounded()) / 1000)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    static func age(since date: Date) -> String {
        duration(max(0, Date().timeIntervalSince(date)))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h\((s % 3600) / 60)m" }
        return "\(s / 86400)d\((s % 86400) / 3600)h"
    }

    static func percent(_ p: Double) -> String {
        String(format1: p) + "%"
    }
}

extension String {
    /// One decimal, without Foundation's String(format:).
    init(format1 v: Double) {
        let tenths = Int((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        self = sign + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}

/// A container's argv as one line a person can read and a terminal can't be steered by.
enum CommandText {
    /// Shell-like, for reading (not for pasting into a shell): an argument with spaces or
    /// shell characters in single quotes; control characters, backslashes and the Unicode
    /// controls that reorder or break lines C-style (`\n`, `\\`, `\x1b`, `\u{202e}`): a
    /// container's arguments must not put line breaks, escape sequences or reversed text
    /// into whoever lists it.
    static func line(_ argv: [String]) -> String {
        argv.map(argument).joined(separator: " ")
    }

    /// `line`, cut to `limit` characters with "…" (docker's ps shortens its COMMAND too).
    static func line(_ argv: [String], limit: Int) -> String {
        let text = line(argv)
        guard text.unicodeScalars.count > limit else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit - 1))) + "…"
    }

    static func argument(_ arg: String) -> String {
        var shown = ""
        var needsQuotes = arg.isEmpty
        for s in arg.unicodeScalars {
            switch s {
            case "\n": shown += "\\n"; needsQuotes = true
            case "\t": shown += "\\t"; needsQuotes = true
            case "\r": shown += "\\r"; needsQuotes = true
            case "'": shown += "'\\''"; needsQuotes = true
            case "\\": shown += "\\\\"; needsQuotes = true
            case _ where TerminalText.reorders(s):
                shown += "\\u{" + String(s.value, radix: 16) + "}"; needsQuotes = true
            case _ where TerminalText.isControl(s):
                let hex = String(s.value, radix: 16)
                shown += "\\x" + (hex.count < 2 ? "0" : "") + hex
                needsQuotes = true
            default:
                shown.unicodeScalars.append(s)
                if !Self.plain(s) { needsQuotes = true }
            }
        }
        return needsQuotes ? "'" + shown + "'" : shown
    }

    /// Characters that need no quoting in a shell word.
    private static func plain(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ":", "=", "+", ",", "@", "%": return true
        default: return s.value >= 0xa0
        }
    }
}
