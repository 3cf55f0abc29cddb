import Foundation
import Testing
@testable import PreferCore

@Suite("Bradley–Terry against reference implementations")
struct BradleyTerryTests {
    func expectClose(_ fit: BradleyTerryFit, _ expected: [String: Double], tolerance: Double = 0.01) {
        #expect(fit.contenders.count == expected.count)
        for (name, rating) in expected {
            let got = fit.rating(of: name)
            #expect(got != nil, "missing \(name)")
            if let got { #expect(Swift.abs(got - rating) < tolerance, "\(name): \(got) vs \(rating)") }
        }
    }

    @Test func basicMatchesReferenceMLE() throws {
        let expected = try TestData.json("arena-basic.expected.json")
        let counts = PairCounts(try TestData.votes("arena-basic.jsonl"))
        let fit = try BradleyTerry().fit(counts)
        #expect(fit.converged)
        #expect(fit.warnings.isEmpty)
        expectClose(fit, TestData.ratings(expected["ratings"]))
        let mean = fit.ratings.reduce(0, +) / Double(fit.ratings.count)
        #expect(Swift.abs(mean - 1000) < 1e-9)
    }

    @Test func basicMatchesL2Method() throws {
        let expected = try TestData.json("arena-basic.expected.json")
        let fit = try BradleyTerry(l2: 1).fit(PairCounts(try TestData.votes("arena-basic.jsonl")))
        #expect(fit.converged)
        expectClose(fit, TestData.ratings(expected["l2_1"]))
    }

    @Test func basicMatchesAnchoredFit() throws {
        let expected = try TestData.json("arena-basic.expected.json")
        let anchored = expected["anchored"] as! [String: Any]
        let spec = (anchored["anchor"] as! String).split(separator: "=")
        let estimator = BradleyTerry(anchor: .init(contender: String(spec[0]), rating: Double(spec[1])!))
        let fit = try estimator.fit(PairCounts(try TestData.votes("arena-basic.jsonl")))
        expectClose(fit, TestData.ratings(anchored["ratings"]))
    }

    @Test func sparseGraph() throws {
        let expected = try TestData.json("arena-sparse.expected.json")
        let counts = PairCounts(try TestData.votes("arena-sparse.jsonl"))
        expectClose(try BradleyTerry().fit(counts), TestData.ratings(expected["ratings"]))
        expectClose(try BradleyTerry(l2: 1).fit(counts), TestData.ratings(expected["l2_1"]))
    }

    @Test func lmarenaFiltersAndL2() throws {
        let expected = try TestData.json("arena-lmarena.expected.json")
        let anony = PairCounts(try TestData.votes("arena-lmarena.json") { $0["anony"] as? Bool == true })
        expectClose(try BradleyTerry().fit(anony), TestData.ratings(expected["ratings"]))
        expectClose(try BradleyTerry(l2: 1).fit(anony), TestData.ratings(expected["l2_1_anony"]))
        let all = PairCounts(try TestData.votes("arena-lmarena.json"))
        expectClose(try BradleyTerry().fit(all), TestData.ratings(expected["ratings_all_rows"]))
    }

    @Test func onlineEloInFileOrder() throws {
        let expected = TestData.ratings(try TestData.json("arena-basic.expected.json")["online_elo_k4"])
        let table = try TestData.votes("arena-basic.jsonl")
        let elo = OnlineElo().ratings(table)
        for (name, rating) in expected {
            let k = table.index(of: name)!
            #expect(Swift.abs(elo[k] - rating) < 0.01, "\(name)")
        }
    }

    @Test func undefeatedContenderIsProvisionalNotInfinite() throws {
        let counts = PairCounts(try TestData.votes("degenerate-undefeated.jsonl"))
        let fit = try BradleyTerry().fit(counts)
        #expect(fit.ratings.allSatisfy { $0.isFinite })
        let alpha = counts.contenders.firstIndex(of: "alpha")!
        #expect(fit.provisional[alpha])
        #expect(fit.provisional.filter { $0 }.count == 1)
        #expect(fit.ratings[alpha] == fit.ratings.max())
        #expect(fit.warnings.contains { $0.contains("alpha never lost") })
        #expect(fit.componentMethods == [.firth])
    }

    /// One vote, a over b: a never lost and b never won. Both warnings say
    /// "marked provisional", so both are (the board once marked only one).
    @Test func everyContenderAWarningNamesIsMarkedProvisional() throws {
        let counts = PairCounts(VoteTable([Vote(a: "a", b: "b", outcome: .aWins)]))
        for estimator in [BradleyTerry(), BradleyTerry(l2: 1)] {
            let fit = try estimator.fit(counts)
            #expect(fit.warnings.contains { $0.contains("a never lost") && $0.contains("marked provisional") })
            #expect(fit.warnings.contains { $0.contains("b never won") && $0.contains("marked provisional") })
            #expect(fit.provisional == [true, true], "l2 \(estimator.l2)")
        }
    }

    @Test func disconnectedGroupsAreRatedSeparately() throws {
        let counts = PairCounts(try TestData.votes("degenerate-disconnected.jsonl"))
        let fit = try BradleyTerry().fit(counts)
        #expect(fit.graph.componentCount == 2)
        #expect(fit.ratings.allSatisfy { $0.isFinite })
        #expect(fit.warnings.contains { $0.contains("2 groups that never met") })
        for c in 0..<2 {
            let members = fit.graph.members(of: c)
            let mean = members.reduce(0) { $0 + fit.ratings[$1] } / Double(members.count)
            #expect(Swift.abs(mean - 1000) < 1e-6)
        }
    }

    @Test func unknownAnchorIsAnError() throws {
        let counts = PairCounts(try TestData.votes("arena-basic.jsonl"))
        #expect(throws: RatingError.self) {
            try BradleyTerry(anchor: .init(contender: "nobody", rating: 1000)).fit(counts)
        }
    }
}
