import Foundation
import PreferCore

extension ArenaRules {
    /// An arena's licence: free text of 1–200 characters (an SPDX identifier
    /// such as `CC-BY-4.0` is the usual choice) without control characters
    /// (it is one line of the dataset card), surrounding spaces trimmed. An
    /// empty text is nil at creation and, in a change, `""` (which clears it).
    public static func license(_ text: String?, clearing: Bool = false) throws -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return clearing ? "" : nil }
        guard trimmed.unicodeScalars.count <= 200, !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw PreferError.invalidField(
                "license", "license must be one line of at most 200 characters, e.g. \"CC-BY-4.0\"; got \"\(text.prefix(60))…\".")
        }
        return trimmed
    }
}
