import Foundation
import Testing
@testable import PreferCore

@Suite("Pair sampler")
struct PairSamplerTests {
    func arena(contenders: Int = 10, votes: Int = 3000, seed: UInt64 = 4) throws -> (PairCounts, BradleyTerryFit) {
        var synthetic = SyntheticArena(contenders: contenders, votes: votes, seed: seed)
        synthetic.popularitySkew = 1.2
        let counts = PairCounts(synthetic.draw().table)
        return (counts, try BradleyTerry().fit(counts))
    }

    /// Draw frequencies of each unordered pair and of "first name on the left".
    func frequencies(_ sampler: PairSampler, among names: [String], draws: Int, seed: UInt64) -> (pairs: [Set<String>: Int], leftFirst: Int) {
        var rng = Xoshiro256(seed: seed)
        var pairs: [Set<String>: Int] = [:]
        var leftFirst = 0
        for _ in 0..<draws {
            guard let (left, right) = sampler.nextPair(among: names, using: &rng) else { continue }
            pairs[[left, right], default: 0] += 1
            if names.firstIndex(of: left)! < names.firstIndex(of: right)! { leftFirst += 1 }
        }
        return (pairs, leftFirst)
    }

    /// Each pair's frequency is within 5 binomial standard errors of its probability.
    func expectMatches(_ observed: [Set<String>: Int], _ probability: (String, String) -> Double, names: [String], draws: Int) {
        for i in 0..<names.count {
            for j in (i + 1)..<names.count {
                let p = probability(names[i], names[j])
                let n = Double(observed[[names[i], names[j]]] ?? 0)
                let sd = (Double(draws) * p * (1 - p)).squareRoot()
                #expect(Swift.abs(n - Double(draws) * p) <= 5 * sd + 1, "\(names[i])–\(names[j]): \(n) draws, expected \(Double(draws) * p)")
            }
        }
    }

    @Test func theSameSeedGivesTheSamePairAndTooFewCandidatesNone() throws {
        let (counts, fit) = try arena()
        let sampler = try PairSampler(policy: .active(ActiveSampling(rule: .lmarena)), counts: counts, fit: fit)
        let names = Array(counts.contenders.prefix(6))
        let a = (0..<50).map { sampler.nextPair(among: names, seed: $0).map { [$0.left, $0.right] } }
        let b = (0..<50).map { sampler.nextPair(among: names, seed: $0).map { [$0.left, $0.right] } }
        #expect(a == b)
        #expect(Set(a.compactMap { $0 }.map { $0.joined(separator: "|") }).count > 5, "the draw depends on the seed")
        #expect(sampler.nextPair(among: [names[0]], seed: 1) == nil)
        #expect(sampler.nextPair(among: [names[0], names[0]], seed: 1) == nil)
    }

    @Test func uniformAndWeightedDrawInProportionWithFairSides() throws {
        let (counts, _) = try arena()
        let names = Array(counts.contenders.prefix(4))
        let draws = 40_000
        let uniform = try PairSampler(policy: .uniform, counts: counts)
        let u = frequencies(uniform, among: names, draws: draws, seed: 7)
        expectMatches(u.pairs, { _, _ in 1.0 / 6 }, names: names, draws: draws)
        #expect(Swift.abs(Double(u.leftFirst) / Double(draws) - 0.5) < 0.02)

        let w = [names[0]: 3.0, names[1]: 1.0, names[2]: 0.5]  // names[3] weighs 1
        let weighted = try PairSampler(policy: .weighted, counts: counts, weights: w)
        var total = 0.0
        for i in 0..<4 { for j in (i + 1)..<4 { total += (w[names[i]] ?? 1) * (w[names[j]] ?? 1) } }
        let f = frequencies(weighted, among: names, draws: draws, seed: 8)
        expectMatches(f.pairs, { a, b in (w[a] ?? 1) * (w[b] ?? 1) / total }, names: names, draws: draws)
    }

    /// Among the prompt's candidates, pairs come ∝ the active plan's
    /// probabilities, so the plan's floor and cap carry over to battles.
    @Test func activeDrawsFollowThePlanAmongThePromptsContenders() throws {
        let (counts, fit) = try arena(contenders: 10, votes: 4000, seed: 9)
        for rule in ActiveSampling.Rule.allCases {
            let sampler = try PairSampler(policy: .active(ActiveSampling(rule: rule, topK: 3)), counts: counts, fit: fit)
            let plan = try #require(sampler.plan)
            // Agrees with a plan built independently from the same counts.
            let direct = ActiveSamplingPlan(counts: counts, fit: fit, settings: ActiveSampling(rule: rule, topK: 3))
            #expect(plan.probabilities == direct.probabilities)
            let names = [counts.contenders[0], counts.contenders[3], counts.contenders[5], counts.contenders[8]]
            var total = 0.0
            for i in 0..<4 { for j in (i + 1)..<4 { total += plan.weight(names[i], names[j]) } }
            let draws = 30_000
            let f = frequencies(sampler, among: names, draws: draws, seed: 10)
            expectMatches(f.pairs, { a, b in plan.weight(a, b) / total }, names: names, draws: draws)
        }
    }

    /// A contender added since the fit gets the burst weight; with no votes
    /// the active plan is uniform; without a fit given, the sampler fits.
    @Test func newContendersNoVotesAndNoFit() throws {
        let (counts, fit) = try arena()
        let settings = ActiveSampling(rule: .width)
        let sampler = try PairSampler(policy: .active(settings), counts: counts, fit: fit)
        let plan = try #require(sampler.plan)
        #expect(sampler.weight("new model", counts.contenders[0]) == settings.burstMultiple / Double(plan.pairCount))
        #expect(sampler.weight("a", "a") == 0)

        let empty = PairTally(contenders: ["a", "b", "c"]).counts()
        let fresh = try PairSampler(policy: .active(settings), counts: empty)
        let p = try #require(fresh.plan).probabilities
        #expect(p.allSatisfy { Swift.abs($0 - 1.0 / 3) < 1e-12 })

        let selfFitted = try PairSampler(policy: .active(settings), counts: counts)
        #expect(try #require(selfFitted.plan).probabilities == plan.probabilities)
        #expect(throws: SamplingPolicyError.self) {
            try PairSampler(policy: .active(ActiveSampling(rule: .width, floorShare: 2)), counts: counts)
        }
        #expect(SamplingPolicy(Sampling.weighted) == .weighted)
    }
}
