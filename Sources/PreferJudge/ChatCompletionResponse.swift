import Foundation
import PreferCore

/// The parts of a chat-completions response a judge needs: the first
/// choice's text, the first token's `top_logprobs`, and `usage`.
struct ChatCompletionResponse: Decodable {
    var choices: [Choice]
    var usage: Usage?

    struct Choice: Decodable {
        var message: Message?
        var logprobs: Logprobs?
    }

    struct Message: Decodable {
        var content: String?
    }

    struct Logprobs: Decodable {
        var content: [TokenInfo]?
    }

    struct TokenInfo: Decodable {
        var token: String
        var logprob: Double
        var topLogprobs: [Alternative]?

        enum CodingKeys: String, CodingKey {
            case token, logprob
            case topLogprobs = "top_logprobs"
        }
    }

    struct Alternative: Decodable {
        var token: String
        var logprob: Double
    }

    struct Usage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    /// The answer, or nil when the response has no message text.
    var answer: JudgeAnswer? {
        guard let choice = choices.first, let text = choice.message?.content else { return nil }
        var alternatives: [JudgeAnswer.TokenLogprob]?
        if let first = choice.logprobs?.content?.first {
            let top = first.topLogprobs ?? [Alternative(token: first.token, logprob: first.logprob)]
            alternatives = top.map { JudgeAnswer.TokenLogprob(token: $0.token, logprob: $0.logprob) }
        }
        return JudgeAnswer(
            text: text, firstTokenAlternatives: alternatives, promptTokens: usage?.promptTokens ?? 0,
            completionTokens: usage?.completionTokens ?? 0)
    }
}
