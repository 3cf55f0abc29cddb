/// A condition `FIELD=VALUE` on a vote's field, compared as text: JSON strings
/// unescaped, numbers and `true`/`false` as their literal text, CSV cells as
/// they are. A vote missing the field fails the filter.
///
/// Several filters on the same field are alternatives (OR); filters on
/// different fields must all hold (AND). Matching a row costs O(length of the
/// value) per filter.
public struct FieldFilter: Sendable, Hashable, CustomStringConvertible {
    /// The field (JSON key or CSV column) to test.
    public var field: String
    /// The text the field must equal.
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }

    /// Parses `FIELD=VALUE` (split at the first `=`; the value may be empty,
    /// the field may not). Returns nil without an `=` or with an empty field.
    public init?(parsing text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let field = String(text[..<equals])
        guard !field.isEmpty else { return nil }
        self.init(field: field, value: String(text[text.index(after: equals)...]))
    }

    public var description: String { "\(field)=\(value)" }
}
