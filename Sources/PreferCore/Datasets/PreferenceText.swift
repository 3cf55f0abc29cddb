import Foundation

/// One message of a conversation in a dataset (TRL's conversational format, OpenAI-style
/// chat): who speaks (`user`, `assistant`, `system`…) and what they say.
public struct ConversationMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A prompt or a completion as a dataset gives it: plain text (TRL's
/// standard format, HH-RLHF transcripts) or a list of chat messages (TRL's
/// conversational format). Kept as given, so an export writes back what was
/// read; `text` and `messages(role:)` convert between the two.
public enum PreferenceText: Sendable, Hashable {
    case plain(String)
    case messages([ConversationMessage])

    /// The text for standard (string) formats and for text features: plain
    /// text as is; a single message's content; several messages as an
    /// HH-RLHF-style transcript (`\n\nHuman: …\n\nAssistant: …`).
    public var text: String {
        switch self {
        case .plain(let text):
            return text
        case .messages(let messages):
            if messages.count == 1 { return messages[0].content }
            return HHTranscript.render(messages)
        }
    }

    /// Whether the dataset gave it as chat messages.
    public var isChat: Bool {
        if case .messages = self { return true }
        return false
    }

    /// The text as chat messages: messages as given; an HH-RLHF transcript
    /// split into its turns (Human → user, Assistant → assistant, with an
    /// empty trailing "Assistant:" turn dropped); other text as one message of
    /// `role`.
    public func messages(role: String) -> [ConversationMessage] {
        switch self {
        case .messages(let messages):
            return messages
        case .plain(let text):
            if let turns = HHTranscript.turns(text) {
                if !turns.isEmpty { return turns }
                return [ConversationMessage(role: role, content: "")]
            }
            return [ConversationMessage(role: role, content: text.trimmingLeadingSpace(role == "assistant"))]
        }
    }
}

extension String {
    /// Without one leading space when `apply` (HH-RLHF completions start with one).
    func trimmingLeadingSpace(_ apply: Bool) -> String {
        apply && hasPrefix(" ") ? String(dropFirst()) : self
    }
}

/// Anthropic's HH-RLHF transcripts: `"\n\nHuman: …\n\nAssistant: …"`.
///
/// Bai et al. 2022, "Training a Helpful and Harmless Assistant with RLHF":
/// each row's `chosen` and `rejected` are whole dialogues that share every
/// turn but the last Assistant turn. O(length) per call.
public enum HHTranscript {
    public static let human = "\n\nHuman:"
    public static let assistant = "\n\nAssistant:"

    /// Whether `text` is written as an HH-RLHF transcript.
    public static func looksLikeTranscript(_ text: String) -> Bool {
        text.hasPrefix(human) || text.hasPrefix("Human:") || text.hasPrefix(" Human:")
    }

    /// The shared prompt (up to and including the last `\n\nAssistant:` that
    /// both dialogues share) and each side's final turn, or nil when the two
    /// share no such prefix.
    public static func split(chosen: String, rejected: String) -> (prompt: String, chosen: String, rejected: String)? {
        let a = Array(chosen.utf8)
        let b = Array(rejected.utf8)
        var common = 0
        let limit = min(a.count, b.count)
        while common < limit && a[common] == b[common] { common += 1 }
        let marker = Array(assistant.utf8)
        // The last "\n\nAssistant:" that ends within the common prefix.
        var cut = -1
        var i = 0
        while i + marker.count <= common {
            if a[i] == marker[0] && Array(a[i..<(i + marker.count)]) == marker { cut = i + marker.count }
            i += 1
        }
        guard cut > 0 else { return nil }
        return (
            String(decoding: a[0..<cut], as: UTF8.self),
            String(decoding: a[cut...], as: UTF8.self),
            String(decoding: b[cut...], as: UTF8.self)
        )
    }

    /// The turns of a transcript, nil if `text` is not one. A trailing empty
    /// "Assistant:" (the cue for the completion) is dropped.
    public static func turns(_ text: String) -> [ConversationMessage]? {
        guard looksLikeTranscript(text) else { return nil }
        var body = text
        if !body.hasPrefix("\n\n") { body = "\n\n" + body.drop { $0 == " " } }
        var messages: [ConversationMessage] = []
        var rest = Substring(body)
        while !rest.isEmpty {
            let role: String
            if rest.hasPrefix(human) {
                role = "user"
                rest = rest.dropFirst(human.count)
            } else if rest.hasPrefix(assistant) {
                role = "assistant"
                rest = rest.dropFirst(assistant.count)
            } else {
                return nil
            }
            let next = nextTurn(in: rest)
            var content = String(rest[..<next])
            if content.hasPrefix(" ") { content.removeFirst() }
            messages.append(ConversationMessage(role: role, content: content))
            rest = rest[next...]
        }
        if let last = messages.last, last.role == "assistant", last.content.isEmpty { messages.removeLast() }
        return messages
    }

    private static func nextTurn(in text: Substring) -> Substring.Index {
        var index = text.startIndex
        while let range = text[index...].range(of: "\n\n") {
            let after = text[range.lowerBound...]
            if after.hasPrefix(human) || after.hasPrefix(assistant) { return range.lowerBound }
            index = range.upperBound
        }
        return text.endIndex
    }

    /// Messages written as a transcript: `\n\nHuman: …` for user turns,
    /// `\n\nAssistant: …` for assistant turns, `\n\nSystem: …` and so on for
    /// others (role capitalised).
    public static func render(_ messages: [ConversationMessage]) -> String {
        var out = ""
        for message in messages {
            let label: String
            switch message.role {
            case "user": label = "Human"
            case "assistant": label = "Assistant"
            default: label = message.role.prefix(1).uppercased() + message.role.dropFirst()
            }
            out += "\n\n" + label + ": " + message.content
        }
        return out
    }
}
