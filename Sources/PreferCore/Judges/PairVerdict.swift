/// A pairwise verdict on Arena-Hard-Auto's five-point scale, said of the
/// outputs in the order they were shown: `first` is the output shown as
/// "A", `second` the one shown as "B".
public enum PairVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// A≫B: the first-shown output is much better.
    case firstMuchBetter = "A>>B"
    /// A>B
    case firstBetter = "A>B"
    /// A=B
    case tie = "A=B"
    /// B>A
    case secondBetter = "B>A"
    /// B≫A
    case secondMuchBetter = "B>>A"

    /// +2 (A≫B) … −2 (B≫A): the verdict for the first-shown output.
    public var signedStrength: Int {
        switch self {
        case .firstMuchBetter: 2
        case .firstBetter: 1
        case .tie: 0
        case .secondBetter: -1
        case .secondMuchBetter: -2
        }
    }

    /// The verdict with this signed strength (clamped to −2…2).
    public init(signedStrength: Int) {
        switch signedStrength {
        case 2...: self = .firstMuchBetter
        case 1: self = .firstBetter
        case 0: self = .tie
        case -1: self = .secondBetter
        default: self = .secondMuchBetter
        }
    }

    /// The same verdict with the outputs' order swapped (A>B becomes B>A).
    public var swapped: PairVerdict { PairVerdict(signedStrength: -signedStrength) }

    /// 2 for ≫, 1 for >, 0 for =.
    public var strength: Int { abs(signedStrength) }
}

/// A pair's verdict said of its two outputs, whatever order they were shown
/// in: which of `a` and `b` won, and how strongly.
public struct PairJudgement: Sendable, Hashable, Codable {
    public enum Winner: String, Sendable, Hashable, Codable {
        case a, b, tie
    }

    public var winner: Winner
    /// 2 (≫), 1 (>) or 0 (=).
    public var strength: Int

    public init(winner: Winner, strength: Int) {
        self.winner = winner
        self.strength = winner == .tie ? 0 : strength
    }

    /// From a signed strength for `a` (+2 … −2).
    public init(signedForA value: Int) {
        if value > 0 {
            self.init(winner: .a, strength: min(value, 2))
        } else if value < 0 {
            self.init(winner: .b, strength: min(-value, 2))
        } else {
            self.init(winner: .tie, strength: 0)
        }
    }

    /// +strength for an `a` win, −strength for a `b` win, 0 for a tie.
    public var signedForA: Int {
        switch winner {
        case .a: strength
        case .b: -strength
        case .tie: 0
        }
    }

    /// The vote's choice when `a` was shown on the left.
    public var choice: Choice {
        switch winner {
        case .a: .left
        case .b: .right
        case .tie: .tie
        }
    }
}
