/// The logs view is reloaded as the last N lines of the output, so while a person reads older
/// lines the window under them shifts: the view is kept still by counting how many lines a
/// reload added at the end.
enum LogWindow {
    /// How many lines `new` has after the end of `old`. Old's last line is left out of the
    /// search, as it may have been a half-written line that has grown since; the ones before it
    /// are found in `new` from the end — three when they are all still there (a repeated line
    /// alone can mislead), fewer when the window has moved past the others. 0 when none is
    /// there (the log was rotated past them or replaced): the view stays where it is rather
    /// than jump.
    static func linesAdded(old: [String], new: [String]) -> Int {
        let complete = old.dropLast()
        guard !complete.isEmpty else { return max(0, new.count - old.count) }
        for length in stride(from: min(3, complete.count), through: 1, by: -1) {
            let anchor = complete.suffix(length)
            var end = new.count
            while end >= length {
                // After the anchor, old had its last line; new has that line (grown or not) and what came after.
                if new[(end - length)..<end].elementsEqual(anchor) { return max(0, new.count - end - 1) }
                end -= 1
            }
        }
        return 0
    }
}
