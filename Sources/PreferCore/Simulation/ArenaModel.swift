import Foundation

/// The generative model of a simulated arena, one vote at a time: the same
/// model as `SyntheticArena` (true ratings, skewed pair popularity with hot
/// pairs, ties likelier between close contenders), but with the pair chosen
/// by the caller, so that sampling policies can be compared on it.
///
/// - True ratings: `initial` + Normal(0, `spread`).
/// - Popularity: log-normal per contender (σ = `popularitySkew`); a pair's
///   natural frequency ∝ the product, times `hotPairBoost` for a
///   `hotPairShare` of the pairs. It drives the warm-up votes (an arena's
///   history before it changes policy) and the `weighted` policy.
/// - Outcome of (a, b): with s = P(a beats b), a tie with probability
///   q = τ·2·min(s, 1−s) (a `bothBadShare` of them "both bad"), a wins with
///   s − q/2, so a's expected score is s and ties-as-half-wins Bradley–Terry
///   is consistent; τ is set so that ties are `tieShare` of the votes under
///   uniform pairing.
///
/// Deterministic given the seed. O(n²) to set up, O(1) per vote.
struct ArenaModel: Sendable {
    let names: [String]
    let truth: [Double]
    let popularity: [Double]
    /// Natural pair frequencies in pair order (i < j), with hot pairs.
    let pairWeights: [Double]
    let tau: Double
    let bothBadShare: Double
    let scale: Double
    let base: Double

    init(
        contenders n: Int, spread: Double, seed: UInt64, tieShare: Double, bothBadShare: Double,
        popularitySkew: Double, hotPairShare: Double, hotPairBoost: Double, estimator: BradleyTerry = BradleyTerry()
    ) {
        var rng = Xoshiro256(seed: seed, stream: 0)
        names = (0..<n).map { SyntheticArena.name($0, &rng) }
        let truth = (0..<n).map { _ in estimator.initialRating + spread * rng.nextGaussian() }
        self.truth = truth
        let popularity = (0..<n).map { _ in Foundation.exp(popularitySkew * rng.nextGaussian()) }
        self.popularity = popularity
        var weights: [Double] = []
        weights.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let hot = rng.nextUnit() < hotPairShare
                weights.append(popularity[i] * popularity[j] * (hot ? hotPairBoost : 1))
            }
        }
        pairWeights = weights
        scale = estimator.scale
        base = estimator.base
        var closeness = 0.0
        var pairs = 0.0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let s = estimator.winProbability(truth[i], over: truth[j])
                closeness += 2 * min(s, 1 - s)
                pairs += 1
            }
        }
        tau = tieShare > 0 && closeness > 0 ? min(1, tieShare / (closeness / pairs)) : 0
        self.bothBadShare = bothBadShare
    }

    var count: Int { names.count }

    /// The outcome of a battle with `a` on the left.
    func outcome(_ a: Int, _ b: Int, _ rng: inout Xoshiro256) -> Outcome {
        let s = 1 / (1 + Foundation.pow(base, (truth[b] - truth[a]) / scale))
        let q = tau * 2 * min(s, 1 - s)
        let u = rng.nextUnit()
        if u < s - q / 2 { return .aWins }
        if u < s + q / 2 { return rng.nextUnit() < bothBadShare ? .bothBad : .tie }
        return .bWins
    }

    /// The truth shifted to the fitted ratings' mean (ratings are identified
    /// only up to a shift).
    func centredTruth(onMeanOf ratings: [Double]) -> [Double] {
        let shift = ratings.reduce(0, +) / Double(ratings.count) - truth.reduce(0, +) / Double(truth.count)
        return truth.map { $0 + shift }
    }

    /// The true top k (indices, best first).
    func topK(_ k: Int) -> [Int] {
        Array((0..<count).sorted { truth[$0] > truth[$1] }.prefix(k))
    }
}
