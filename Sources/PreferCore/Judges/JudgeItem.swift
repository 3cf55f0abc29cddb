/// What a judge is asked about: a prompt, its outputs (two for pairwise
/// and score modes, K for rank mode) and an optional reference answer.
public struct JudgeItem: Sendable, Hashable {
    public var prompt: String
    public var reference: String?
    public var outputs: [JudgeContent]

    public init(prompt: String, reference: String? = nil, outputs: [JudgeContent]) {
        self.prompt = prompt
        self.reference = reference
        self.outputs = outputs
    }
}

/// One request to put to a judge about an item: which outputs it shows in
/// which order, under which criterion (nil: overall), and how to read the answer.
public struct JudgeQuestion: Sendable, Hashable, Codable {
    /// Indices into the item's outputs, in the order shown (one index in score mode).
    public var shown: [Int]
    public var criterion: String?
    public var messages: [ChatMessage]
    public var reading: Reading
    /// Tokens the answer may take.
    public var maxTokens: Int
    /// Whether to ask for the first token's alternatives (`top_logprobs`).
    public var logprobs: Bool

    public enum Reading: String, Sendable, Hashable, Codable {
        case pairLabel, score, ranking, letter
    }

    public init(shown: [Int], criterion: String?, messages: [ChatMessage], reading: Reading, maxTokens: Int, logprobs: Bool) {
        self.shown = shown
        self.criterion = criterion
        self.messages = messages
        self.reading = reading
        self.maxTokens = maxTokens
        self.logprobs = logprobs
    }

    /// The follow-up that asks again for the verdict in the required format,
    /// after an answer that had none (the one retry of an unparseable answer).
    public func reminder(after answer: String) -> JudgeQuestion {
        var question = self
        let format: String
        switch reading {
        case .pairLabel: format = "exactly one of [[A>>B]], [[A>B]], [[A=B]], [[B>A]], [[B>>A]]"
        case .score: format = "a rating from 1 to 10 in double brackets, for example [[5]]"
        case .ranking:
            let labels = JudgeLabels.letters(shown.count)
            format = "the ranking of \(labels.joined(separator: ", ")), best first, in double brackets, for example [[\(labels.reversed().joined(separator: ">"))]]"
        case .letter: format = "a single letter, A or B"
        }
        question.messages.append(ChatMessage(role: .assistant, text: answer))
        question.messages.append(
            ChatMessage(role: .user, text: "Your answer did not end with a verdict in the required format. Reply with only \(format)."))
        return question
    }
}

/// A judge's answer to one question, as the endpoint returned it.
public struct JudgeAnswer: Sendable, Hashable, Codable {
    /// The message's text.
    public var text: String
    /// The first answer token's alternatives and their log-probabilities, if asked for and returned.
    public var firstTokenAlternatives: [TokenLogprob]?
    public var promptTokens: Int
    public var completionTokens: Int

    public struct TokenLogprob: Sendable, Hashable, Codable {
        public var token: String
        public var logprob: Double

        public init(token: String, logprob: Double) {
            self.token = token
            self.logprob = logprob
        }
    }

    public init(text: String, firstTokenAlternatives: [TokenLogprob]? = nil, promptTokens: Int = 0, completionTokens: Int = 0) {
        self.text = text
        self.firstTokenAlternatives = firstTokenAlternatives
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public var tokens: Int { promptTokens + completionTokens }
}

/// A verdict read from one answer, in the order the outputs were shown.
public enum ReadVerdict: Sendable, Hashable, Codable {
    case pair(PairVerdict)
    case score(Double)
    /// Shown positions, best first.
    case ranking([Int])
    /// P(the first-shown output is better).
    case probability(Double)

    /// How it is written in results: `A>B`, `7`, `C>A>B`, `p(A)=0.83`.
    public var label: String {
        switch self {
        case .pair(let verdict): verdict.rawValue
        case .score(let score): score == score.rounded() ? String(Int(score)) : String(score)
        case .ranking(let order): order.map { JudgeLabels.letters(26)[$0] }.joined(separator: ">")
        case .probability(let p): "p(A)=" + String(Double(Int((p * 1000).rounded())) / 1000)
        }
    }
}

extension JudgeQuestion {
    /// Reads the verdict from `answer` strictly (see `VerdictParser`).
    public func read(_ answer: JudgeAnswer) -> Result<ReadVerdict, VerdictParser.Failure> {
        switch reading {
        case .pairLabel: VerdictParser.pairwise(answer.text).map(ReadVerdict.pair)
        case .score: VerdictParser.score(answer.text).map(ReadVerdict.score)
        case .ranking: VerdictParser.ranking(answer.text, count: shown.count).map(ReadVerdict.ranking)
        case .letter:
            if let alternatives = answer.firstTokenAlternatives,
               let p = TokenProbabilities.firstBetter(alternatives.map { ($0.token, $0.logprob) })
            {
                .success(.probability(p))
            } else {
                .failure(.noVerdict)
            }
        }
    }
}
