import Foundation
import Testing
@testable import PreferCore

@Suite("Active sampling")
struct ActiveSamplingTests {
    /// A fitted arena: votes drawn by skewed popularity (some pairs rare).
    func arena(contenders: Int = 12, votes: Int = 3000, seed: UInt64 = 3) throws -> (PairCounts, BradleyTerryFit) {
        var synthetic = SyntheticArena(contenders: contenders, votes: votes, seed: seed)
        synthetic.popularitySkew = 1.2
        let counts = PairCounts(synthetic.draw().table)
        return (counts, try BradleyTerry().fit(counts))
    }

    static let rules: [ActiveSampling] = [
        ActiveSampling(rule: .width), ActiveSampling(rule: .lmarena), ActiveSampling(rule: .topK, topK: 3),
        ActiveSampling(rule: .informationGain, topK: 3),
    ]

    @Test func policiesParseAndUnknownOnesAreRefusedClearly() throws {
        #expect(try SamplingPolicy(parsing: "uniform") == .uniform)
        #expect(try SamplingPolicy(parsing: "weighted") == .weighted)
        #expect(try SamplingPolicy(parsing: "active") == .active(ActiveSampling(rule: .width)))
        #expect(try SamplingPolicy(parsing: "active:lmarena") == .active(ActiveSampling(rule: .lmarena)))
        #expect(try SamplingPolicy(parsing: "active:top-k=5") == .active(ActiveSampling(rule: .topK, topK: 5)))
        #expect(try SamplingPolicy(parsing: "active:top-k=5").description == "active:top-k=5")
        #expect(try SamplingPolicy(parsing: "active:info-gain=3") == .active(ActiveSampling(rule: .informationGain, topK: 3)))
        do {
            _ = try SamplingPolicy(parsing: "random")
            Issue.record("an unknown policy was accepted")
        } catch {
            #expect(error.message.contains("unknown sampling policy \"random\""))
            #expect(error.message.contains("active:lmarena"))
        }
        do {
            _ = try SamplingPolicy(parsing: "active:greedy")
            Issue.record("an unknown rule was accepted")
        } catch {
            #expect(error.message.contains("unknown active sampling rule \"greedy\""))
            #expect(error.message.contains("width, lmarena, top-k"))
        }
        #expect(throws: SamplingPolicyError.self) { try SamplingPolicy(parsing: "active:top-k=0") }
        #expect(throws: SamplingPolicyError.self) { try SamplingPolicy(parsing: "active:width=3") }
    }

    @Test func settingsRoundTripThroughJSONWithDefaults() throws {
        let decoded = try JSONDecoder().decode(ActiveSampling.self, from: Data(#"{"rule": "top-k", "top_k": 4, "floor_share": 0.5}"#.utf8))
        #expect(decoded.rule == .topK && decoded.topK == 4 && decoded.floorShare == 0.5)
        #expect(decoded.explore == ActiveSampling().explore)
        let again = try JSONDecoder().decode(ActiveSampling.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
        #expect(throws: SamplingPolicyError.self) { try ActiveSampling(rule: .width, floorShare: 1.5).validate() }
    }

    @Test func everyContenderKeepsItsFloorShareUnderEveryRule() throws {
        for seed in 1...4 as ClosedRange<UInt64> {
            let (counts, fit) = try arena(seed: seed)
            let n = counts.contenderCount
            for var settings in Self.rules {
                for floor in [0.3, 0.6, 0.9] {
                    settings.floorShare = floor
                    settings.explore = 0.01
                    let plan = ActiveSamplingPlan(counts: counts, fit: fit, settings: settings)
                    #expect(Swift.abs(plan.probabilities.reduce(0, +) - 1) < 1e-12)
                    for (k, share) in plan.contenderShares.enumerated() {
                        #expect(share >= floor * 2 / Double(n) - 1e-12, "\(settings.rule) floor \(floor): contender \(k) has \(share)")
                    }
                }
            }
        }
    }

    @Test func theDrawStaysRandomEveryPairPossibleNonePredictable() throws {
        let (counts, fit) = try arena(contenders: 30, votes: 20_000, seed: 5)
        let pairs = 30 * 29 / 2
        for settings in Self.rules {
            let plan = ActiveSamplingPlan(counts: counts, fit: fit, settings: settings)
            let smallest = plan.probabilities.min()!
            let largest = plan.probabilities.max()!
            #expect(smallest >= settings.explore / Double(pairs) - 1e-15, "\(settings.rule): a pair can never be drawn")
            #expect(largest <= settings.pairCap(pairs: pairs) + 1e-12, "\(settings.rule): one pair takes \(largest) of the draws")
            // Entropy: far from a deterministic choice.
            let entropy = -plan.probabilities.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) }
            #expect(entropy > Foundation.log(20.0), "\(settings.rule): entropy \(entropy) nats")
        }
    }

    /// The automatic per-pair cap: 5% from 14 contenders up, 4 × uniform
    /// below (at most 50%). A fixed 5% cap made arenas of 7 contenders or
    /// fewer uniform; with the automatic one their plan follows the rule.
    @Test func theAutomaticCapLetsSmallArenasSampleActively() throws {
        #expect(ActiveSampling.automaticMaxPairShare(pairs: 1225) == 0.05)
        #expect(ActiveSampling.automaticMaxPairShare(pairs: 91) == 0.05)
        #expect(Swift.abs(ActiveSampling.automaticMaxPairShare(pairs: 78) - 4.0 / 78) < 1e-15)
        #expect(Swift.abs(ActiveSampling.automaticMaxPairShare(pairs: 21) - 4.0 / 21) < 1e-15)
        #expect(ActiveSampling.automaticMaxPairShare(pairs: 6) == 0.5)
        #expect(ActiveSampling(maxPairShare: 0.2).pairCap(pairs: 3) == 1.0 / 3, "never below the uniform share")
        for n in [5, 7] {
            let (counts, fit) = try arena(contenders: n, votes: 1500, seed: 4)
            let pairs = n * (n - 1) / 2
            let fixed = ActiveSamplingPlan(counts: counts, fit: fit, settings: ActiveSampling(rule: .lmarena, maxPairShare: 0.05, burstVotes: 0))
            let automatic = ActiveSamplingPlan(counts: counts, fit: fit, settings: ActiveSampling(rule: .lmarena, burstVotes: 0))
            let spread = { (p: [Double]) in p.max()! / p.min()! }
            if n == 5 { #expect(spread(fixed.probabilities) < 1 + 1e-9, "5 contenders, 5% cap: \(fixed.probabilities)") }
            #expect(spread(automatic.probabilities) > 1.5, "\(n) contenders, automatic cap: \(automatic.probabilities)")
            #expect(automatic.probabilities.max()! <= ActiveSampling.automaticMaxPairShare(pairs: pairs) + 1e-12)
        }
    }

    @Test func drawsFollowThePlanAndRepeatWithTheSeed() throws {
        let (counts, fit) = try arena(contenders: 6, votes: 800, seed: 9)
        let plan = ActiveSamplingPlan(counts: counts, fit: fit, settings: ActiveSampling(rule: .width))
        var rng = Xoshiro256(seed: 11)
        var seen = [Int](repeating: 0, count: plan.pairCount)
        let draws = 200_000
        var first: [Int] = []
        for d in 0..<draws {
            let (i, j) = plan.draw(using: &rng)!
            #expect(i < j)
            let k = PairInformation.pairIndex(i, j, n: 6)
            seen[k] += 1
            if d < 50 { first.append(k) }
        }
        // Pearson's χ² against the plan, 14 degrees of freedom: the 99.9% point is 36.1.
        var chi2 = 0.0
        for k in 0..<plan.pairCount {
            let expected = Double(draws) * plan.probabilities[k]
            chi2 += (Double(seen[k]) - expected) * (Double(seen[k]) - expected) / expected
        }
        #expect(chi2 < 36.1, "χ² = \(chi2)")
        var again = Xoshiro256(seed: 11)
        let repeated = (0..<50).map { _ in plan.draw(using: &again).map { PairInformation.pairIndex($0.0, $0.1, n: 6) }! }
        #expect(repeated == first)
        var other = Xoshiro256(seed: 12)
        let different = (0..<50).map { _ in plan.draw(using: &other).map { PairInformation.pairIndex($0.0, $0.1, n: 6) }! }
        #expect(different != first)
    }

    @Test func newContendersGetABurstAndUnknownNamesTheBurstWeight() throws {
        // Ten contenders with many votes and one that just arrived.
        var synthetic = SyntheticArena(contenders: 10, votes: 5000, seed: 2)
        synthetic.popularitySkew = 0
        var table = synthetic.draw().table
        let newcomer = "newcomer"
        for k in 0..<20 { table.append(Vote(a: newcomer, b: table.contenders[k % 10], outcome: k % 3 == 0 ? .aWins : .bWins)) }
        let settings = ActiveSampling(rule: .width, burstVotes: 100, burstMultiple: 2)
        let plan = try ActiveSamplingPlan(votes: table, settings: settings)
        let k = plan.contenders.firstIndex(of: newcomer)!
        #expect(plan.isNew[k])
        #expect(plan.isNew.filter { $0 }.count == 1)
        // Twice its uniform share 2/11, less the uniform share mixed in (explore 0.1).
        #expect(plan.contenderShares[k] >= 0.9 * 2 * 2 / 11.0, "the newcomer gets \(plan.contenderShares[k])")
        #expect(plan.weight("unheard-of", plan.contenders[0]) == 2 / Double(plan.pairCount))
        #expect(plan.weight(plan.contenders[0], plan.contenders[0]) == 0)
    }

    @Test func noVotesYetGivesTheUniformDraw() throws {
        let plan = ActiveSamplingPlan.uniform(contenders: ["a", "b", "c", "d"])
        #expect(plan.probabilities.allSatisfy { Swift.abs($0 - 1 / 6.0) < 1e-15 })
        let empty = try ActiveSamplingPlan(votes: VoteTable(), settings: ActiveSampling())
        #expect(empty.pairCount == 0)
        var rng = Xoshiro256(seed: 1)
        #expect(empty.draw(using: &rng) == nil)
    }

    /// The Sherman–Morrison update against the covariance recomputed with the vote added.
    @Test func oneVotesVarianceReductionIsExact() throws {
        let (counts, fit) = try arena(contenders: 7, votes: 600, seed: 4)
        let info = PairInformation(counts: counts, theta: fit.theta)
        let n = 7
        for (i, j) in [(0, 1), (2, 5), (3, 6)] {
            var m = info.information
            let e = info.perVote(i, j)
            m[i * n + i] += e
            m[j * n + j] += e
            m[i * n + j] -= e
            m[j * n + i] -= e
            let after = PairInformation.centredInverse(m, n: n, rho: info.rho)
            let s = info.covariance[i * n + i] + info.covariance[j * n + j] - 2 * info.covariance[i * n + j]
            let factor = e / (1 + e * s)
            for k in 0..<n {
                let u = info.covariance[k * n + i] - info.covariance[k * n + j]
                let predicted = info.covariance[k * n + k] - factor * u * u
                #expect(Swift.abs(predicted - after[k * n + k]) < 1e-10 * info.covariance[k * n + k])
            }
            // LMArena's score: the drop of the pair's difference standard error.
            let sAfter = after[i * n + i] + after[j * n + j] - 2 * after[i * n + j]
            let score = info.lmarenaScores()[PairInformation.pairIndex(i, j, n: n)]
            #expect(Swift.abs(score - (s.squareRoot() - sAfter.squareRoot())) < 1e-10)
        }
    }

    /// The width rule's design lowers the largest variance below uniform's for the same votes.
    @Test func theWidthDesignBeatsUniformOnTheLargestVariance() throws {
        let (counts, fit) = try arena(contenders: 15, votes: 400, seed: 6)
        let info = PairInformation(counts: counts, theta: fit.theta)
        let n = 15
        let pairs = n * (n - 1) / 2
        let design = info.widthDesign(start: nil, iterations: 300)
        func largestVariance(_ xi: [Double]) -> Double {
            var m = info.information
            for i in 0..<n {
                for j in (i + 1)..<n {
                    // The design is planned for max(votes so far, 10n) = 400 more votes.
                    let w = 400 * xi[PairInformation.pairIndex(i, j, n: n)] * info.perVote(i, j)
                    m[i * n + i] += w
                    m[j * n + j] += w
                    m[i * n + j] -= w
                    m[j * n + i] -= w
                }
            }
            let c = PairInformation.centredInverse(m, n: n, rho: info.rho)
            return (0..<n).map { c[$0 * n + $0] }.max()!
        }
        let uniform = largestVariance(Array(repeating: 1 / Double(pairs), count: pairs))
        let designed = largestVariance(design)
        #expect(designed < 0.95 * uniform, "designed \(designed) vs uniform \(uniform)")
        #expect(Swift.abs(design.reduce(0, +) - 1) < 1e-9)
    }

    /// The top-k rule spends its votes on the contenders next to the boundary.
    @Test func theTopKRuleLooksAtTheBoundary() throws {
        let (counts, fit) = try arena(contenders: 12, votes: 6000, seed: 8)
        var settings = ActiveSampling(rule: .topK, topK: 3)
        settings.designIterations = 200
        let plan = ActiveSamplingPlan(counts: counts, fit: fit, settings: settings)
        let order = (0..<12).sorted { fit.theta[$0] > fit.theta[$1] }
        let shares = plan.contenderShares
        let nearBoundary = (shares[order[2]] + shares[order[3]]) / 2
        let farthest = shares[order[11]]
        #expect(nearBoundary > 3 * farthest, "next to the boundary \(nearBoundary), farthest \(farthest)")
    }

    /// The information-gain rule scores pairs at the boundary: pairs of
    /// contenders far from it score much less.
    @Test func theInformationGainRuleLooksAtTheBoundary() throws {
        let (counts, fit) = try arena(contenders: 12, votes: 6000, seed: 8)
        let info = PairInformation(counts: counts, theta: fit.theta)
        let scores = info.topKScores(k: 3)
        let order = (0..<12).sorted { fit.theta[$0] > fit.theta[$1] }
        let boundary = PairInformation.pairIndex(min(order[2], order[3]), max(order[2], order[3]), n: 12)
        let far = PairInformation.pairIndex(min(order[10], order[11]), max(order[10], order[11]), n: 12)
        #expect(scores[boundary] > 10 * scores[far])
        #expect(scores.max()! > 0)
    }
}
