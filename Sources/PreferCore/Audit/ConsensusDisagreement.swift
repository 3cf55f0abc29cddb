import Foundation

/// How unlikely a voter's choices are under the leaderboard fitted without
/// them: a likelihood-ratio score on the full Bradley–Terry model with ties.
///
/// Under the consensus (`ConsensusModel`, fitted without the voter) each
/// vote is a left win, a tie or a right win with the probabilities the
/// ratings, the pair's tie rate and the position effect give. The score is
/// the log likelihood ratio of the voter's choices under a voter who ignores
/// the outputs — left and right equally likely, ties as often as the crowd
/// ties on these pairs — against the consensus:
///
///     L = Σₖ log P_random(choiceₖ) / P_consensus(choiceₖ).
///
/// Picking underdogs, tying lopsided pairs and reversing the order all
/// raise it; by the Neyman–Pearson lemma it is the most powerful score
/// against that alternative. Its null law — every vote drawn from the
/// consensus — is a sum of independent three-point variables, so the
/// p-value P(L ≥ L_obs) comes from the saddlepoint approximation
/// (`SaddlepointTail`), accurate to the tiny p-values that multiple testing
/// across thousands of voters needs.
///
/// Robust to taste: the score is recomputed leaving out all votes on the
/// one contender whose removal makes the voter look most honest. If that
/// p-value is above `tasteLevel` the disagreement is confined to one
/// contender — an unpopular but consistent taste, not fraud — and the
/// signal does not count (its p-value is reported as 1, with the contender).
///
/// For explanation it also reports the slope β̂ of the voter's choices on
/// the consensus gaps (expected score σ(β·gap + γ); 1 = like everyone,
/// 0 = random, −1 = reversed; quasi-likelihood MLE clamped to ±10).
/// Cost: O(votes + contenders seen) per voter plus two saddlepoint solves.
public struct ConsensusDisagreement: Sendable {
    public var minimumVotes: Int
    public var tasteLevel: Double

    public init(minimumVotes: Int = 5, tasteLevel: Double = 0.1) {
        self.minimumVotes = minimumVotes
        self.tasteLevel = tasteLevel
    }

    public struct Result: Sendable {
        public var votes: Int
        /// The p-value the verdict uses: of all votes, or 1 when the
        /// disagreement is confined to one contender.
        public var pValue: Double
        public var pValueAllVotes: Double
        /// Leaving out the votes on `leftOut`.
        public var pValueWithout: Double
        public var leftOut: Int32?
        public var confined: Bool
        /// L, the observed log likelihood ratio (random against consensus).
        public var likelihoodRatio: Double
        public var slope: Double
        /// The slope's standard error, 1/√(Fisher information) at β̂.
        public var slopeError: Double
    }

    /// `tieShare`: how often the voter who ignores the outputs ties; nil
    /// for as often as the crowd ties on the voter's pairs.
    public func evaluate(_ votes: [VotePrediction], tieShare alternative: Double? = nil) -> Result? {
        guard votes.count >= minimumVotes else { return nil }
        let tieShare = max(0.02, min(0.9, alternative ?? votes.reduce(0) { $0 + $1.tie } / Double(votes.count)))
        let terms = votes.map { Self.term($0, tieShare: tieShare) }
        let all = Self.tail(terms)
        // Each contender's share of L − E L and its variance, to find the one
        // whose removal leaves the least disagreement.
        var centred = 0.0
        var variance = 0.0
        var byContender: [Int32: (d: Double, v: Double)] = [:]
        for (vote, term) in zip(votes, terms) {
            let d = term.observed - term.mean
            centred += d
            variance += term.variance
            for c in [vote.left, vote.right] {
                byContender[c, default: (0, 0)].d += d
                byContender[c, default: (0, 0)].v += term.variance
            }
        }
        var leftOut: Int32?
        var best = Double.infinity
        for (c, part) in byContender.sorted(by: { $0.key < $1.key }) {
            let rest = variance - part.v
            let z = rest > 1e-12 ? (centred - part.d) / rest.squareRoot() : -.infinity
            if z < best {
                best = z
                leftOut = c
            }
        }
        var without = all
        if let c = leftOut {
            let kept = zip(votes, terms).filter { $0.0.left != c && $0.0.right != c }.map(\.1)
            without = kept.count >= minimumVotes ? max(all, Self.tail(kept)) : 1
        }
        let confined = without > tasteLevel
        let (slope, slopeError) = Self.slope(votes)
        return Result(
            votes: votes.count,
            pValue: confined ? 1 : all,
            pValueAllVotes: all,
            pValueWithout: without,
            leftOut: leftOut,
            confined: confined,
            likelihoodRatio: terms.reduce(0) { $0 + $1.observed },
            slope: slope,
            slopeError: slopeError)
    }

    struct Term {
        var values: [Double]
        var probabilities: [Double]
        var observed: Double
        var mean: Double
        var variance: Double
    }

    static func term(_ vote: VotePrediction, tieShare: Double) -> Term {
        let half = (1 - tieShare) / 2
        let p = [max(vote.win, 1e-12), max(vote.tie, 1e-12), max(vote.loss, 1e-12)]
        let values = [Foundation.log(half / p[0]), Foundation.log(tieShare / p[1]), Foundation.log(half / p[2])]
        let probabilities = [vote.win, vote.tie, vote.loss]
        let k = vote.outcome == .aWins ? 0 : vote.outcome == .bWins ? 2 : 1
        var mean = 0.0
        var square = 0.0
        for j in 0..<3 {
            mean += probabilities[j] * values[j]
            square += probabilities[j] * values[j] * values[j]
        }
        return Term(values: values, probabilities: probabilities, observed: values[k], mean: mean, variance: max(0, square - mean * mean))
    }

    /// P(L ≥ L_obs) under the consensus.
    static func tail(_ terms: [Term]) -> Double {
        var sum = SaddlepointTail()
        var observed = 0.0
        for term in terms {
            sum.append(values: term.values, probabilities: term.probabilities)
            observed += term.observed
        }
        return sum.upperTail(observed)
    }

    /// γ recovered from a vote's probabilities: logit(E s) − gap.
    static func offset(_ vote: VotePrediction) -> Double {
        let e = min(max(vote.expected, 1e-12), 1 - 1e-12)
        return Foundation.log(e / (1 - e)) - vote.gap
    }

    /// The quasi-likelihood MLE of β by safeguarded Newton, clamped to ±10,
    /// and its standard error.
    static func slope(_ votes: [VotePrediction]) -> (beta: Double, error: Double) {
        var beta = 1.0
        var information = 0.0
        for _ in 0..<60 {
            var d1 = 0.0
            var d2 = 0.0
            for vote in votes {
                let q = PairwiseProblem.sigmoid(beta * vote.gap + offset(vote))
                d1 += vote.gap * (vote.score - q)
                d2 += vote.gap * vote.gap * q * (1 - q)
            }
            information = d2
            guard d2 > 1e-12 else { break }
            let step = max(-2, min(2, d1 / d2))
            beta = max(-10, min(10, beta + step))
            if Swift.abs(step) < 1e-9 || Swift.abs(beta) == 10 { break }
        }
        return (beta, information > 1e-12 ? 1 / information.squareRoot() : .infinity)
    }
}
