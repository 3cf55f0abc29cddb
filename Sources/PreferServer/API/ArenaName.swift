import Foundation

/// Arena names appear in URLs (`/api/arenas/{arena}`, `/arenas/{arena}/vote`):
/// 1–64 ASCII letters, digits, '-', '_' or '.', and not a plain number (which
/// would read as an id).
public enum ArenaName {
    @discardableResult
    public static func validate(_ name: String) throws -> String {
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }),
              Int64(name) == nil else {
            throw APIError.invalidField("name", "name must be 1–64 letters, digits, '-', '_' or '.', not a plain number (it is used in URLs); got \"\(name)\".")
        }
        return name
    }
}
