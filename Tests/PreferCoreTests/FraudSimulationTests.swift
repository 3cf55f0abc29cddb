import Testing
@testable import PreferCore

@Suite("Fraud simulation")
struct FraudSimulationTests {
    func small(_ seed: UInt64) -> FraudSimulation {
        var s = FraudSimulation(seed: seed)
        s.contenders = 8
        s.honestVoters = 250
        s.badVotersPerKind = 8
        s.bootstrapRounds = 100
        return s
    }

    @Test func drawsAreReproducible() {
        let a = small(4).draw(arena: 0)
        let b = small(4).draw(arena: 0)
        let c = small(5).draw(arena: 0)
        #expect(a.table.outcomes == b.table.outcomes && a.table.a == b.table.a && a.kinds == b.kinds)
        #expect(a.table.outcomes != c.table.outcomes)
        #expect(a.table.count == (250 + 5 * 8) * 40)
    }

    @Test func auditMeetsItsTargetsOnASmallArena() throws {
        let r = try small(4).run()
        #expect(r.falseFlagRate <= 0.02)
        let recall = Dictionary(uniqueKeysWithValues: r.kinds.map { ($0.kind, $0.recall) })
        #expect(recall["always_left"] == 1)
        #expect(recall["too_fast"] == 1)
        #expect(recall["booster"] == 1)
        // Eight contenders 120 Elo apart leave contrarians and random clickers
        // hard to tell from honest people in 40 votes, for the oracle too.
        #expect(r.overall.recall >= r.overall.oracleRecall - 0.1)
        #expect(r.boosted[0].allVotes > r.boosted[0].truth)
        #expect(Swift.abs(r.boosted[0].audited - r.boosted[0].truth) < Swift.abs(r.boosted[0].allVotes - r.boosted[0].truth))
    }

    @Test func oracleSeparatesBlatantFraudFromHonesty() {
        let sim = small(6)
        let arena = sim.draw(arena: 0)
        let scores = LikelihoodRatioOracle(simulation: sim).scores(arena)
        let honest = zip(arena.kinds, scores).filter { $0.0 == .honest }.map(\.1)
        for (kind, score) in zip(arena.kinds, scores) where kind == .alwaysLeft || kind == .tooFast {
            #expect(score > honest.max()!)
        }
    }
}
