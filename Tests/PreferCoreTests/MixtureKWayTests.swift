import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// The mixture of preference types on K-way votes as well as pairs (a
/// latent-class Plackett–Luce mixture whose components score pairs as
/// Bradley–Terry) against the independent Python reference
/// (`bench/mixture_kway_reference.py`, which wrote the planted arenas and
/// their expected fits), against planted truth, and against the pairwise
/// mixture it must reduce to.
@Suite("Mixture of preference types on K-way votes")
struct MixtureKWayTests {
    /// A planted arena's JSON Lines (pairwise rows: voter, model_a, model_b,
    /// winner, country; K-way rows: voter, candidates, winner or ranking,
    /// country), read with JSONSerialization, independent of Prefer's parser.
    static func votes(_ name: String) throws -> VoteTable {
        let text = String(decoding: try Fixtures.data(name), as: UTF8.self)
        var table = VoteTable()
        for line in text.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let voter = row["voter"] as? String
            let attributes = ["country": row["country"] as! String]
            if let candidates = row["candidates"] as? [String] {
                let ranking = (row["ranking"] as? [String]) ?? [row["winner"] as! String]
                table.append(try KWayVote(candidates: candidates, ranking: ranking, voter: voter, attributes: attributes))
            } else {
                let outcome = try #require(Outcome(label: row["winner"] as! String))
                table.append(Vote(a: row["model_a"] as! String, b: row["model_b"] as! String, outcome: outcome, voter: voter, attributes: attributes))
            }
        }
        return table
    }

    /// The CLI's restarts (10): with K-way votes the three-type fit, past the
    /// planted two, has more local optima than six short runs find.
    static let mixture = BradleyTerryMixture(maxTypes: 3, restarts: 10, seed: 7)

    struct Fitted: Sendable {
        var table: VoteTable
        var data: AnnotatorPairCounts
        var selection: MixtureSelection

        init(_ name: String, mixture: BradleyTerryMixture = MixtureKWayTests.mixture) throws {
            table = try MixtureKWayTests.votes(name)
            data = AnnotatorPairCounts(table)
            selection = try mixture.select(data)
        }
    }

    static let twoTypesOnce = Result { try Fitted("mixture-kway-two-types.jsonl") }
    /// One type planted: fits of one and two types, four restarts, show the
    /// choice. The three-type fit and ten restarts (the two-type data's) took
    /// minutes of both cores in a debug build and starved the rest of the suite.
    static let oneTypeOnce = Result {
        try Fitted("mixture-kway-one-type.jsonl", mixture: BradleyTerryMixture(maxTypes: 2, restarts: 4, seed: 7))
    }

    @Test func annotatorsKeepTheirKWayVotes() throws {
        let fitted = try Self.twoTypesOnce.get()
        let expected = try Fixtures.json("mixture-kway-two-types.expected.json")
        let data = fitted.data
        #expect(data.totalVotes == expected["votes"] as! Int)
        #expect(data.kwayVotes == expected["kway_votes"] as! Int)
        #expect(data.voterCount == expected["annotators"] as! Int)
        #expect(data.votesPerVoter.reduce(0, +) == data.totalVotes)
        #expect(data.kwayCount.reduce(0, +) == Double(data.kwayVotes))
        // Annotators who cast only K-way votes have no pairwise rows, and are there.
        let kwayOnly = (0..<data.voterCount).filter { data.start[$0] == data.start[$0 + 1] }
        #expect(!kwayOnly.isEmpty)
        #expect(kwayOnly.allSatisfy { data.kwayStart[$0] < data.kwayStart[$0 + 1] })
        // A cell lists its ranked members first: a best pick's first member is the winner.
        for c in 0..<data.cellCount {
            #expect(data.cellStages[c] >= 1 && Int(data.cellStages[c]) < data.members(ofCell: c).count)
        }
    }

    @Test func twoTypesMatchTheReference() throws {
        let expected = try Fixtures.json("mixture-kway-two-types.expected.json")
        let fitted = try Self.twoTypesOnce.get()
        let data = fitted.data
        let selection = fitted.selection
        #expect(selection.chosen.types == expected["types"] as! Int)
        #expect(selection.chosen.types == 2)
        Self.expectSameOptimum(selection, expected["bic"] as! [[String: Any]], planted: 2)
        let chosen = selection.chosen
        let reference = (expected["fits"] as! [String: Any])["2"] as! [String: Any]
        let shares = (reference["shares"] as! [NSNumber]).map(\.doubleValue)
        for k in 0..<2 { #expect(Swift.abs(chosen.shares[k] - shares[k]) < 1e-4, "share \(k): \(chosen.shares[k]) vs \(shares[k])") }
        let elo = reference["elo"] as! [[String: NSNumber]]
        let se = reference["se"] as! [[String: NSNumber]]
        let information = MixtureInformation().compute(data, fit: chosen)
        #expect(information.warnings.isEmpty)
        for k in 0..<2 {
            for (c, name) in data.contenders.enumerated() {
                let want = elo[k][name]!.doubleValue
                #expect(Swift.abs(chosen.ratings[k][c] - want) < 0.05, "type \(k) \(name): \(chosen.ratings[k][c]) vs \(want)")
                // Louis's analytic information, K-way terms included, against the numerical Hessian.
                let wantSE = se[k][name]!.doubleValue
                let gotSE = information.standardErrors[k][c]
                #expect(Swift.abs(gotSE - wantSE) < 0.005 * wantSE + 0.01, "se type \(k) \(name): \(gotSE) vs \(wantSE)")
            }
        }
        let posteriorType = reference["posterior_type"] as! [String: Int]
        let disagreements = data.voters.indices.filter { chosen.assignedType(of: $0) != posteriorType[data.voters[$0]] }
        #expect(disagreements.isEmpty, "\(disagreements.count) annotators typed otherwise than the reference")
    }

    @Test func oneTypeDataChoosesOneType() throws {
        let expected = try Fixtures.json("mixture-kway-one-type.expected.json")
        let selection = try Self.oneTypeOnce.get().selection
        #expect(selection.chosen.types == 1)
        #expect(expected["types"] as! Int == 1)
        Self.expectSameOptimum(selection, expected["bic"] as! [[String: Any]], planted: 1)
    }

    /// Up to the planted number of types both implementations reach the same
    /// optimum (BIC to a hundredth of a point). Beyond it the extra type
    /// splits noise, the likelihood is flat and EM stops at local optima:
    /// there Prefer's EM (short runs, then EM to convergence or 2,000 steps)
    /// ends within 0.2% of the BIC of the reference's L-BFGS-polished optimum
    /// (measured: 0.06% and 0.14% above it, 0.01% for T = 2 on one-type
    /// data) — and above the planted T's BIC, so the choice is the same.
    static func expectSameOptimum(_ selection: MixtureSelection, _ bic: [[String: Any]], planted: Int) {
        #expect(selection.fits.count <= bic.count && selection.fits.count > planted)
        let best = selection.fits.first { $0.types == planted }?.bic ?? .infinity
        for (fit, reference) in zip(selection.fits, bic) {
            #expect(fit.types == reference["types"] as! Int)
            let b = (reference["bic"] as! NSNumber).doubleValue
            if fit.types <= planted {
                #expect(Swift.abs(fit.bic - b) < 0.01, "T = \(fit.types): \(fit.bic) vs \(b)")
            } else {
                #expect(fit.bic < b + 0.002 * Swift.abs(b), "T = \(fit.types): \(fit.bic) vs \(b)")
                #expect(fit.bic > best, "T = \(fit.types) must not beat the planted T = \(planted)")
            }
        }
    }

    /// The planted types are found: ≥ 90% of annotators (each cast ≥ 20
    /// votes) assigned to theirs, ≥ 90% of planted ratings inside their
    /// intervals, and the country that goes with the type explains it —
    /// counted over the annotators of K-way votes too.
    @Test func plantedTypesAreRecovered() throws {
        let expected = try Fixtures.json("mixture-kway-two-types.expected.json")
        let truth = expected["truth"] as! [String: Any]
        let voterType = truth["voter_type"] as! [String: Int]
        let trueElo = truth["elo"] as! [[String: NSNumber]]
        let report = try MixtureReport.make(
            from: try Self.twoTypesOnce.get().table, mixture: Self.mixture, attributes: ["country"])
        #expect(report.types == 2)
        #expect(report.method.kwayVotes == expected["kway_votes"] as? Int)
        #expect(report.method.model.contains("plackett-luce"))
        let correct = report.voters.filter { voterType[$0.voter] == $0.type }.count
        #expect(Double(correct) / Double(report.voters.count) >= 0.9, "\(correct) of \(report.voters.count)")
        var inside = 0
        var total = 0
        for k in 0..<2 {
            for rating in report.classes[k].contenders {
                let want = trueElo[k][rating.name]!.doubleValue
                total += 1
                if rating.lower <= want && want <= rating.upper { inside += 1 }
            }
        }
        #expect(Double(inside) / Double(total) >= 0.9, "\(inside) of \(total) planted ratings inside their 95% intervals")
        let country = try #require(report.attributes?.first)
        #expect(country.annotators == report.voters.count, "every annotator's country, from pairwise or K-way votes")
        #expect(country.pValue < 1e-6)
    }

    /// On two candidates Plackett–Luce is Bradley–Terry: the same decisive
    /// votes given as pairs or as K = 2 rankings make the same mixture.
    @Test func twoCandidateRankingsAreBradleyTerryPairs() throws {
        let csv = try MixtureTests.votes("mixture-two-types.csv")
        var pairs = VoteTable()
        var rankings = VoteTable()
        for vote in csv.votes where vote.outcome == .aWins || vote.outcome == .bWins {
            pairs.append(Vote(a: vote.a, b: vote.b, outcome: vote.outcome, voter: vote.voter))
            let winner = vote.outcome == .aWins ? vote.a : vote.b
            rankings.append(try KWayVote(candidates: [vote.a, vote.b], best: winner, voter: vote.voter))
        }
        let mixture = BradleyTerryMixture(maxTypes: 2, restarts: 3, seed: 5)
        let viaPairs = mixture.fit(AnnotatorPairCounts(pairs), types: 2)
        let viaRankings = mixture.fit(AnnotatorPairCounts(rankings), types: 2)
        #expect(viaPairs.voters == viaRankings.voters)
        #expect(Swift.abs(viaPairs.logLikelihood - viaRankings.logLikelihood) < 1e-6 * Swift.abs(viaPairs.logLikelihood))
        #expect(Swift.abs(viaPairs.bic - viaRankings.bic) < 1e-5)
        for k in 0..<2 {
            #expect(Swift.abs(viaPairs.shares[k] - viaRankings.shares[k]) < 1e-7)
            for c in 0..<viaPairs.contenders.count {
                let name = viaPairs.contenders[c]
                let other = try #require(viaRankings.contenders.firstIndex(of: name))
                #expect(Swift.abs(viaPairs.ratings[k][c] - viaRankings.ratings[k][other]) < 1e-4, "type \(k) \(name)")
            }
        }
        let a = MixtureInformation().compute(AnnotatorPairCounts(pairs), fit: viaPairs)
        let b = MixtureInformation().compute(AnnotatorPairCounts(rankings), fit: viaRankings)
        for k in 0..<2 {
            for c in 0..<viaPairs.contenders.count {
                let other = viaRankings.contenders.firstIndex(of: viaPairs.contenders[c])!
                #expect(Swift.abs(a.standardErrors[k][c] - b.standardErrors[k][other]) < 1e-4)
            }
        }
    }

    /// Pairwise votes alone take the pairwise path: a table's K-way companion
    /// being empty changes nothing, bit for bit (the reference values of
    /// `MixtureTests` hold unchanged).
    @Test func pairwiseVotesAloneAreThePairwiseMixture() throws {
        let table = try MixtureTests.votes("mixture-two-types.csv")
        let data = AnnotatorPairCounts(table)
        #expect(data.cellCount == 0 && data.kwayVotes == 0 && data.kwayRowCount == 0)
        #expect(data.kwayStart == Array(repeating: 0, count: data.voterCount + 1))
        var engine = MixtureEngine(data: data, types: 2, ridge: 0.01, threads: 1)
        #expect(engine.cells == 0 && engine.cellSums.isEmpty)
        var rng = Xoshiro256(seed: 1, stream: 0)
        engine.startRandomly(&rng)
        #expect(engine.iterate().isFinite)
    }

    @Test func bootstrapOverAnnotatorsIsSeededWithKWayVotes() throws {
        let fitted = try Self.twoTypesOnce.get()
        let fit = fitted.selection.fits[1]
        let first = MixtureBootstrap(rounds: 16, seed: 3).run(fitted.data, fit: fit)
        let second = MixtureBootstrap(rounds: 16, seed: 3, threads: 1).run(fitted.data, fit: fit)
        #expect(first.lower == second.lower && first.upper == second.upper)
        let information = MixtureInformation().compute(fitted.data, fit: fit)
        for k in 0..<2 {
            for c in 0..<fitted.data.contenderCount {
                let ratio = first.standardErrors[k][c] / information.standardErrors[k][c]
                #expect(ratio > 0.4 && ratio < 2.5, "type \(k) contender \(c): bootstrap/information = \(ratio)")
            }
        }
    }
}
