import Foundation
import PreferCore

/// Chat messages as the store keeps them: a JSON array of `{"role",
/// "content"}` in a text column (`prompts.messages`, `outputs.messages`,
/// `item_preferences.messages_a`/`_b`), nil for plain text.
enum ChatJSON {
    static func encode(_ text: PreferenceText?) -> String? {
        guard case .messages(let messages) = text else { return nil }
        var line = JSONLine()
        line.key("m")
        line.messages(messages)
        let bytes = line.finishedBytes()
        // {"m":[…]}\n → […]
        return String(decoding: bytes[5..<(bytes.count - 2)], as: UTF8.self)
    }

    /// The text as stored: its messages when the column has them, else the plain text.
    static func decode(text: String, messages: String?) -> PreferenceText {
        guard let messages, let parsed = try? JSONDecoder().decode([ConversationMessage].self, from: Data(messages.utf8)) else {
            return .plain(text)
        }
        return .messages(parsed)
    }
}
