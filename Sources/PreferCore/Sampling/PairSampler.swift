import Foundation

/// The next battle's pair under an arena's sampling policy: what a server's
/// battle service calls once it has drawn a prompt and knows which
/// contenders have outputs for it.
///
/// Two steps, so that drawing a battle stays a lookup:
///
/// 1. `init(policy:counts:fit:weights:previous:)` — whenever the cached fit
///    is refreshed (in the background): for an active policy, scores every
///    pair and builds the `ActiveSamplingPlan` (floor share, per-pair cap,
///    bursts for new contenders); uniform and weighted keep no plan.
///    O(pairs) plus the rule's cost (the width design: O(iterations · pairs)).
/// 2. `nextPair(among:using:)` — per battle: a draw among the pairs of the
///    prompt's contenders ∝ the pair's weight (uniform: 1; weighted: wᵢ·wⱼ;
///    active: the plan's probability, a contender unknown to the plan getting
///    the burst weight), then a fair coin for the sides. O(k²) for k
///    contenders with outputs for the prompt; no fit, no query.
///
/// Pure and deterministic: the same counts, fit, policy and random stream
/// give the same pair. The sampler is `Sendable` and immutable, so a server
/// can swap in a new one atomically after each refit.
public struct PairSampler: Sendable {
    public let policy: SamplingPolicy
    /// The active plan (nil for uniform and weighted).
    public let plan: ActiveSamplingPlan?
    /// Contender weights for `weighted` (missing names weigh 1).
    public let weights: [String: Double]

    /// The sampler for the votes so far. For an active policy, `fit` is the
    /// caller's cached Bradley–Terry fit of `counts`; when it is nil the fit
    /// is computed here (ties as half wins). With no votes yet, or a fit that
    /// fails, the active plan is the uniform one (with bursts and floor): a
    /// battle is never refused for want of a fit.
    /// `previous` (the sampler this one replaces) warm-starts the width
    /// rule's design. Throws only for invalid active settings.
    public init(
        policy: SamplingPolicy,
        counts: PairCounts,
        fit: BradleyTerryFit? = nil,
        weights: [String: Double] = [:],
        previous: PairSampler? = nil
    ) throws(SamplingPolicyError) {
        self.policy = policy
        self.weights = weights
        guard case .active(let settings) = policy else {
            plan = nil
            return
        }
        try settings.validate()
        var fitted = fit
        if fitted == nil, counts.totalVotes > 0 { fitted = try? BradleyTerry().fit(counts) }
        if let fitted, fitted.theta.count == counts.contenderCount, counts.totalVotes > 0 {
            plan = ActiveSamplingPlan(counts: counts, fit: fitted, settings: settings, previous: previous?.plan)
        } else {
            plan = .uniform(contenders: counts.contenders, settings: settings)
        }
    }

    /// The relative weight of the pair (a, b), either order; 0 for a == b.
    public func weight(_ a: String, _ b: String) -> Double {
        guard a != b else { return 0 }
        switch policy {
        case .uniform:
            return 1
        case .weighted:
            return Swift.max(weights[a] ?? 1, 0) * Swift.max(weights[b] ?? 1, 0)
        case .active:
            return plan?.weight(a, b) ?? 1
        }
    }

    /// The next pair among `candidates` (the contenders with outputs for the
    /// drawn prompt; duplicates ignored), drawn ∝ `weight`, sides by a coin
    /// flip. Nil when fewer than two distinct candidates are given. When
    /// every pair weighs 0 (weighted with zero weights), the draw is uniform.
    public func nextPair<R: RandomNumberGenerator>(among candidates: [String], using rng: inout R) -> (left: String, right: String)? {
        var seen = Set<String>()
        let names = candidates.filter { seen.insert($0).inserted }
        guard names.count >= 2 else { return nil }
        var pairs: [(Int, Int)] = []
        var cumulative: [Double] = []
        pairs.reserveCapacity(names.count * (names.count - 1) / 2)
        cumulative.reserveCapacity(pairs.capacity)
        var total = 0.0
        for i in 0..<names.count {
            for j in (i + 1)..<names.count {
                let w = weight(names[i], names[j])
                total += w.isFinite && w > 0 ? w : 0
                pairs.append((i, j))
                cumulative.append(total)
            }
        }
        let k = RunningSums.draw(from: cumulative, using: &rng) ?? Int.random(in: 0..<pairs.count, using: &rng)
        let (i, j) = pairs[k]
        return Bool.random(using: &rng) ? (names[i], names[j]) : (names[j], names[i])
    }

    /// `nextPair(among:using:)` with a `Xoshiro256` seeded by `seed`.
    public func nextPair(among candidates: [String], seed: UInt64) -> (left: String, right: String)? {
        var rng = Xoshiro256(seed: seed)
        return nextPair(among: candidates, using: &rng)
    }
}
