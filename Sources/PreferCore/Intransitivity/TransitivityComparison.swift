import Dispatch
import Foundation
import Synchronization

/// Does a model that can express cycles predict the votes better than one
/// scalar per contender? Bradley–Terry against `BladeChest` by K-fold
/// held-out log-likelihood, with the Bradley–Terry goodness-of-fit
/// likelihood-ratio test against the saturated pairwise model.
///
/// Held out: every vote is put in one of K folds at random (seeded); each
/// model is fitted on K − 1 folds (both with the same weak ridge, the
/// blade–chest warm-started from its full-data fit) and scores the votes of
/// the last: s·log p + (t − s)·log(1 − p), ties half. The difference in mean
/// held-out log-likelihood per vote (blade–chest minus Bradley–Terry) comes
/// with the standard error of the per-vote differences, sd/√N — a paired
/// comparison over the same votes (the fold-to-fold variation of the fits is
/// not in it, so read |z| < 3 as no evidence).
///
/// Goodness of fit: G² = 2 Σ_pairs [s log(s/(t p̂)) + (t−s) log((t−s)/(t(1−p̂)))]
/// between the Bradley–Terry MLE and the saturated model (each pair its own
/// rate) is χ² with pairs − (n − 1) degrees of freedom under Bradley–Terry
/// when most pairs have several votes (a regular nested test, unlike the
/// blade–chest's, whose null sits on a singular point of its parameters).
/// It rejects any misfit — cycles, or types that disagree.
///
/// Cost: K + 1 blade–chest fits (O(pairs) per L-BFGS evaluation) and
/// K + 1 Bradley–Terry fits, the folds over the cores; O(votes) for the split.
public struct TransitivityComparison: Sendable {
    public var folds: Int
    public var seed: UInt64
    public var ridge: Double
    public var threads: Int?

    public init(folds: Int = 5, seed: UInt64 = 42, ridge: Double = 0.01, threads: Int? = nil) {
        self.folds = folds
        self.seed = seed
        self.ridge = ridge
        self.threads = threads
    }

    public struct Model: Sendable, Codable, Equatable {
        public var logLikelihood: Double
        public var parameters: Int
        /// Mean held-out log-likelihood per vote (nil without folds).
        public var heldOut: Double?

        enum CodingKeys: String, CodingKey {
            case logLikelihood = "log_likelihood"
            case parameters
            case heldOut = "held_out_per_vote"
        }
    }

    public struct Embedding: Sendable, Codable, Equatable {
        public var name: String
        /// The transitive part on the Elo scale (mean 1000).
        public var rating: Double
        public var a: Double
        public var b: Double
    }

    public struct GoodnessOfFit: Sendable, Codable, Equatable {
        public var g2: Double
        public var df: Int
        public var pValue: Double

        enum CodingKeys: String, CodingKey {
            case g2, df
            case pValue = "p_value"
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var bradleyTerry: Model
        public var bladeChest: Model
        public var folds: Int
        public var seed: UInt64
        public var ridge: Double
        /// Blade–chest minus Bradley–Terry, mean held-out log-likelihood per vote.
        public var heldOutDifference: Double?
        public var heldOutDifferenceSE: Double?
        public var goodnessOfFit: GoodnessOfFit
        /// The fitted embedding (aᵢ, bᵢ) and transitive rating of each contender.
        public var embedding: [Embedding]
        /// "cycles predict held-out votes better", "no better than bradley-terry", or "not tested".
        public var verdict: String

        enum CodingKeys: String, CodingKey {
            case bradleyTerry = "bradley_terry"
            case bladeChest = "blade_chest"
            case folds, seed, ridge
            case heldOutDifference = "held_out_difference"
            case heldOutDifferenceSE = "held_out_difference_se"
            case goodnessOfFit = "goodness_of_fit"
            case embedding, verdict
        }
    }

    /// Compares the models on `table` (weights ignored: every vote counts once).
    public func compare(_ table: VoteTable, estimator: BradleyTerry = BradleyTerry()) -> Result {
        let n = table.contenders.count
        let k = max(folds, 0)
        // Per pair slot: counts of [first wins, second wins, ties] per fold.
        var slotOf = PairSlotIndex(contenders: n)
        var firstBuilt: [Int32] = []
        var secondBuilt: [Int32] = []
        var cellsBuilt: [Double] = []
        let foldCount = max(k, 1)
        var rng = Xoshiro256(seed: seed, stream: 0xF01D)
        for row in 0..<table.count {
            let x = table.a[row]
            let y = table.b[row]
            guard x != y else { continue }
            let i = min(x, y)
            let j = max(x, y)
            let slot = slotOf.slot(i, j) {
                firstBuilt.append(i)
                secondBuilt.append(j)
                cellsBuilt.append(contentsOf: Array(repeating: 0, count: 3 * foldCount))
            }
            let fold = k > 1 ? rng.nextIndex(below: k) : 0
            let outcome = x == i ? table.outcomes[row] : table.outcomes[row].swapped
            let kind = outcome == .aWins ? 0 : (outcome == .bWins ? 1 : 2)
            cellsBuilt[(slot * foldCount + fold) * 3 + kind] += 1
        }
        let first = firstBuilt
        let second = secondBuilt
        let cells = cellsBuilt
        let pairs = first.count
        let data: @Sendable (Int?, Int?) -> PairData = { excluded, only in
            var s = [Double](repeating: 0, count: pairs)
            var t = [Double](repeating: 0, count: pairs)
            for p in 0..<pairs {
                for f in 0..<foldCount where f != excluded && (only == nil || f == only) {
                    let base = (p * foldCount + f) * 3
                    s[p] += cells[base] + 0.5 * cells[base + 2]
                    t[p] += cells[base] + cells[base + 1] + cells[base + 2]
                }
            }
            return PairData(n: n, i: first, j: second, s: s, t: t)
        }
        let all = data(nil, nil)
        let model = BladeChest(ridge: ridge)
        let bt = all.bradleyTerry(ridge: ridge)
        let full = model.fit(all)
        let btLogLikelihood = all.logLikelihood { bt[$0] - bt[$1] }

        // Held-out per-vote log-likelihoods, both models, and their paired differences.
        var heldOutBT: Double?
        var heldOutBC: Double?
        var difference: Double?
        var differenceSE: Double?
        if k > 1 {
            let sums = SharedBuffer<Double>(repeating: 0, count: k * 5)
            defer { sums.deallocate() }
            let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, k))
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let f = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if f >= k { break }
                    let train = data(f, nil)
                    let btTheta = train.bradleyTerry(ridge: ridge)
                    let bc = model.fit(train, start: full)
                    var llBT = 0.0, llBC = 0.0, votes = 0.0, d1 = 0.0, d2 = 0.0
                    for p in 0..<pairs {
                        let base = (p * foldCount + f) * 3
                        let w1 = cells[base], w2 = cells[base + 1], ties = cells[base + 2]
                        if w1 + w2 + ties == 0 { continue }
                        let i = Int(first[p]), j = Int(second[p])
                        let xBT = btTheta[i] - btTheta[j]
                        let xBC = bc.logit(i, j)
                        let winBT = PairwiseProblem.logSigmoid(xBT), loseBT = PairwiseProblem.logSigmoid(-xBT)
                        let winBC = PairwiseProblem.logSigmoid(xBC), loseBC = PairwiseProblem.logSigmoid(-xBC)
                        let tieBT = 0.5 * (winBT + loseBT), tieBC = 0.5 * (winBC + loseBC)
                        llBT += w1 * winBT + w2 * loseBT + ties * tieBT
                        llBC += w1 * winBC + w2 * loseBC + ties * tieBC
                        for (count, d) in [(w1, winBC - winBT), (w2, loseBC - loseBT), (ties, tieBC - tieBT)] {
                            d1 += count * d
                            d2 += count * d * d
                        }
                        votes += w1 + w2 + ties
                    }
                    for (slot, value) in [llBT, llBC, votes, d1, d2].enumerated() { sums[f * 5 + slot] = value }
                }
            }
            var totals = [Double](repeating: 0, count: 5)
            for f in 0..<k { for slot in 0..<5 { totals[slot] += sums[f * 5 + slot] } }
            let votes = totals[2]
            if votes > 0 {
                heldOutBT = totals[0] / votes
                heldOutBC = totals[1] / votes
                let mean = totals[3] / votes
                difference = mean
                let variance = max(0, totals[4] / votes - mean * mean) * votes / max(votes - 1, 1)
                differenceSE = (variance / votes).squareRoot()
            }
        }

        // Goodness of fit of the Bradley–Terry MLE against the saturated model.
        let mle = all.bradleyTerry(ridge: 0)
        var g2 = 0.0
        for p in 0..<pairs {
            // In log space, so that a gap the MLE pushes far out stays finite.
            let x = mle[Int(first[p])] - mle[Int(second[p])]
            let s = all.s[p], t = all.t[p]
            if s > 0 { g2 += 2 * s * (Foundation.log(s / t) - PairwiseProblem.logSigmoid(x)) }
            if t - s > 0 { g2 += 2 * (t - s) * (Foundation.log((t - s) / t) - PairwiseProblem.logSigmoid(-x)) }
        }
        if !g2.isFinite { g2 = 0 }
        let graph = ComparisonGraph(PairCounts(table))
        let df = max(0, pairs - (n - graph.componentCount))
        let goodness = GoodnessOfFit(g2: max(g2, 0), df: df,
                                     pValue: df > 0 ? ChiSquared.survival(max(g2, 0), degreesOfFreedom: Double(df)) : 1)

        let verdict: String
        if let difference, let differenceSE {
            verdict = difference > 3 * differenceSE && difference > 0
                ? "cycles predict held-out votes better" : "no better than bradley-terry"
        } else {
            verdict = "not tested"
        }
        let embedding = (0..<n).map { c in
            Embedding(name: table.contenders[c], rating: estimator.initialRating + estimator.eloPerNat * full.theta[c],
                      a: full.a[c], b: full.b[c])
        }
        return Result(
            bradleyTerry: Model(logLikelihood: btLogLikelihood, parameters: max(0, n - 1), heldOut: heldOutBT),
            bladeChest: Model(logLikelihood: full.logLikelihood, parameters: max(0, 3 * n - 6), heldOut: heldOutBC),
            folds: k > 1 ? k : 0,
            seed: seed,
            ridge: ridge,
            heldOutDifference: difference,
            heldOutDifferenceSE: differenceSE,
            goodnessOfFit: goodness,
            embedding: embedding,
            verdict: verdict)
    }
}
