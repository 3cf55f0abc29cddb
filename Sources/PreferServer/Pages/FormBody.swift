import Foundation

/// An `application/x-www-form-urlencoded` body: name=value pairs joined by
/// `&`, `+` for space, percent-encoded bytes. Names may repeat; `first`
/// returns the first value.
struct FormBody: Sendable {
    var fields: [(name: String, value: String)]

    init(_ text: String) {
        fields = text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            return (name, value)
        }
    }

    func first(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Fields whose name starts with `prefix`, the prefix removed.
    func withPrefix(_ prefix: String) -> [(name: String, value: String)] {
        fields.compactMap { $0.name.hasPrefix(prefix) ? (String($0.name.dropFirst(prefix.count)), $0.value) : nil }
    }

    /// Percent-decoding with `+` as space; malformed escapes are kept as text.
    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
