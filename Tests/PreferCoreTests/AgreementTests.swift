import Testing
@testable import PreferCore

@Suite("Agreement")
struct AgreementTests {
    @Test func fleissKappaOnFleissExample() {
        // The worked example in Fleiss (1971) as reproduced on Wikipedia: 10
        // subjects, 14 raters, 5 categories. κ = 0.2099 (statsmodels'
        // fleiss_kappa gives 0.20993070442195522), P̄ = 0.378, P̄ₑ = 0.213.
        let table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
                     [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
        let r = FleissKappa.compute(table)!
        #expect(Swift.abs(r.kappa - 0.20993070442195522) < 1e-12)
        #expect(Swift.abs(r.observed - 0.378) < 0.001)
        #expect(Swift.abs(r.expected - 0.213) < 0.001)
    }

    @Test func krippendorffAlphaOnKrippendorffExample() {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":
        // 4 observers, 12 units, missing data; nominal α = 0.743. The
        // `krippendorff` Python package gives 0.743421052631579. Units as
        // counts of values 1…5 (unit 12 has one rating and is not pairable).
        let raters: [[Int?]] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
            [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],
        ]
        let units = (0..<12).map { u in
            (1...5).map { value in raters.filter { $0[u] == value }.count }
        }
        #expect(Swift.abs(KrippendorffAlpha.nominal(units)! - 0.743421052631579) < 1e-12)
    }

    @Test func unequalRatersByHand() {
        // By hand: Pᵢ = 1/3, 1, 0, 1, 1 → P̄ = 2/3; shares 6/14, 5/14, 3/14 →
        // P̄ₑ = 70/196; κ = (2/3 − 70/196)/(1 − 70/196) = 0.481481…
        // krippendorff.alpha(value_counts=…, 'nominal') = 0.4841269841269841.
        let units = [[2, 1, 0], [0, 3, 0], [1, 1, 1], [0, 0, 2], [3, 0, 0]]
        #expect(Swift.abs(FleissKappa.compute(units)!.kappa - 0.4814814814814815) < 1e-12)
        #expect(Swift.abs(KrippendorffAlpha.nominal(units)! - 0.4841269841269841) < 1e-12)
    }

    @Test func votesBecomeUnitsOrientedByContender() {
        // Prompt p1, pair (alpha, bravo): three voters say alpha wins — once
        // with alpha on the right — so they agree perfectly; prompt p2: one
        // says alpha, one bravo, one tie.
        func v(_ a: String, _ b: String, _ o: Outcome, _ prompt: String, _ who: String) -> Vote {
            Vote(a: a, b: b, outcome: o, voter: who, attributes: ["prompt": prompt])
        }
        let table = VoteTable([
            v("alpha", "bravo", .aWins, "p1", "x"), v("bravo", "alpha", .bWins, "p1", "y"),
            v("alpha", "bravo", .aWins, "p1", "z"),
            v("alpha", "bravo", .aWins, "p2", "x"), v("alpha", "bravo", .bWins, "p2", "y"),
            v("bravo", "alpha", .tie, "p2", "z"),
            v("alpha", "charlie", .aWins, "p3", "x"),
        ])
        let r = AgreementStudy.measure(table, itemField: "prompt")!
        #expect(r.overall.battles == 2)
        #expect(r.overall.ratings == 6)
        #expect(r.singleVoteBattles == 1)
        // Units [3,0,0] and [1,1,1]: P̄ = (1 + 0)/2, shares 4/6, 1/6, 1/6 → P̄ₑ = 1/2, κ = 0.
        #expect(Swift.abs(r.overall.fleissKappa! - 0) < 1e-12)
        #expect(r.pairs.count == 1 && r.pairs[0].first == "alpha" && r.pairs[0].second == "bravo")
        #expect(AgreementStudy.measure(table, itemField: "question_id") == nil)
    }

    /// Issue 16: seven votes by one annotator on one item read as "2 battles
    /// judged by two or more voters". Raters are voters: one voter's repeats
    /// on a battle are one rating, their latest.
    @Test func oneVotersRepeatsAreOneRating() throws {
        func measure(_ lines: [String]) throws -> AgreementStudy.Result {
            let table = try VoteParser.parse(lines.joined(separator: "\n"), source: "t", options: .init(fields: ["prompt"])).table
            return try #require(AgreementStudy.measure(table, itemField: "prompt"))
        }
        // Eight votes by one voter on one battle, alternating; the last says b wins.
        var lines = (0..<8).map { k in
            #"{"model_a":"a","model_b":"b","winner":"\#(k % 2 == 0 ? "model_a" : "model_b")","judge":"solo","prompt":"p1"}"#
        }
        var result = try measure(lines)
        #expect(result.overall.battles == 0 && result.singleVoteBattles == 1 && result.repeatsCollapsed == 7)

        // Another voter says a wins on p1 (disagreeing with solo's latest vote, agreeing with its first),
        // and both say a wins on p2: with the latest vote as solo's rating, one battle of two agrees.
        lines.append(#"{"model_a":"b","model_b":"a","winner":"model_b","judge":"other","prompt":"p1"}"#)
        lines.append(#"{"model_a":"a","model_b":"b","winner":"model_a","judge":"solo","prompt":"p2"}"#)
        lines.append(#"{"model_a":"a","model_b":"b","winner":"model_a","judge":"other","prompt":"p2"}"#)
        result = try measure(lines)
        #expect(result.overall.battles == 2 && result.overall.ratings == 4)
        #expect(result.overall.observedAgreement == 0.5)
    }
}
