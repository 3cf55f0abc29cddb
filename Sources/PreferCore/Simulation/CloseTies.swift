import Foundation

/// How the simulations vote on a pair when ties are likelier between close
/// contenders: with s = P(A beats B) under the true ratings, a tie happens
/// with probability q = τ·2·min(s, 1−s), A wins with s − q/2 and B with
/// 1 − s − q/2, so A's expected score is exactly s and ties-as-half-wins
/// Bradley–Terry is consistent with the votes (the generative model of the
/// reference `gen_votes.py`). τ ∈ [0, 1] is calibrated so that ties make up
/// a chosen share of the votes (`tau(tieShare:closeness:)`); a
/// `bothBadShare` of the ties is labelled "both bad".
///
/// Used by `SyntheticArena`, `FraudSimulation` and `LikelihoodRatioOracle`,
/// which must agree on it. O(1) per vote; draws one uniform number per vote
/// and a second for ties.
public struct CloseTies: Sendable {
    public var tau: Double
    public var bothBadShare: Double

    public init(tau: Double, bothBadShare: Double) {
        self.tau = tau
        self.bothBadShare = bothBadShare
    }

    /// The τ that makes ties `tieShare` of the votes, given the expected
    /// closeness E[2·min(s, 1−s)] over the pairs that will be drawn.
    public static func tau(tieShare: Double, closeness: Double) -> Double {
        tieShare > 0 && closeness > 0 ? min(1, tieShare / closeness) : 0
    }

    /// P(A wins), P(tie), P(B wins) when A beats B with probability `s`.
    public func probabilities(_ s: Double) -> (win: Double, tie: Double, loss: Double) {
        let q = tau * 2 * min(s, 1 - s)
        return (s - q / 2, q, 1 - s - q / 2)
    }

    /// A vote on a pair where A beats B with probability `s`.
    public func outcome(_ s: Double, _ rng: inout Xoshiro256) -> Outcome {
        let p = probabilities(s)
        let u = rng.nextUnit()
        if u < p.win { return .aWins }
        if u < p.win + p.tie { return rng.nextUnit() < bothBadShare ? .bothBad : .tie }
        return .bWins
    }
}
