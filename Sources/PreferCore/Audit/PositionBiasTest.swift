/// Whether a voter's left/right choices are implausibly lopsided: an exact
/// two-sided binomial test on the decisive votes (ties left out).
///
/// Under the null each decisive vote goes left with the consensus
/// probability P(left wins | not a tie) — a Poisson–binomial count, which
/// conditions on which contender the arena happened to show on each side
/// and includes the arena-wide position effect, so an honest voter who drew
/// strong contenders on the left is not mistaken for a left-clicker. With
/// sides assigned at random this is the plain Binomial(m, ½) test on
/// average. The left side is `model_a` in LMArena files. p = 2·min(lower,
/// upper tail), capped at 1. Cost: O(m²) exact for m decisive votes
/// (`LatticeSum`), saddlepoint beyond 1,500.
public struct PositionBiasTest: Sendable {
    public var minimumVotes: Int

    public init(minimumVotes: Int = 5) {
        self.minimumVotes = minimumVotes
    }

    public struct Result: Sendable {
        public var left: Int
        public var right: Int
        public var ties: Int
        public var expectedLeft: Double
        public var pValue: Double
    }

    public func evaluate(_ votes: [VotePrediction]) -> Result? {
        var sum = LatticeSum(span: 1)
        var left = 0
        var right = 0
        var ties = 0
        for vote in votes {
            switch vote.outcome {
            case .aWins: left += 1
            case .bWins: right += 1
            case .tie, .bothBad:
                ties += 1
                continue
            }
            let decisive = vote.win + vote.loss
            let p = decisive > 0 ? vote.win / decisive : 0.5
            sum.append([1 - p, p])
        }
        guard left + right >= minimumVotes else { return nil }
        return Result(left: left, right: right, ties: ties, expectedLeft: sum.mean, pValue: sum.twoSided(left))
    }
}
