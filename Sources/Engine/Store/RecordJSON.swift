/// `state.json`'s bytes for a record: exactly what `JSONEncoder` writes with `.prettyPrinted`,
/// `.sortedKeys` and `RecordTimestamp` dates (RecordJSONTests compares the two on every field
/// and on fuzzed records), so `JSONDecoder` reads it as it reads any record. Written by hand
/// because the encoder's first use in a process instantiates its generic machinery: 0.26 ms of
/// a 5 ms `corral run --rm`, for the one record that process writes (bench/FINDINGS.md).
enum RecordJSON {
    static func encode(_ r: ContainerRecord) -> [UInt8] {
        var w = PrettyJSONWriter()
        w.beginObject()
        w.key("autoRemove"); w.bool(r.autoRemove)
        w.key("capabilities"); w.strings(r.capabilities)
        w.key("cgroup"); w.beginObject()
        w.key("relative"); w.string(r.cgroup.relative)
        w.end("}")
        w.key("command"); w.strings(r.command)
        w.key("created"); w.string(RecordTimestamp.text(r.created))
        w.key("detached"); w.bool(r.detached)
        w.key("env"); w.strings(r.env)
        w.key("gid"); w.number(Int64(r.gid))
        if let groups = r.groups {
            w.key("groups"); w.beginArray()
            for g in groups { w.element(); w.number(Int64(g)) }
            w.end("]")
        }
        w.key("hostname"); w.string(r.hostname)
        w.key("id"); w.string(r.id)
        if let image = r.image { w.key("image"); w.string(image) }
        w.key("interactive"); w.bool(r.interactive)
        w.key("limits"); w.beginObject()
        w.key("cpu"); w.beginObject()
        w.key("periodUs"); w.number(r.limits.cpu.periodUs)
        if let quota = r.limits.cpu.quotaUs { w.key("quotaUs"); w.number(quota) }
        w.end("}")
        if let bytes = r.limits.memoryBytes { w.key("memoryBytes"); w.number(bytes) }
        if let pids = r.limits.pidsMax { w.key("pidsMax"); w.number(pids) }
        w.end("}")
        w.key("name"); w.string(r.name)
        w.key("network"); w.string(r.network.rawValue)
        w.key("rootfs"); w.string(r.rootfs)
        w.key("rootfsIsOverlay"); w.bool(r.rootfsIsOverlay)
        w.key("tty"); w.bool(r.tty)
        w.key("uid"); w.number(Int64(r.uid))
        w.key("workdir"); w.string(r.workdir)
        w.end("}")
        return w.bytes
    }
}

/// JSON laid out as Foundation's pretty printer does: two spaces a level, `"key" : value`, an
/// empty container as an opening line, an empty line and its close; `/` escaped as `\/`.
struct PrettyJSONWriter {
    private(set) var bytes: [UInt8] = []
    private var depth = 0
    /// Nothing written yet in the innermost open container.
    private var empty = true

    init() { bytes.reserveCapacity(1024) }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }

    mutating func end(_ close: Unicode.Scalar) {
        depth -= 1
        if empty { bytes.append(UInt8(ascii: "\n")) }
        newline()
        bytes.append(UInt8(ascii: close))
        empty = false
    }

    mutating func key(_ name: String) {
        element()
        string(name)
        bytes += [0x20, UInt8(ascii: ":"), 0x20]
    }

    /// Before each value in an array (key() does it in an object).
    mutating func element() {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        newline()
        empty = false
    }

    mutating func strings(_ values: [String]) {
        beginArray()
        for v in values { element(); string(v) }
        end("]")
    }

    mutating func bool(_ value: Bool) { bytes += Array((value ? "true" : "false").utf8) }
    mutating func number(_ value: Int64) { bytes += Array(String(value).utf8) }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes += [UInt8(ascii: "\\"), b]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0..<0x20:
                let hex = Hex.digits
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func open(_ byte: UInt8) {
        bytes.append(byte)
        depth += 1
        empty = true
    }

    private mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<depth { bytes += [0x20, 0x20] }
    }
}
