/// The layout of a vote file: JSON Lines, one JSON array of objects, or CSV
/// with a header row.
public enum VoteFileFormat: String, Sendable, CaseIterable {
    case jsonLines
    case jsonArray
    case csv

    /// Guesses the format from the first non-whitespace byte (after a UTF-8
    /// byte-order mark): `[` is a JSON array, `{` is JSON Lines, anything else
    /// (including an empty input) is CSV. O(leading whitespace).
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> VoteFileFormat {
        var i = ByteScan.byteOrderMarkLength(bytes)
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                i += 1
            case UInt8(ascii: "["):
                return .jsonArray
            case UInt8(ascii: "{"):
                return .jsonLines
            default:
                return .csv
            }
        }
        return .csv
    }
}
