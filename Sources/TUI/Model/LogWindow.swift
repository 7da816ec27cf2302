/// The logs view is reloaded as the last N lines of the output, so while a person reads older
/// lines the window under them shifts: the view is kept still by counting how many lines a
/// reload added at the end.
enum LogWindow {
    /// How many lines `new` has after the end of `old`: found by where old's last lines end in
    /// `new`, searching from the end — three of them when they are all still there (a repeated
    /// line alone can mislead), fewer when the window has moved past the others. All of `new`
    /// when none is there (the log was rotated past them or replaced).
    static func linesAdded(old: [String], new: [String]) -> Int {
        for length in stride(from: min(3, old.count), through: 1, by: -1) {
            let anchor = old.suffix(length)
            var end = new.count
            while end >= length {
                if new[(end - length)..<end].elementsEqual(anchor) { return new.count - end }
                end -= 1
            }
        }
        return new.count
    }
}
