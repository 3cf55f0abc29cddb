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
        text += "\"" + value.formatted(.iso8601) + "\""
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

    /// A JSON string literal.
    static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
