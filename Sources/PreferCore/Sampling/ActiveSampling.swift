import Foundation

/// The settings of active pair selection: which rule scores the pairs, and
/// the guarantees that keep the draw fair and unpredictable.
///
/// A plan (`plan(counts:fit:)`) is computed from a fitted leaderboard — in a
/// server, the cached fit refreshed in the background — and drawing a battle
/// from it is a lookup: no fit, no query. The plan is a probability for every
/// pair of contenders, built in four steps (`ActiveSamplingPlan`):
///
/// 1. the rule scores each pair (`PairInformation`) and the scores, raised to
///    `sharpness`, become probabilities;
/// 2. no pair gets more than `pairCap(pairs:)` of the draws (the excess is
///    spread over the others), so no annotator can guess the next pair;
/// 3. contenders with fewer than `burstVotes` votes (new ones) get a burst:
///    `burstMultiple` times their uniform share of battles, as LMArena does
///    for models at launch (Chiang et al. 2024, §5);
/// 4. the result is mixed with uniform sampling, at least `explore` of it and
///    more where needed so that every contender keeps at least `floorShare`
///    of the share of battles it would get under uniform sampling.
///
/// JSON (arena settings): `{"rule": "width" | "lmarena" | "top-k" | "info-gain", "top_k": 10,
/// "floor_share": 0.3, "explore": 0.1, "max_pair_share": 0.05 (left out: automatic),
/// "burst_votes": 200, "burst_multiple": 3, "sharpness": 1,
/// "design_iterations": 30}`; every key but
/// `rule` is optional.
public struct ActiveSampling: Sendable, Hashable, Codable {
    /// How a pair's value is scored from the current fit.
    public enum Rule: String, Sendable, Hashable, Codable, CaseIterable {
        /// Shrink the widest rating intervals first: pairs are drawn from the
        /// MV-optimal design for the next votes — the distribution over pairs
        /// that minimises Σₖ Var(Rₖ)ᵐ (m = 32, a smooth maximum of the
        /// variances) given the votes so far — so votes go where intervals are
        /// widest and pairs are most informative (close ratings). Aims at the
        /// largest interval half-width.
        case width
        /// LMArena's rule (Chiang et al. 2024, "Chatbot Arena", §5): pair
        /// probability ∝ the reduction of the pair's rating-difference
        /// standard error by one more vote on it, √V − √V′, with V′ from the
        /// exact rank-one update of the fit's covariance.
        case lmarena
        /// Top-k identification: the width rule's design, with each
        /// contender's standard error measured against its distance to the
        /// top-k boundary (midway between the k-th and (k+1)-th fitted
        /// ratings), so votes go to the contenders whose intervals still
        /// straddle it — what separating the top k's intervals from the rest
        /// needs (in the spirit of LUCB, Kalyanakrishnan et al. 2012).
        case topK = "top-k"
        /// Expected information gain about top-k membership: a pair's score
        /// is the expected reduction of Σₖ H(P(contender k is in the top k))
        /// from one vote on it (Lindley 1956), H the binary entropy.
        case informationGain = "info-gain"
    }

    public var rule: Rule
    /// k for the top-k and information-gain rules.
    public var topK: Int
    /// Every contender gets at least this fraction of its uniform share of
    /// battles (2/n of the draws with n contenders). 0 turns the floor off.
    public var floorShare: Double
    /// The share of draws that are uniform over all pairs, at least.
    public var explore: Double
    /// No pair gets more than this share of the draws (raised to 1/pairs
    /// when there are too few pairs for it). Nil: automatic, scaled with the
    /// number of pairs (`automaticMaxPairShare(pairs:)`).
    public var maxPairShare: Double?
    /// A contender with fewer votes than this is new and gets a burst.
    public var burstVotes: Int
    /// A new contender's share of battles, in multiples of its uniform share.
    public var burstMultiple: Double
    /// Exponent on the rule's scores before normalising: 1 draws pairs in
    /// proportion to their value, larger values concentrate on the best.
    public var sharpness: Double
    /// Iterations of the design algorithm per plan (`width`), warm-started
    /// from the previous plan's design.
    public var designIterations: Int

    public init(
        rule: Rule = .width,
        topK: Int = 10,
        floorShare: Double = 0.3,
        explore: Double = 0.1,
        maxPairShare: Double? = nil,
        burstVotes: Int = 200,
        burstMultiple: Double = 3,
        sharpness: Double? = nil,
        designIterations: Int = 30
    ) {
        self.rule = rule
        self.topK = topK
        self.floorShare = floorShare
        self.explore = explore
        self.maxPairShare = maxPairShare
        self.burstVotes = burstVotes
        self.burstMultiple = burstMultiple
        self.sharpness = sharpness ?? Self.defaultSharpness(rule)
        self.designIterations = designIterations
    }

    /// The automatic per-pair cap: the larger of 5% and 4 × the uniform share
    /// 1/pairs, but at most 50%.
    ///
    /// Why: the cap is what keeps the next pair unguessable. A fixed 5% is
    /// loose on a large arena (50 contenders: 61 × uniform) but, at 7
    /// contenders or fewer (21 pairs or fewer, uniform ≥ 4.8%), it is at or
    /// below the uniform share and forces the plan back to uniform: active
    /// sampling would do nothing there. A cap of k × uniform alone would
    /// instead throttle large arenas, where the design's gains are measured
    /// (`docs/active-and-reward.md`), so the two are combined: from 14
    /// contenders up (≥ 80 pairs) the cap is 5%, as before; below, a pair can
    /// be at most 4 times as likely as under uniform sampling (10 contenders:
    /// 8.9%, 7: 19%, 5: 40%), and never more likely than a coin flip (50%).
    public static func automaticMaxPairShare(pairs: Int) -> Double {
        guard pairs > 0 else { return 1 }
        return min(0.5, max(0.05, 4 / Double(pairs)))
    }

    /// The cap on one pair's share of the draws among `pairs` pairs: the
    /// setting (or the automatic one), and at least 1/pairs.
    public func pairCap(pairs: Int) -> Double {
        guard pairs > 0 else { return 1 }
        return max(maxPairShare ?? Self.automaticMaxPairShare(pairs: pairs), 1 / Double(pairs))
    }

    /// LMArena's rule is proportional to the score (as published); the width
    /// rule's design is already a distribution.
    public static func defaultSharpness(_ rule: Rule) -> Double {
        switch rule {
        case .lmarena, .width, .topK, .informationGain: 1
        }
    }

    /// Checks the settings, with messages that say what to change.
    public func validate() throws(SamplingPolicyError) {
        if !(0...1).contains(floorShare) {
            throw .invalidSetting("floor_share must be between 0 and 1 (a fraction of the uniform share); got \(floorShare).")
        }
        if !(0...1).contains(explore) {
            throw .invalidSetting("explore must be between 0 and 1; got \(explore).")
        }
        if let maxPairShare, !(maxPairShare > 0 && maxPairShare <= 1) {
            throw .invalidSetting("max_pair_share must be above 0 and at most 1; got \(maxPairShare).")
        }
        if burstVotes < 0 { throw .invalidSetting("burst_votes must be 0 or more; got \(burstVotes).") }
        if !(burstMultiple >= 1 && burstMultiple.isFinite) {
            throw .invalidSetting("burst_multiple must be at least 1; got \(burstMultiple).")
        }
        if !(sharpness > 0 && sharpness <= 16) {
            throw .invalidSetting("sharpness must be above 0 and at most 16; got \(sharpness).")
        }
        if !(1...1000).contains(designIterations) {
            throw .invalidSetting("design_iterations must be between 1 and 1000; got \(designIterations).")
        }
        if (rule == .topK || rule == .informationGain) && topK < 1 { throw .invalidSetting("top_k must be at least 1; got \(topK).") }
    }

    enum CodingKeys: String, CodingKey {
        case rule
        case topK = "top_k"
        case floorShare = "floor_share"
        case explore
        case maxPairShare = "max_pair_share"
        case burstVotes = "burst_votes"
        case burstMultiple = "burst_multiple"
        case sharpness
        case designIterations = "design_iterations"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ActiveSampling(rule: try c.decode(Rule.self, forKey: .rule))
        self = defaults
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? defaults.topK
        floorShare = try c.decodeIfPresent(Double.self, forKey: .floorShare) ?? defaults.floorShare
        explore = try c.decodeIfPresent(Double.self, forKey: .explore) ?? defaults.explore
        maxPairShare = try c.decodeIfPresent(Double.self, forKey: .maxPairShare)
        burstVotes = try c.decodeIfPresent(Int.self, forKey: .burstVotes) ?? defaults.burstVotes
        burstMultiple = try c.decodeIfPresent(Double.self, forKey: .burstMultiple) ?? defaults.burstMultiple
        sharpness = try c.decodeIfPresent(Double.self, forKey: .sharpness) ?? defaults.sharpness
        designIterations = try c.decodeIfPresent(Int.self, forKey: .designIterations) ?? defaults.designIterations
    }
}
