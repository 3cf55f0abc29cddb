import Foundation
import PreferTestSupport
import Testing

@testable import PreferCore

/// Prefer's Plackett–Luce and tie-model fits against choix and a direct
/// scipy maximisation of the same likelihoods (`bench/pl_reference.py`).
@Suite("Plackett–Luce and tie models against references")
struct PlackettLuceReferenceTests {
    static func load(_ name: String) throws -> (counts: ChoiceCounts, expected: [String: Any]) {
        let data = try Fixtures.data(name + ".jsonl")
        let parsed = try data.withUnsafeBytes { try VoteParser.parse($0, source: name + ".jsonl") }
        return (ChoiceCounts(parsed.table), try Fixtures.json(name + ".expected.json"))
    }

    func expectClose(_ fit: PlackettLuceFit, _ expected: Any?, tolerance: Double = 0.01, sourceLocation: SourceLocation = #_sourceLocation) {
        let ratings = TestData.ratings(expected)
        #expect(ratings.count == fit.contenders.count, sourceLocation: sourceLocation)
        for (name, rating) in ratings {
            let got = fit.rating(of: name)
            #expect(got != nil, "missing \(name)", sourceLocation: sourceLocation)
            if let got { #expect(Swift.abs(got - rating) < tolerance, "\(name): \(got) vs \(rating)", sourceLocation: sourceLocation) }
        }
    }

    @Test func fullRankingsMatchChoix() throws {
        let (counts, expected) = try Self.load("kway-rankings")
        #expect(counts.kwayVotes == 1500 && counts.pairs.totalVotes == 0)
        let fit = try PlackettLuce().fit(counts)
        #expect(fit.converged && fit.gradientNorm < 1e-6)
        expectClose(fit, expected["choix_ilsr_rankings"])
        expectClose(fit, expected["choix_opt_rankings"])
        expectClose(fit, expected["choix_ilsr_top1"])
    }

    @Test func mixedVotesMatchChoix() throws {
        let (counts, expected) = try Self.load("kway-mixed")
        #expect(counts.kwayVotes > 0 && counts.pairs.totalVotes > 0)
        let fit = try PlackettLuce().fit(counts)
        #expect(fit.converged)
        expectClose(fit, expected["choix_ilsr_top1"])
        expectClose(fit, expected["scipy_half"])
    }

    @Test func weightedVotesMatchScipy() throws {
        let (counts, expected) = try Self.load("kway-weighted")
        let fit = try PlackettLuce().fit(counts)
        #expect(fit.converged)
        expectClose(fit, expected["scipy_half"])
    }

    @Test(arguments: ["ties-low", "ties-davidson", "ties-raokupper", "ties-mixed"])
    func tieModelsMatchScipy(_ name: String) throws {
        let (counts, expected) = try Self.load(name)
        let share = (expected["tie_share"] as! NSNumber).doubleValue
        #expect(share >= 0.05 && share <= 0.40)
        for (model, key) in [(TieModel.davidson, "scipy_davidson"), (.raoKupper, "scipy_rao_kupper")] {
            let reference = expected[key] as! [String: Any]
            let fit = try PlackettLuce(ties: model).fit(counts)
            #expect(fit.converged, "\(model)")
            expectClose(fit, reference["ratings"])
            let tie = (reference["tie_parameter"] as! NSNumber).doubleValue
            #expect(Swift.abs(fit.tieParameter! - tie) < 1e-4, "\(model): \(fit.tieParameter!) vs \(tie)")
        }
        expectClose(try PlackettLuce().fit(counts), expected["scipy_half"])
    }
}
