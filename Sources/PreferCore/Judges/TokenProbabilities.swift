import Foundation

/// The log-probability verdict method: the judge answers with one letter
/// ("A" or "B") and the endpoint reports the most likely first tokens with
/// their log-probabilities (`logprobs: true, top_logprobs: N`). The verdict
/// is the probability mass of the first-shown label against the second's,
/// p = P(A) / (P(A) + P(B)), summed over the spellings of each label (" A",
/// "A", "a"…) — G-Eval's probability-weighted reading of a judge (Liu et
/// al., 2023, arXiv:2303.16634) on a two-way answer.
///
/// Over both orders the probability that output `a` is better is the mean
/// of p in the order (a, b) and 1 − p in the order (b, a), which removes a
/// constant position bias. O(tokens listed).
public enum TokenProbabilities {
    /// P(first-shown is better) from the first answer token's alternatives,
    /// nil when neither label is among them.
    public static func firstBetter(_ alternatives: [(token: String, logprob: Double)]) -> Double? {
        var a = 0.0
        var b = 0.0
        for (token, logprob) in alternatives where logprob.isFinite {
            switch token.trimmingSpaces.uppercased() {
            case "A": a += exp(logprob)
            case "B": b += exp(logprob)
            default: continue
            }
        }
        guard a + b > 0 else { return nil }
        return a / (a + b)
    }

    /// A probability that `a` is better read on the five-point scale:
    /// within `tieMargin` of ½ a tie, beyond `strongMargin` from ½ a ≫.
    public static func judgement(probabilityA p: Double, tieMargin: Double = 0.05, strongMargin: Double = 0.35) -> PairJudgement {
        let d = p - 0.5
        if abs(d) < tieMargin { return PairJudgement(winner: .tie, strength: 0) }
        return PairJudgement(winner: d > 0 ? .a : .b, strength: abs(d) >= strongMargin ? 2 : 1)
    }
}
