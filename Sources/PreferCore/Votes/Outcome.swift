/// The result of one pairwise battle between contender A (shown left) and
/// contender B (shown right).
///
/// "Both bad" counts as a tie for ranking but is kept as its own label so that
/// exports and audits can tell it apart. The raw values follow the order used
/// by LMArena-style tooling (`model_b` = 0, `tie` = 1, `model_a` = 2,
/// `tie (bothbad)` = 3).
public enum Outcome: UInt8, Sendable, CaseIterable, Hashable, Codable {
    case bWins = 0
    case tie = 1
    case aWins = 2
    case bothBad = 3

    /// The label LMArena's clean-battle files use in their `winner` field.
    public var label: String {
        switch self {
        case .aWins: "model_a"
        case .bWins: "model_b"
        case .tie: "tie"
        case .bothBad: "tie (bothbad)"
        }
    }

    /// All accepted `winner` labels, in the order error messages list them.
    public static let labels = ["model_a", "model_b", "tie", "tie (bothbad)"]

    /// Parses an LMArena `winner` label (`model_a`, `model_b`, `tie`, `tie (bothbad)`).
    public init?(label: String) {
        switch label {
        case "model_a": self = .aWins
        case "model_b": self = .bWins
        case "tie": self = .tie
        case "tie (bothbad)": self = .bothBad
        default: return nil
        }
    }

    /// A's score: 1 for a win, 0 for a loss, ½ for either kind of tie.
    @inlinable
    public var scoreForA: Double {
        switch self {
        case .aWins: 1
        case .bWins: 0
        case .tie, .bothBad: 0.5
        }
    }

    /// Whether the battle counts as a tie for ranking (a tie or "both bad").
    @inlinable
    public var isTie: Bool { self == .tie || self == .bothBad }

    /// The same battle seen with the sides swapped.
    @inlinable
    public var swapped: Outcome {
        switch self {
        case .aWins: .bWins
        case .bWins: .aWins
        case .tie, .bothBad: self
        }
    }
}
