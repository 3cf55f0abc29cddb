/// A voter's answer about a battle, by side: the left output is better, the
/// right one, both are as good (tie) or both are bad. The left side is
/// LMArena's `model_a`.
public enum Choice: String, Sendable, Hashable, Codable, CaseIterable {
    case left, right, tie
    case bothBad = "both_bad"

    /// The same judgement as an outcome for contender A = left.
    public var outcome: Outcome {
        switch self {
        case .left: .aWins
        case .right: .bWins
        case .tie: .tie
        case .bothBad: .bothBad
        }
    }

    public init(_ outcome: Outcome) {
        switch outcome {
        case .aWins: self = .left
        case .bWins: self = .right
        case .tie: self = .tie
        case .bothBad: self = .bothBad
        }
    }

    /// Accepted spellings, for error messages.
    public static let spellings = allCases.map(\.rawValue).joined(separator: ", ")
}
