import Foundation

/// A probability for every pair of contenders, from which battles are drawn:
/// what `ActiveSampling` computes from a fit, held (e.g. by a server, beside
/// its cached leaderboard) until the next fit. Drawing from it is a lookup.
///
/// Built from the rule's pair scores in four steps — sharpen and normalise,
/// cap each pair at `pairCap(pairs:)` (water-filling: the excess is spread over
/// the uncapped pairs in proportion), mix in each new contender's burst (its
/// pairs uniformly), then mix with uniform sampling by the smallest ε ≥
/// `explore` that lifts every contender to `floorShare` of its uniform share.
/// Each step keeps the previous steps' guarantees: mixing with uniform never
/// raises a pair above the cap (the cap is at least 1/pairs), and the floor
/// comes last. Guarantees of the result: every pair has probability at least
/// ε/pairs > 0, every contender's share of battles Σⱼ pᵢⱼ is at least
/// `floorShare`·2/n, new contenders get `burstMultiple`·2/n (less when many
/// are new at once: bursts take at most half the draws).
///
/// O(pairs) to build from scores; a draw is a binary search, O(log pairs).
public struct ActiveSamplingPlan: Sendable {
    /// Contender names, as in the fit.
    public let contenders: [String]
    public let settings: ActiveSampling
    /// P(pair) for i < j, in the order (0,1), (0,2), …, (0,n−1), (1,2), ….
    public let probabilities: [Double]
    /// Contenders that had fewer than `burstVotes` votes when the plan was made.
    public let isNew: [Bool]
    /// The uniform share actually mixed in (ε ≥ `explore`).
    public let uniformShare: Double
    /// The rule's distribution before the cap, bursts and floor (the width
    /// rule's design, which the next plan starts from).
    public let design: [Double]?
    private let cumulative: [Double]
    private let index: [String: Int]

    public var pairCount: Int { probabilities.count }

    /// The plan for the votes so far: fits Bradley–Terry (ties as half wins)
    /// and scores the pairs. Contenders without votes are new.
    public init(votes: VoteTable, settings: ActiveSampling, previous: ActiveSamplingPlan? = nil) throws {
        try settings.validate()
        let counts = PairCounts(votes)
        if counts.totalVotes == 0 {
            self.init(contenders: votes.contenders, scores: nil, votes: counts.contenderVotes, settings: settings)
        } else {
            let fit = try BradleyTerry().fit(counts)
            self.init(counts: counts, fit: fit, settings: settings, previous: previous)
        }
    }

    /// The plan from a fit the caller already has (a server's cached one).
    /// `previous`, the plan this one replaces, warm-starts the width rule's
    /// design when it has the same contenders in the same order.
    public init(counts: PairCounts, fit: BradleyTerryFit, settings: ActiveSampling, previous: ActiveSamplingPlan? = nil) {
        var information = PairInformation(counts: counts, theta: fit.theta)
        if settings.rule == .width || settings.rule == .topK { information.observe(counts, fit: fit) }
        let start = previous.flatMap { $0.contenders == counts.contenders ? $0.design : nil }
        self.init(contenders: counts.contenders, scores: information.scores(settings, previous: start), votes: counts.contenderVotes, settings: settings)
    }

    /// A plan from pair scores (nil: no information yet, every pair alike).
    init(contenders: [String], scores: [Double]?, votes: [Int], settings: ActiveSampling) {
        let n = contenders.count
        let pairs = n * (n - 1) / 2
        self.contenders = contenders
        self.settings = settings
        index = Dictionary(contenders.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let fresh = votes.map { $0 < settings.burstVotes }
        isNew = fresh
        guard pairs > 0 else {
            probabilities = []
            cumulative = []
            uniformShare = 1
            design = nil
            return
        }
        // 1. Scores → probabilities.
        var p: [Double]
        let usable = scores.map { s in s.count == pairs && s.allSatisfy { $0.isFinite && $0 >= 0 } && s.contains { $0 > 0 } } ?? false
        if let scores, usable {
            let top = scores.max()!
            p = scores.map { Foundation.pow($0 / top, settings.sharpness) }
        } else {
            p = Array(repeating: 1, count: pairs)
        }
        Self.normalise(&p)
        design = usable ? p : nil
        // 2. Cap.
        Self.cap(&p, at: settings.pairCap(pairs: pairs))
        // 3. Bursts for new contenders (not when every contender is new: then
        // nothing is known and the draw is already uniform or near it).
        let newOnes = (0..<n).filter { fresh[$0] }
        if !newOnes.isEmpty && newOnes.count < n {
            let each = settings.burstMultiple * 2 / Double(n)
            let total = min(0.5, each * Double(newOnes.count))
            let share = total / Double(newOnes.count)
            for k in 0..<pairs { p[k] *= 1 - total }
            let perPair = share / Double(n - 1)
            for b in newOnes {
                for j in 0..<n where j != b {
                    p[PairInformation.pairIndex(min(b, j), max(b, j), n: n)] += perPair
                }
            }
        }
        // 4. Uniform share: at least `explore`, more if a contender is below its floor.
        let fair = 2 / Double(n)
        let shares = Self.shares(p, n: n)
        var epsilon = settings.explore
        for m in shares where m < settings.floorShare * fair {
            epsilon = max(epsilon, (settings.floorShare * fair - m) / (fair - m))
        }
        epsilon = min(1, epsilon)
        let uniform = 1 / Double(pairs)
        for k in 0..<pairs { p[k] = (1 - epsilon) * p[k] + epsilon * uniform }
        Self.normalise(&p)
        probabilities = p
        uniformShare = epsilon
        var running = 0.0
        cumulative = p.map { running += $0; return running }
    }

    /// Every pair alike (no fit yet).
    public static func uniform(contenders: [String], settings: ActiveSampling = ActiveSampling()) -> ActiveSamplingPlan {
        ActiveSamplingPlan(contenders: contenders, scores: nil, votes: Array(repeating: 0, count: contenders.count), settings: settings)
    }

    /// P(the next battle is between contenders i and j), either order.
    public func probability(_ i: Int, _ j: Int) -> Double {
        guard i != j, i >= 0, j >= 0, i < contenders.count, j < contenders.count else { return 0 }
        return probabilities[PairInformation.pairIndex(min(i, j), max(i, j), n: contenders.count)]
    }

    /// The relative weight of the pair (a, b) by name, for a caller that
    /// draws among the pairs a prompt allows (as `Sampling.weighted` weights
    /// do). A contender the plan does not know (added since the fit) gets the
    /// burst: `burstMultiple` times a uniform pair's probability.
    public func weight(_ a: String, _ b: String) -> Double {
        guard a != b else { return 0 }
        if let i = index[a], let j = index[b] { return probability(i, j) }
        return settings.burstMultiple / Double(max(pairCount, 1))
    }

    /// Each contender's share of battles, Σⱼ pᵢⱼ (they sum to 2).
    public var contenderShares: [Double] { Self.shares(probabilities, n: contenders.count) }

    /// Draws a pair (i < j); which one is shown left is the caller's coin flip.
    public func draw<R: RandomNumberGenerator>(using rng: inout R) -> (Int, Int)? {
        guard let k = RunningSums.draw(from: cumulative, using: &rng) else { return nil }
        return Self.pair(at: k, n: contenders.count)
    }

    /// The pair (i, j), i < j, at position `k` of the pair order.
    static func pair(at k: Int, n: Int) -> (Int, Int) {
        var i = 0
        var start = 0
        while start + (n - i - 1) <= k {
            start += n - i - 1
            i += 1
        }
        return (i, i + 1 + (k - start))
    }

    static func shares(_ p: [Double], n: Int) -> [Double] {
        var m = [Double](repeating: 0, count: n)
        var k = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                m[i] += p[k]
                m[j] += p[k]
                k += 1
            }
        }
        return m
    }

    static func normalise(_ p: inout [Double]) {
        let total = p.reduce(0, +)
        guard total > 0 else { return }
        for k in p.indices { p[k] /= total }
    }

    /// Water-filling: no entry above `cap`, the excess spread over the others
    /// in proportion to their mass (uniformly if they have none). Needs
    /// cap ≥ 1/count.
    static func cap(_ p: inout [Double], at cap: Double) {
        var capped = [Bool](repeating: false, count: p.count)
        for _ in 0..<p.count {
            var excess = 0.0
            for k in p.indices where !capped[k] && p[k] > cap {
                excess += p[k] - cap
                p[k] = cap
                capped[k] = true
            }
            guard excess > 1e-15 else { return }
            let free = p.indices.filter { !capped[$0] }
            guard !free.isEmpty else { return }
            let mass = free.reduce(0) { $0 + p[$1] }
            for k in free { p[k] += mass > 0 ? excess * p[k] / mass : excess / Double(free.count) }
        }
    }
}
