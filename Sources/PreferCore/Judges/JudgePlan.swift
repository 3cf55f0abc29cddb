/// The questions a judge puts about one item, and how their answers combine
/// into a verdict on each pair of its outputs.
///
/// - pairwise: each criterion (overall first) asked in the order (a, b) and,
///   with both orders, (b, a); the orders combine as `OrderedVerdicts`
///   (text method) or by averaging P(a better) over the orders (log-probability
///   method, see `TokenProbabilities`);
/// - score: each output graded alone (no order to swap); a pair's verdict
///   is the sign of the score difference, strength 2 when the scores differ
///   by 3 or more, 1 when by less, a tie when equal (MT-Bench derives pairs
///   from single grades the same way);
/// - rank: the K outputs shown in one order and, with both orders, reversed;
///   each order's ranking gives every pair a winner (strength 1), the orders
///   combine as `OrderedVerdicts`, and the combined ranking (by mean
///   position) is kept for Plackett–Luce.
///
/// O(questions) to plan, O(K² · orders) to combine.
public struct JudgePlan: Sendable {
    public let configuration: JudgeConfiguration
    public let item: JudgeItem
    public let questions: [JudgeQuestion]

    public init(_ configuration: JudgeConfiguration, item: JudgeItem) throws(JudgeError) {
        self.configuration = configuration
        self.item = item
        let template = configuration.effectiveTemplate
        let count = item.outputs.count
        switch configuration.mode {
        case .pairwise, .score:
            guard count == 2 else { throw JudgeError("A \(configuration.mode.rawValue) judge compares two outputs (given \(count)).") }
        case .rank:
            guard count >= 2, count <= 26 else { throw JudgeError("A rank judge ranks 2–26 outputs (given \(count)).") }
        }
        var questions: [JudgeQuestion] = []
        let criteria: [String?] = [nil] + configuration.criteria.map { Optional($0) }
        let both = configuration.orders == .both
        for criterion in criteria {
            var common: [String: JudgeContent] = ["prompt": .text(item.prompt)]
            if let reference = item.reference, !reference.isEmpty { common["reference"] = .text(reference) }
            if let criterion { common["criterion"] = .text(criterion) }
            switch configuration.mode {
            case .pairwise:
                let logprobs = configuration.verdictMethod == .logprobs
                for shown in both ? [[0, 1], [1, 0]] : [[0, 1]] {
                    var values = common
                    values["answer_a"] = item.outputs[shown[0]]
                    values["answer_b"] = item.outputs[shown[1]]
                    questions.append(JudgeQuestion(
                        shown: shown, criterion: criterion, messages: try template.messages(values),
                        reading: logprobs ? .letter : .pairLabel,
                        maxTokens: logprobs ? 1 : configuration.sampling.maxTokens, logprobs: logprobs))
                }
            case .score:
                for index in 0..<2 {
                    var values = common
                    values["answer"] = item.outputs[index]
                    questions.append(JudgeQuestion(
                        shown: [index], criterion: criterion, messages: try template.messages(values), reading: .score,
                        maxTokens: configuration.sampling.maxTokens, logprobs: false))
                }
            case .rank:
                let forward = Array(0..<count)
                for shown in both ? [forward, forward.reversed()] : [forward] {
                    var values = common
                    let labels = JudgeLabels.letters(count)
                    values["count"] = .text(String(count))
                    values["labels"] = .text(labels.joined(separator: ", "))
                    values["example"] = .text(labels.reversed().joined(separator: ">"))
                    // The answers go in as parts of their own, so that images stay image parts.
                    let answers = Self.labelledAnswers(shown.map { item.outputs[$0] }, labels: labels)
                    let messages = try template.messages(values, parts: ["answers": answers])
                    questions.append(JudgeQuestion(
                        shown: shown, criterion: criterion, messages: Self.merged(messages), reading: .ranking,
                        maxTokens: configuration.sampling.maxTokens, logprobs: false))
                }
            }
        }
        self.questions = questions
    }

    /// The K answers, each between start and end markers under its label.
    static func labelledAnswers(_ outputs: [JudgeContent], labels: [String]) -> [ContentPart] {
        var parts: [ContentPart] = []
        for (label, output) in zip(labels, outputs) {
            parts.append(.text("<|The Start of Assistant \(label)'s Answer|>\n"))
            switch output {
            case .text(let text): parts.append(.text(text))
            case .image(let url, let caption):
                if !caption.isEmpty { parts.append(.text(caption + "\n")) }
                parts.append(.imageURL(url))
            }
            parts.append(.text("\n<|The End of Assistant \(label)'s Answer|>\n\n"))
        }
        return parts
    }

    /// Adjacent text parts joined into one.
    static func merged(_ messages: [ChatMessage]) -> [ChatMessage] {
        messages.map { message in
            var parts: [ContentPart] = []
            for part in message.parts {
                if case .text(let text) = part, case .text(let previous)? = parts.last {
                    parts[parts.count - 1] = .text(previous + text)
                } else {
                    parts.append(part)
                }
            }
            return ChatMessage(role: message.role, parts: parts)
        }
    }

    // MARK: Combining

    /// What became of one question.
    public struct Outcome: Sendable, Hashable, Codable {
        public var verdict: ReadVerdict?
        /// The answers' texts: the first, and the retry's after an unparseable one.
        public var raw: [String]
        /// Why there is no verdict (unparseable, or the request failed).
        public var error: String?
        public var tokens: Int

        public init(verdict: ReadVerdict?, raw: [String], error: String?, tokens: Int) {
            self.verdict = verdict
            self.raw = raw
            self.error = error
            self.tokens = tokens
        }
    }

    /// One pair of the item's outputs, judged.
    public struct PairOutcome: Sendable, Hashable, Codable {
        /// Indices of the two outputs; `judgement.winner == .a` means `outputs[a]` won.
        public var a: Int
        public var b: Int
        /// nil: no verdict (every question failed, or a flip dropped by setting).
        public var judgement: PairJudgement?
        /// Whether the orders agreed; nil when not both answered (or score mode).
        public var consistent: Bool?
        /// Whether the orders picked opposite winners.
        public var flipped: Bool
    }

    /// One criterion's (or the overall) result.
    public struct CriterionResult: Sendable, Hashable, Codable {
        public var criterion: String?
        public var pairs: [PairOutcome]
        /// The verdicts and answers per question, in question order.
        public var verdicts: [String?]
        public var raw: [String?]
        public var errors: [String?]
        /// Rank mode: outputs by mean position over the orders, best first.
        public var ranking: [Int]?
        public var tokens: Int

        /// The first pair (pairwise and score modes have only one).
        public var pair: PairOutcome? { pairs.first }
        /// Every question's errors, joined; nil when none.
        public var error: String? {
            let all = errors.enumerated().compactMap { index, error in error.map { "order \(index + 1): \($0)" } }
            return all.isEmpty ? nil : all.joined(separator: "; ")
        }
    }

    /// Combines the outcomes (one per question, in order) into results: overall first, then each criterion.
    public func combine(_ outcomes: [Outcome]) -> [CriterionResult] {
        precondition(outcomes.count == questions.count, "one outcome per question")
        var results: [CriterionResult] = []
        var start = 0
        while start < questions.count {
            let criterion = questions[start].criterion
            var end = start
            while end < questions.count && questions[end].criterion == criterion { end += 1 }
            let group = Array(start..<end)
            results.append(combineGroup(criterion: criterion, group.map { (questions[$0], outcomes[$0]) }))
            start = end
        }
        return results
    }

    private func combineGroup(criterion: String?, _ group: [(question: JudgeQuestion, outcome: Outcome)]) -> CriterionResult {
        var pairs: [PairOutcome] = []
        var ranking: [Int]?
        switch configuration.mode {
        case .pairwise:
            if configuration.verdictMethod == .logprobs {
                var probabilities: [Double] = []
                for (question, outcome) in group {
                    guard case .probability(let p)? = outcome.verdict else { continue }
                    probabilities.append(question.shown[0] == 0 ? p : 1 - p)
                }
                let consistent = probabilities.count == 2 ? (probabilities[0] - 0.5).sign == (probabilities[1] - 0.5).sign : nil
                let judgement = probabilities.isEmpty
                    ? nil : TokenProbabilities.judgement(probabilityA: probabilities.reduce(0, +) / Double(probabilities.count))
                let flipped = consistent == false
                pairs.append(PairOutcome(a: 0, b: 1, judgement: judgement, consistent: consistent, flipped: flipped))
            } else {
                var forward: Int?
                var backward: Int?
                for (question, outcome) in group {
                    guard case .pair(let verdict)? = outcome.verdict else { continue }
                    if question.shown[0] == 0 { forward = verdict.signedStrength } else { backward = -verdict.signedStrength }
                }
                let ordered = OrderedVerdicts(forward: forward, backward: backward)
                pairs.append(PairOutcome(
                    a: 0, b: 1, judgement: ordered.judgement(flips: configuration.flips), consistent: ordered.consistent,
                    flipped: ordered.flipped))
            }
        case .score:
            var scores: [Int: Double] = [:]
            for (question, outcome) in group {
                if case .score(let score)? = outcome.verdict { scores[question.shown[0]] = score }
            }
            var judgement: PairJudgement?
            if let a = scores[0], let b = scores[1] {
                let difference = a - b
                judgement = difference == 0
                    ? PairJudgement(winner: .tie, strength: 0)
                    : PairJudgement(winner: difference > 0 ? .a : .b, strength: abs(difference) >= 3 ? 2 : 1)
            }
            pairs.append(PairOutcome(a: 0, b: 1, judgement: judgement, consistent: nil, flipped: false))
        case .rank:
            let count = item.outputs.count
            var rankings: [[Int]] = []  // output indices, best first, per answered order
            var forwardPosition: [Int]?
            var backwardPosition: [Int]?
            for (question, outcome) in group {
                guard case .ranking(let shownOrder)? = outcome.verdict else { continue }
                let outputsBestFirst = shownOrder.map { question.shown[$0] }
                rankings.append(outputsBestFirst)
                var position = [Int](repeating: 0, count: count)
                for (rank, output) in outputsBestFirst.enumerated() { position[output] = rank }
                if question.shown.first == 0 { forwardPosition = position } else { backwardPosition = position }
            }
            for a in 0..<count {
                for b in (a + 1)..<count {
                    let f = forwardPosition.map { $0[a] < $0[b] ? 1 : -1 }
                    let r = backwardPosition.map { $0[a] < $0[b] ? 1 : -1 }
                    let ordered = OrderedVerdicts(forward: f, backward: r)
                    pairs.append(PairOutcome(
                        a: a, b: b, judgement: ordered.judgement(flips: configuration.flips),
                        consistent: ordered.consistent, flipped: ordered.flipped))
                }
            }
            if !rankings.isEmpty {
                var total = [Double](repeating: 0, count: count)
                for order in rankings { for (rank, output) in order.enumerated() { total[output] += Double(rank) } }
                ranking = (0..<count).sorted { (total[$0], $0) < (total[$1], $1) }
            }
        }
        return CriterionResult(
            criterion: criterion, pairs: pairs, verdicts: group.map { $0.outcome.verdict?.label },
            raw: group.map { $0.outcome.raw.last }, errors: group.map(\.outcome.error), ranking: ranking,
            tokens: group.reduce(0) { $0 + $1.outcome.tokens })
    }
}
