import Foundation

/// A synthetic arena drawn from known ratings, for benchmarks and coverage
/// checks (the same generative model as the reference `gen_votes.py`).
///
/// - True ratings: initial + Normal(0, `ratingSpread`).
/// - Pairing: each contender gets a log-normal popularity (σ = `popularitySkew`);
///   an unordered pair is drawn ∝ the product of its popularities, and a
///   `hotPairShare` of the pairs have that weight multiplied by `hotPairBoost`,
///   as in real arenas where a few match-ups dominate. Sides are a coin flip.
/// - Outcome: `CloseTies` (ties likelier between close contenders, A's
///   expected score exactly P(A beats B)), τ calibrated so ties make up
///   `tieShare` of the votes; a `bothBadShare` of ties is labelled "both bad".
///
/// Deterministic given `seed`. O(votes + pairs) time.
public struct SyntheticArena: Sendable {
    public var contenders: Int
    public var votes: Int
    public var seed: UInt64
    public var tieShare: Double = 0.25
    public var bothBadShare: Double = 0.4
    public var ratingSpread: Double = 120
    public var popularitySkew: Double = 1.0
    public var hotPairShare: Double = 0.02
    public var hotPairBoost: Double = 20

    public init(contenders: Int, votes: Int, seed: UInt64) {
        self.contenders = contenders
        self.votes = votes
        self.seed = seed
    }

    /// The same arena with other tie shares.
    public func withShares(tie: Double, bothBad: Double) -> SyntheticArena {
        var copy = self
        copy.tieShare = tie
        copy.bothBadShare = bothBad
        return copy
    }

    public struct Draw: Sendable {
        public var table: VoteTable
        /// The ratings the votes were drawn from, indexed like `table.contenders`.
        public var trueRatings: [Double]
    }

    public func draw(estimator: BradleyTerry = BradleyTerry()) -> Draw {
        precondition(contenders >= 2, "an arena needs at least two contenders")
        var rng = Xoshiro256(seed: seed)
        let names = (0..<contenders).map { Self.name($0, &rng) }
        let truth = (0..<contenders).map { _ in estimator.initialRating + ratingSpread * rng.nextGaussian() }
        let popularity = (0..<contenders).map { _ in Foundation.exp(popularitySkew * rng.nextGaussian()) }
        var pairI: [Int32] = []
        var pairJ: [Int32] = []
        var weight: [Double] = []
        for i in 0..<contenders {
            for j in (i + 1)..<contenders {
                pairI.append(Int32(i))
                pairJ.append(Int32(j))
                let hot = rng.nextUnit() < hotPairShare
                weight.append(popularity[i] * popularity[j] * (hot ? hotPairBoost : 1))
            }
        }
        let pairs = AliasTable(weights: weight)
        // Expected closeness over drawn pairs calibrates the tie scale τ.
        let total = weight.reduce(0, +)
        var closeness = 0.0
        for p in 0..<weight.count {
            let s = estimator.winProbability(truth[Int(pairI[p])], over: truth[Int(pairJ[p])])
            closeness += weight[p] / total * 2 * min(s, 1 - s)
        }
        let ties = CloseTies(tau: CloseTies.tau(tieShare: tieShare, closeness: closeness), bothBadShare: bothBadShare)

        var a = [Int32](repeating: 0, count: votes)
        var b = [Int32](repeating: 0, count: votes)
        var outcomes = [Outcome](repeating: .tie, count: votes)
        for v in 0..<votes {
            let p = pairs.sample(&rng)
            let flip = rng.next() & 1 == 1
            let x = flip ? pairJ[p] : pairI[p]
            let y = flip ? pairI[p] : pairJ[p]
            a[v] = x
            b[v] = y
            outcomes[v] = ties.outcome(estimator.winProbability(truth[Int(x)], over: truth[Int(y)]), &rng)
        }
        let table = VoteTable(
            contenders: names, a: a, b: b, outcomes: outcomes, weights: nil,
            voters: nil, categories: nil, timestamps: nil, attributes: [:]
        )
        return Draw(table: table, trueRatings: truth)
    }

    private static let vendors = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne",
                                  "tyrell", "cyberdyne", "soylent", "aperture", "wonka", "oscorp"]
    private static let families = ["chat", "instruct", "pro", "turbo", "mini", "ultra", "flash",
                                   "sonnet", "opus", "nova", "lite", "max"]
    private static let sizes = [1, 3, 7, 8, 13, 34, 70, 405]

    /// Realistic-looking, distinct names such as "hooli-chat-70b-v0.5-005".
    static func name(_ i: Int, _ rng: inout Xoshiro256) -> String {
        let v = vendors[rng.nextIndex(below: vendors.count)]
        let f = families[rng.nextIndex(below: families.count)]
        let s = sizes[rng.nextIndex(below: sizes.count)]
        let number = String(i).count >= 3 ? String(i) : String(repeating: "0", count: 3 - String(i).count) + String(i)
        return "\(v)-\(f)-\(s)b-v\(i / 10).\(i % 10)-\(number)"
    }
}
