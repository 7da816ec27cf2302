/// The drawing characters, in UTF-8 and in the ASCII fallback used when the locale isn't UTF-8.
public struct Glyphs: Sendable {
    public let ascii: Bool
    let sliderLeft: Unicode.Scalar
    let sliderRight: Unicode.Scalar
    let full: Unicode.Scalar
    /// Left-aligned partial cells for horizontal bars, 1/8 to 7/8 (ASCII: nothing below half, then '#').
    let horizontalEighths: [Unicode.Scalar]
    /// Sparkline levels, lowest to highest.
    let levels: [Unicode.Scalar]
    /// Bottom-aligned partial cells for the graphs, 1/8 to 7/8.
    let verticalEighths: [Unicode.Scalar]
    let quotaMark: Unicode.Scalar
    let forbidden: Unicode.Scalar
    let hLine: Unicode.Scalar
    let vLine: Unicode.Scalar
    let topLeft: Unicode.Scalar
    let topRight: Unicode.Scalar
    let bottomLeft: Unicode.Scalar
    let bottomRight: Unicode.Scalar
    let axisTick: Unicode.Scalar
    let cursor: Unicode.Scalar
    let infinity: String
    let ellipsis: String
    let arrow: String
    let dot: String
    let upDown: String
    let leftRight: String

    public static let utf8 = Glyphs(
        ascii: false, sliderLeft: "▕", sliderRight: "▏", full: "█",
        horizontalEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        verticalEighths: ["▁", "▂", "▃", "▄", "▅", "▆", "▇"],
        quotaMark: "┃", forbidden: "░", hLine: "─", vLine: "│",
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", axisTick: "┤", cursor: "█",
        infinity: "∞", ellipsis: "…", arrow: "←", dot: "·", upDown: "↑↓", leftRight: "←→")

    public static let ascii = Glyphs(
        ascii: true, sliderLeft: "[", sliderRight: "]", full: "#",
        horizontalEighths: [" ", " ", " ", "#", "#", "#", "#"],
        levels: ["_", ".", "-", ":", "=", "+", "*", "#"],
        verticalEighths: [".", ".", ".", ":", ":", ":", ":"],
        quotaMark: "|", forbidden: ".", hLine: "-", vLine: "|",
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", axisTick: "+", cursor: "_",
        infinity: "inf", ellipsis: "~", arrow: "<-", dot: "-", upDown: "up/dn", leftRight: "lt/rt")

    public static func forCapabilities(_ caps: Capabilities) -> Glyphs { caps.utf8 ? .utf8 : .ascii }

    /// `text` cut to `width` columns, ending in an ellipsis when cut.
    func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let scalars = Array(text.unicodeScalars)
        if scalars.count <= width { return text }
        let marker = ellipsis.unicodeScalars.count
        if width <= marker { return String(String.UnicodeScalarView(scalars.prefix(width))) }
        return String(String.UnicodeScalarView(scalars.prefix(width - marker))) + ellipsis
    }
}
