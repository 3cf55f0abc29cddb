import Foundation

/// Writes a JSON object by hand, for the hot paths (battles and votes) where
/// Foundation's JSONEncoder would cost more than the rest of the request.
/// Keys are written in the order given; strings are escaped per RFC 8259
/// (plus U+2028/2029 for script contexts).
struct JSONWriter {
    private(set) var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\"" + name + "\":"
    }

    mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        text += JSONWriter.quoted(value)
    }

    mutating func int(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func int64(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    mutating func date(_ name: String, _ value: Date) {
        key(name)
        text += "\"" + JSONWriter.iso8601(value) + "\""
    }

    mutating func strings(_ name: String, _ values: [String]) {
        key(name)
        text += "[" + values.map(JSONWriter.quoted).joined(separator: ",") + "]"
    }

    mutating func stringMap(_ name: String, _ values: [String: String]) {
        key(name)
        text += "{" + values.keys.sorted().map { JSONWriter.quoted($0) + ":" + JSONWriter.quoted(values[$0]!) }.joined(separator: ",") + "}"
    }

    mutating func object(_ name: String, _ build: (inout JSONWriter) -> Void) {
        key(name)
        var inner = JSONWriter()
        build(&inner)
        text += inner.finished
    }

    var finished: String { text + "}" }

    /// `2026-11-27T02:30:46Z` (UTC, whole seconds), as JSONEncoder's
    /// `.iso8601` writes it, without Foundation's formatter.
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// A JSON string literal. Works on UTF-8 bytes: text with nothing to
    /// escape (the common case) is copied as it is.
    static func quoted(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes -> String in
            var clean = true
            for (i, b) in bytes.enumerated() {
                if b < 0x20 || b == 0x22 || b == 0x5C
                    || (b == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)) {
                    clean = false
                    break
                }
            }
            var out = [UInt8]()
            out.reserveCapacity(bytes.count + (clean ? 2 : 16))
            out.append(0x22)
            if clean {
                out.append(contentsOf: bytes)
            } else {
                let hex = Array("0123456789abcdef".utf8)
                var i = 0
                while i < bytes.count {
                    let b = bytes[i]
                    switch b {
                    case 0x22: out.append(contentsOf: [0x5C, 0x22])
                    case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                    case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                    case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                    case 0x09: out.append(contentsOf: [0x5C, 0x74])
                    case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                        out.append(contentsOf: Array((bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                        i += 2
                    default:
                        if b < 0x20 {
                            out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                        } else {
                            out.append(b)
                        }
                    }
                    i += 1
                }
            }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
    }
}
