import Foundation
import PreferTestSupport
import Testing

@testable import PreferCore

@Suite("Plackett–Luce")
struct PlackettLuceTests {
    /// Pairwise votes alone: Plackett–Luce with ties as half wins is the Bradley–Terry likelihood.
    @Test(arguments: ["arena-basic.jsonl", "arena-sparse.jsonl", "arena-lmarena.json"])
    func pairwiseVotesGiveTheBradleyTerryFit(_ name: String) throws {
        let table = try TestData.votes(name)
        let bt = try BradleyTerry().fit(PairCounts(table))
        let pl = try PlackettLuce().fit(ChoiceCounts(table))
        #expect(pl.converged)
        for k in 0..<table.contenders.count {
            #expect(Swift.abs(pl.ratings[k] - bt.ratings[k]) < 1e-9, "\(table.contenders[k]): \(pl.ratings[k]) vs \(bt.ratings[k])")
        }
    }

    /// Two-candidate K-way votes are pairwise votes.
    @Test func twoCandidateRankingsGiveTheBradleyTerryFit() throws {
        let table = try TestData.votes("arena-basic.jsonl")
        var kway = VoteTable()
        for name in table.contenders { kway.internContender(name) }
        for row in 0..<table.count where !table.outcomes[row].isTie {
            let a = table.contenders[Int(table.a[row])]
            let b = table.contenders[Int(table.b[row])]
            kway.append(try KWayVote(candidates: [a, b], best: table.outcomes[row] == .aWins ? a : b))
        }
        let decisive = table.filtered(table.outcomes.map { !$0.isTie })
        let bt = try BradleyTerry().fit(PairCounts(decisive))
        let pl = try PlackettLuce().fit(ChoiceCounts(kway))
        #expect(pl.converged)
        for (k, name) in table.contenders.enumerated() {
            #expect(Swift.abs(pl.rating(of: name)! - bt.ratings[k]) < 1e-9, "\(name)")
        }
    }

    @Test(arguments: ["degenerate-undefeated.jsonl", "degenerate-disconnected.jsonl"])
    func degenerateCasesAsBradleyTerry(_ name: String) throws {
        let table = try TestData.votes(name)
        let bt = try BradleyTerry().fit(PairCounts(table))
        let pl = try PlackettLuce().fit(ChoiceCounts(table))
        #expect(pl.converged)
        #expect(pl.provisional == bt.provisional)
        #expect(pl.componentMethods == bt.componentMethods)
        for k in 0..<table.contenders.count {
            #expect(Swift.abs(pl.ratings[k] - bt.ratings[k]) < 1e-6, "\(table.contenders[k]): \(pl.ratings[k]) vs \(bt.ratings[k])")
        }
    }
}

@Suite("Plackett–Luce likelihood")
struct ChoiceProblemTests {
    /// 50,000 random K-way votes: enough cells for the passes to split into parallel chunks.
    static func largeTable() throws -> VoteTable {
        var rng = Xoshiro256(seed: 5)
        let names = (0..<40).map { "c\($0)" }
        var table = VoteTable()
        for _ in 0..<50_000 {
            let k = 2 + rng.nextIndex(below: 4)
            var chosen: [String] = []
            while chosen.count < k {
                let name = names[rng.nextIndex(below: names.count)]
                if !chosen.contains(name) { chosen.append(name) }
            }
            let ranked = 1 + rng.nextIndex(below: k)
            table.append(try KWayVote(candidates: chosen, ranking: Array(chosen.shuffled(using: &rng).prefix(ranked))))
        }
        for _ in 0..<2_000 {
            let a = rng.nextIndex(below: 30)
            let b = (a + 1 + rng.nextIndex(below: 29)) % 30
            table.append(Vote(a: names[a], b: names[b], outcome: [Outcome.aWins, .bWins, .tie][rng.nextIndex(below: 3)]))
        }
        return table
    }

    /// The chunked, parallel ℓ, ∇ℓ and information against a direct sum over
    /// the choices and finite differences.
    @Test(arguments: [TieModel.half, .davidson, .raoKupper])
    func derivativesMatchDirectSums(_ ties: TieModel) throws {
        let counts = ChoiceCounts(try Self.largeTable())
        #expect(counts.cellCount > 32_768)
        let n = counts.contenderCount
        let problem = ChoiceProblem(counts, contenders: Array(0..<n), groups: [Array(0..<n)], ties: ties)
        #expect(problem.cellChunks().count > 1)
        var rng = Xoshiro256(seed: 9)
        var beta = (0..<n).map { _ in rng.nextUnit() - 0.5 }
        if problem.hasTie { beta.append(0.4) }
        // ℓ by a direct sum over every choice of every cell.
        var direct = 0.0
        for c in 0..<counts.cellCount {
            let m = counts.members(ofCell: c).map(Int.init)
            for s in 0..<Int(counts.cellStages[c]) {
                let rest = m[s...].map { Foundation.exp(beta[$0]) }.reduce(0, +)
                direct += Double(counts.cellCounts[c]) * counts.cellWeights[c] * (beta[m[s]] - Foundation.log(rest))
            }
        }
        for p in problem.pairI.indices { direct += problem.pairLogLikelihood(p, beta) }
        let (ll, g) = problem.evaluate(beta)
        #expect(Swift.abs(ll - direct) < 1e-9 * Swift.abs(direct))
        let h = problem.information(beta)
        let d = problem.dimension
        for k in [0, 7, n - 1] + (problem.hasTie ? [n] : []) {
            var up = beta
            var down = beta
            up[k] += 1e-5
            down[k] -= 1e-5
            let numeric = (problem.logLikelihood(up) - problem.logLikelihood(down)) / 2e-5
            #expect(Swift.abs(numeric - g[k]) < 1e-4 * max(1, Swift.abs(g[k])), "∂ℓ/∂β\(k)")
            let gUp = problem.gradient(up)
            let gDown = problem.gradient(down)
            for l in 0..<d {
                let second = -(gUp[l] - gDown[l]) / 2e-5
                #expect(Swift.abs(second - h[l * d + k]) < 1e-4 * max(1, Swift.abs(h[l * d + k])), "I[\(l), \(k)]")
                #expect(h[l * d + k] == h[k * d + l])
            }
        }
    }
}
