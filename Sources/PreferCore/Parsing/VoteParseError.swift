/// A bad row (or a bad file) found while parsing votes: where it is and what is
/// wrong, printed as `votes.jsonl:1042: winner "modle_a" is not one of …`.
public struct VoteParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name as given (`votes.jsonl`, `-`, `<stdin>`).
    public var source: String
    /// The 1-based line number in the file (for a JSON array, the line where
    /// the offending object starts; for CSV, the record's first physical line).
    public var line: Int
    /// The offending field, if the problem is one field.
    public var field: String?
    /// What is wrong, without the location.
    public var message: String

    public init(source: String, line: Int, field: String? = nil, message: String) {
        self.source = source
        self.line = line
        self.field = field
        self.message = message
    }

    /// `SOURCE:LINE: MESSAGE`.
    public var description: String { "\(source):\(line): \(message)" }
}
