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
