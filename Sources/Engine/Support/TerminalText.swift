/// Characters that steer a terminal instead of showing: text from outside (an argument, a
/// container's command, a damaged file) is printed with these escaped, so it can't put line
/// breaks, escape sequences or reversed text into whoever reads it.
public enum TerminalText {
    /// C0 controls, DEL and the C1 controls (0x80-0x9f: CSI and friends on some terminals).
    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7f...0x9f).contains(s.value)
    }

    /// Bidirectional marks, overrides and isolates, and the line and paragraph separators.
    public static func reorders(_ s: Unicode.Scalar) -> Bool {
        (0x200e...0x200f).contains(s.value) || (0x202a...0x202e).contains(s.value)
            || (0x2066...0x2069).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }
}
