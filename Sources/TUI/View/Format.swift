/// Number and time formatting for the table (without Foundation's formatters).
public enum Format {
    /// `value` with exactly `decimals` decimals, rounded half away from zero.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "?" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let negative = value < 0 && scaled != 0
        guard scaled < 9e15 else { return String(Int(value)) }
        let units = Int(scaled)
        let whole = units / Int(scale)
        var text = (negative ? "-" : "") + String(whole)
        if decimals > 0 {
            var frac = String(units % Int(scale))
            while frac.count < decimals { frac = "0" + frac }
            text += "." + frac
        }
        return text
    }

    /// Cores with two decimals: "0.50", "1.25".
    public static func cores(_ value: Double) -> String { fixed(value, 2) }

    /// The QUOTA column: cores, or ∞ (ASCII "inf") for unlimited.
    public static func quota(_ cores: Double?, ascii: Bool) -> String {
        guard let cores else { return ascii ? "inf" : "∞" }
        return Format.cores(cores)
    }

    /// CPU%: one decimal below 100, none above (the column stays narrow).
    public static func percent(_ value: Double) -> String {
        value < 99.95 ? fixed(value, 1) : fixed(value, 0)
    }

    /// Uptime: "42s", "3m12s", "2h05m", "3d04h".
    public static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(pad2(s % 60))s" }
        if s < 86400 { return "\(s / 3600)h\(pad2(s / 60 % 60))m" }
        return "\(s / 86400)d\(pad2(s / 3600 % 24))h"
    }

    /// Cumulative throttled time: "0", "450ms", "12.3s", "3m12s", ...
    public static func throttledTime(_ ns: UInt64) -> String {
        if ns == 0 { return "0" }
        if ns < 1_000_000 { return "<1ms" }
        if ns < 1_000_000_000 { return "\(ns / 1_000_000)ms" }
        let seconds = Double(ns) / 1e9
        if seconds < 60 { return fixed(seconds, 1) + "s" }
        return duration(seconds)
    }

    /// A refresh interval: "0.25s", "0.5s", "1s".
    public static func seconds(_ value: Double) -> String {
        var text = fixed(value, 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "s"
    }

    /// "0 containers", "1 container", "2 containers" (`noun` takes a plain "s").
    public static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    /// `text` right-aligned in `width` columns (cut from the left if longer).
    static func right(_ text: String, _ width: Int) -> String {
        let n = text.unicodeScalars.count
        if n >= width { return String(String.UnicodeScalarView(text.unicodeScalars.suffix(width))) }
        return String(repeating: " ", count: width - n) + text
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
