/// Lowercase hexadecimal, written by hand: `String(_:radix:)` and a join per byte make generic
/// metadata on first use, and container ids are made at every start.
enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    static func string(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
