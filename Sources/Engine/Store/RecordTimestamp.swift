import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The `created` time of a record as `state.json` holds it: ISO 8601 in UTC to the second,
/// `2026-11-29T08:06:09Z` — what `JSONEncoder`'s `.iso8601` strategy writes, so records written
/// either way read the same. Done by hand with `gmtime_r`/`timegm` because the strategy builds a
/// calendar and a format style on first use: 3 % of a whole `corral run --rm`.
enum RecordTimestamp {
    static func text(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        guard gmtime_r(&seconds, &t) != nil else { return "1970-01-01T00:00:00Z" }
        func digits(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return digits(t.tm_year + 1900, 4) + "-" + digits(t.tm_mon + 1, 2) + "-" + digits(t.tm_mday, 2)
            + "T" + digits(t.tm_hour, 2) + ":" + digits(t.tm_min, 2) + ":" + digits(t.tm_sec, 2) + "Z"
    }

    /// nil unless `text` is exactly `YYYY-MM-DDTHH:MM:SSZ` with fields in range.
    static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              b[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int32? {
            var n: Int32 = 0
            for c in b[from..<from + count] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int32(c - UInt8(ascii: "0"))
            }
            return n
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var t = tm()
        t.tm_year = year - 1900
        t.tm_mon = month - 1
        t.tm_mday = day
        t.tm_hour = hour
        t.tm_min = minute
        t.tm_sec = second
        let seconds = timegm(&t)
        // timegm normalises out-of-range days (Feb 30 → Mar 2); a real timestamp round-trips.
        guard t.tm_mday == day, t.tm_mon == month - 1 else { return nil }
        return Date(timeIntervalSince1970: Double(seconds))
    }
}
