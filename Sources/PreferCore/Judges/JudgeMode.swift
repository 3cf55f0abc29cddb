/// What a judge is asked to do with a battle (*MLLM-as-a-Judge*'s three
/// tasks: Chen et al., 2024, arXiv:2402.04788).
public enum JudgeMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Compare two outputs on the five-point scale A≫B, A>B, A=B, B>A, B≫A
    /// (Arena-Hard-Auto's labels), optionally against a reference answer.
    case pairwise
    /// Grade each output alone from 1 to 10 (MT-Bench's single-answer
    /// grading); the pair's verdict comes from comparing the two scores.
    case score
    /// Rank a batch of K outputs at once, best first.
    case rank

    /// Accepted spellings, for error messages.
    public static let spellings = allCases.map(\.rawValue).joined(separator: ", ")
}

/// How a verdict is read from the judge's answer.
public enum VerdictMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Parse the answer's text strictly (`[[A>B]]`, `[[7]]`, `[[B, A, C]]`).
    case text
    /// Ask for a one-letter answer and read the probabilities of the verdict
    /// tokens (`logprobs`/`top_logprobs`), averaged over both orders.
    /// Pairwise mode only, on endpoints that return log-probabilities.
    case logprobs

    public static let spellings = allCases.map(\.rawValue).joined(separator: ", ")
}

/// In which orders a pair is shown to the judge.
public enum JudgeOrders: String, Sendable, Hashable, Codable, CaseIterable {
    /// Both orders (the default): A then B, and B then A.
    case both
    /// Only the battle's own order.
    case one

    public static let spellings = allCases.map(\.rawValue).joined(separator: ", ")
}

/// What becomes of a verdict that flips with the order (A wins when shown
/// first, and B wins when shown first).
public enum FlipPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// A flip is a tie (Arena-Hard-Auto and AlpacaEval's practice).
    case tie
    /// A flip gives no vote at all.
    case drop

    public static let spellings = allCases.map(\.rawValue).joined(separator: ", ")
}
