/// Quota arithmetic shared by the keys, the exact-value prompt and the slider: steps on a 0.05-core
/// grid, the clamping at both ends, and the mapping between slider cells and cores.
public enum QuotaMath {
    /// The fine step (←/→, h/l).
    public static let smallStep = 0.05
    /// The coarse step (H/L, PgUp/PgDn).
    public static let largeStep = 0.5
    /// The lowest quota the keys and the slider go to; the exact prompt accepts down to `minimumExact`.
    public static let minimumStep = 0.05
    /// The kernel's floor: a 1000 µs quota in a 100000 µs period.
    public static let minimumExact = 0.01

    private static let epsilon = 1e-9

    /// The quota after one step of `delta` cores from `current` (nil = unlimited) on a machine
    /// with `hostCores`. Steps land on the `smallStep` grid, so 0.33 → +0.05 gives 0.35.
    /// Going above the machine's cores means unlimited; stepping down from unlimited starts one
    /// step below the machine's cores. Never goes below `minimumStep` — nor up, on a step down
    /// from a quota set below it with the `=` prompt.
    public static func step(_ current: Double?, by delta: Double, hostCores: Int) -> Double? {
        let top = Double(hostCores)
        guard let current else {
            return delta < 0 ? clampLow(snap(top + delta)) : nil
        }
        let grid = smallStep
        let next: Double
        if delta > 0 {
            let below = (current / grid + epsilon).rounded(.down) * grid
            next = snap(below + delta)
            if next > top + epsilon { return nil }
        } else {
            let above = (current / grid - epsilon).rounded(.up) * grid
            next = snap(above + delta)
            return min(current, clampLow(next))
        }
        return clampLow(next)
    }

    /// Cores for a click or drag at `cell` (0-based) of a slider `cells` wide scaled to `hostCores`:
    /// the quota whose mark is drawn in that cell, rounded down to the 0.05 grid so the mark does
    /// not jump to the next cell. Cells left of the bar give the minimum; right of it, unlimited.
    public static func cores(atCell cell: Int, cells: Int, hostCores: Int) -> Double? {
        guard cells > 0 else { return nil }
        if cell >= cells { return nil }
        if cell < 0 { return minimumStep }
        let exact = Double(cell + 1) / Double(cells) * Double(hostCores)
        return clampLow(gridValue(Int((exact / smallStep + epsilon).rounded(.down))))
    }

    /// The cell in which a slider `cells` wide draws the mark for `cores`: the cell whose right
    /// edge the quota reaches (nil for unlimited).
    public static func markCell(cores: Double?, cells: Int, hostCores: Int) -> Int? {
        guard let cores, cells > 0 else { return nil }
        let position = cores / Double(hostCores) * Double(cells)
        let cell = Int((position - epsilon).rounded(.up)) - 1
        return min(max(cell, 0), cells - 1)
    }

    /// How many cells (fractional) a use of `cpuPercent` fills on a slider `cells` wide.
    public static func useCells(cpuPercent: Double, cells: Int, hostCores: Int) -> Double {
        let fraction = cpuPercent / 100 / Double(hostCores)
        return min(max(fraction, 0), 1) * Double(cells)
    }

    /// Parses what was typed at the `=` prompt: cores ("0.3", "1.5"), percent of one core ("30%"),
    /// or unlimited ("0", "u", "unlimited", "max", "inf", "∞", "-1"). Returns .success(nil) for unlimited.
    /// At most `hostCores` (the machine's CPUs, as the Engine and docker allow).
    public static func parse(_ text: String, hostCores: Int) -> Result<Double?, QuotaInputError> {
        let t = text.trimmingSpaces().lowercased()
        if ["0", "u", "unlimited", "max", "inf", "∞", "-1", "none"].contains(t) { return .success(nil) }
        var number = t
        var scale = 1.0
        if number.hasSuffix("%") {
            number.removeLast()
            scale = 0.01
        } else if number.hasSuffix("c") || number.hasSuffix("cores") {
            number = String(number.prefix(while: { $0 != "c" }))
        }
        let digits = number.trimmingSpaces()
        // Plain decimals only: Double("0x1") is 1 and Double("1e0") is 1 too, which nobody
        // typing a quota means.
        let unsigned = digits.hasPrefix("-") ? digits.dropFirst() : Substring(digits)
        guard !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(digits), value.isFinite else {
            return .failure(.notANumber(text))
        }
        let cores = value * scale
        // However it is written (0.0, -0, 0%), zero is the "0 = unlimited" the prompt offers.
        if cores == 0 { return .success(nil) }
        let most = Double(max(hostCores, 1))
        if cores < minimumExact - epsilon || cores > most + epsilon {
            return .failure(.outOfRange(text, most: most))
        }
        return .success((cores * 100).rounded() / 100)
    }

    private static func snap(_ value: Double) -> Double { gridValue(Int((value / smallStep).rounded())) }
    /// n steps of 0.05 as the double nearest to the decimal (n × 5 / 100, not n × 0.05, which drifts).
    private static func gridValue(_ steps: Int) -> Double { Double(steps * 5) / 100 }
    private static func clampLow(_ value: Double) -> Double { max(value, minimumStep) }
}

/// Why the `=` prompt refused a value; its description goes to the status line.
public enum QuotaInputError: Error, Equatable, CustomStringConvertible {
    case notANumber(String)
    case outOfRange(String, most: Double)

    public var description: String {
        switch self {
        case let .notANumber(text):
            return "not a quota: \"\(text)\" (try 0.5, 50%, or 0 for unlimited)"
        case let .outOfRange(text, most):
            return "quota \(text) out of range (\(QuotaMath.minimumExact) to \(Int(most)) cores)"
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (FoundationEssentials-free).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
