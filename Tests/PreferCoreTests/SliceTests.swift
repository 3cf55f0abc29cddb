import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// Votes drawn from known strengths (Elo scale), for planted-truth checks.
enum PlantedVotes {
    /// `count` votes among `ratings`' contenders, uniform pairs, ties 10%,
    /// each carrying `attributes` and a voter among `voters` named after `prefix`.
    static func draw(
        _ ratings: [String: Double], count: Int, seed: UInt64, voters: Int = 20, prefix: String = "v",
        attributes: [String: String] = [:], category: String? = nil, start: Double? = nil, spacing: Double = 60
    ) -> [Vote] {
        var rng = Xoshiro256(seed: seed)
        let names = ratings.keys.sorted()
        var out: [Vote] = []
        for k in 0..<count {
            let i = rng.nextIndex(below: names.count)
            var j = rng.nextIndex(below: names.count - 1)
            if j >= i { j += 1 }
            let p = 1 / (1 + pow(10, (ratings[names[j]]! - ratings[names[i]]!) / 400))
            let u = rng.nextUnit()
            let outcome: Outcome = u < 0.1 ? .tie : (u < 0.1 + 0.9 * p ? .aWins : .bWins)
            out.append(Vote(
                a: names[i], b: names[j], outcome: outcome, voter: "\(prefix)-\(k % voters)",
                timestamp: start.map { $0 + Double(k) * spacing }, category: category, attributes: attributes))
        }
        return out
    }
}

@Suite("Slices by field and criterion")
struct SliceTests {
    static let ratings = ["a": 1150.0, "b": 1050, "c": 1000, "d": 900, "e": 850]

    func ranker(bootstrap: Int = 0, provisional: Int = 100) -> SliceRanker {
        let intervals: LeaderboardOptions.Intervals = bootstrap > 0 ? .bootstrap(rounds: bootstrap, seed: 7) : .none
        return SliceRanker(builder: LeaderboardBuilder(options: LeaderboardOptions(intervals: intervals, threads: 2)), provisionalVotes: provisional)
    }

    @Test func oneBoardPerValueEqualToTheBuilderOnThatValueAlone() throws {
        let coding = PlantedVotes.draw(Self.ratings, count: 1500, seed: 1, category: "coding")
        let writing = PlantedVotes.draw(Self.ratings, count: 600, seed: 2, category: "writing")
        let none = PlantedVotes.draw(Self.ratings, count: 30, seed: 3)
        let table = VoteTable(coding + writing + none)
        let cut = try #require(FieldSlicer.slices(table, field: "category"))
        #expect(cut.slices.map(\.value) == ["coding", "writing"])
        #expect(cut.slices.map(\.count) == [1500, 600])
        #expect(cut.missing == 30)
        let ranker = ranker()
        let boards = ranker.rank(table, cut.slices)
        for (slice, votes) in zip(boards, [coding, writing]) {
            let alone = try LeaderboardBuilder().build(VoteTable(votes))
            let board = try #require(slice.board)
            for entry in alone.contenders {
                #expect(Swift.abs(board.entry(named: entry.name)!.rating - entry.rating) < 1e-9)
            }
            #expect(slice.votes == votes.count && slice.voters == 20)
        }
        #expect(FieldSlicer.slices(table, field: "language") == nil)
        #expect(FieldSlicer.slice(table, field: "category", value: "writing")?.count == 600)
    }

    @Test func smallSlicesAreShownAndSaidToBeSmall() throws {
        let big = PlantedVotes.draw(Self.ratings, count: 4000, seed: 4, category: "big")
        let tiny = PlantedVotes.draw(Self.ratings, count: 60, seed: 5, category: "tiny")
        let table = VoteTable(big + tiny)
        let ranker = ranker(bootstrap: 200)
        let whole = try ranker.builder.build(table)
        let boards = ranker.rank(table, FieldSlicer.slices(table, field: "category")!.slices, reference: whole)
        let small = try #require(boards.first { $0.value == "tiny" })
        let large = try #require(boards.first { $0.value == "big" })
        #expect(small.small && !large.small)
        #expect(small.board != nil)
        let smallBoard = try #require(small.board)
        #expect(smallBoard.contenders.allSatisfy { $0.provisional })
        let largeBoard = try #require(large.board)
        #expect(!largeBoard.contenders.contains { $0.provisional })
        #expect(small.notes.contains { $0.contains("Small slice") })
        #expect((small.intervalWidthRatio ?? 0) > 3)
        #expect(Swift.abs((large.intervalWidthRatio ?? 0) - 1) < 0.2)
    }

    @Test func anchorMissingFromASliceIsDroppedAndSaid() throws {
        var votes = PlantedVotes.draw(["a": 1100, "b": 1000, "c": 900], count: 300, seed: 6, category: "x")
        votes += PlantedVotes.draw(["b": 1000, "c": 900], count: 100, seed: 7, category: "y")
        var options = LeaderboardOptions()
        options.estimator.anchor = .init(contender: "a", rating: 1200)
        let ranker = SliceRanker(builder: LeaderboardBuilder(options: options))
        let table = VoteTable(votes)
        let boards = ranker.rank(table, FieldSlicer.slices(table, field: "category")!.slices)
        #expect(boards[0].board!.entry(named: "a")!.rating == 1200)
        #expect(boards[1].board != nil && boards[1].notes.contains { $0.contains("anchor") })
    }

    // MARK: Criteria

    @Test func criteriaObjectsInTheServersExportAndLMArenaLabels() throws {
        let text = """
        {"model_a":"x","model_b":"y","winner":"model_a","criteria":{"helpfulness":"left","style":"right"}}
        {"model_a":"x","model_b":"y","winner":"model_b","criteria":{"helpfulness":"model_b","style":null}}
        {"model_a":"y","model_b":"x","winner":"tie","criteria":{"helpfulness":"tie (bothbad)","style":"both_bad"}}
        {"model_a":"y","model_b":"x","winner":"tie","criteria":{}}
        {"model_a":"x","model_b":"y","winner":"model_a","criterion":"honesty"}
        """
        let table = try VoteParser.parse(text, source: "t.jsonl", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        let cut = try #require(try CriteriaSlicer.slices(table))
        #expect(cut.slices.map(\.value) == ["helpfulness", "style", "honesty"])
        #expect(cut.missing == 1)
        let helpfulness = cut.slices[0]
        #expect(helpfulness.rows == [0, 1, 2])
        #expect(helpfulness.outcomes == [.aWins, .bWins, .bothBad])
        #expect(cut.slices[1].rows == [0, 2] && cut.slices[1].outcomes == [.bWins, .bothBad])
        #expect(cut.slices[2].rows == [4] && cut.slices[2].outcomes == [.aWins])
        let sliced = table.slice(helpfulness)
        #expect(sliced.outcomes == [.aWins, .bWins, .bothBad])
        // The server's stored form gives the same slices.
        let stored: [[String: Choice]] = [["helpfulness": .left, "style": .right], ["helpfulness": .right], ["helpfulness": .bothBad, "style": .bothBad], [:]]
        let fromStore = try #require(CriteriaSlicer.slices(criteria: stored))
        #expect(fromStore.slices.map(\.value) == ["helpfulness", "style"] && fromStore.missing == 1)
        #expect(fromStore.slices[0].rows == [0, 1, 2] && fromStore.slices[0].outcomes == [.aWins, .bWins, .bothBad])
    }

    @Test func criteriaInACSVCellAsTheServerExportsThem() throws {
        let csv = """
        model_a,model_b,winner,criteria
        x,y,model_a,"{""helpfulness"":""left"",""safety"":""tie""}"
        y,x,model_b,"{""helpfulness"":""right""}"
        """
        let table = try VoteParser.parse(csv, source: "t.csv", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        let cut = try #require(try CriteriaSlicer.slices(table))
        #expect(cut.slices.map(\.value) == ["helpfulness", "safety"])
        #expect(cut.slices[0].outcomes == [.aWins, .bWins])
    }

    @Test func aBadCriterionChoiceNamesTheVoteAndCriterion() throws {
        let text = """
        {"model_a":"x","model_b":"y","winner":"model_a","criteria":{"helpfulness":"left"}}
        {"model_a":"x","model_b":"y","winner":"model_a","criteria":{"helpfulness":"great"}}
        """
        let table = try VoteParser.parse(text, source: "t.jsonl", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        #expect(throws: CriteriaSlicer.Problem.self) { try CriteriaSlicer.slices(table) }
        do {
            _ = try CriteriaSlicer.slices(table)
        } catch {
            #expect(error.message.contains("vote 2") && error.message.contains("criteria.helpfulness") && error.message.contains("\"great\""))
        }
    }

    // MARK: Pareto

    func board(_ rows: [(String, Double, Double, Double)]) -> Leaderboard {
        Leaderboard(
            contenders: rows.enumerated().map { k, r in
                Leaderboard.Entry(
                    name: r.0, rating: r.1, lower: r.2, upper: r.3, votes: 500, rank: k + 1, rankUB: 1,
                    rankLower: nil, rankUpper: nil, standardError: nil, elo: nil, winRate: 0.5,
                    provisional: false, group: nil)
            },
            method: Leaderboard.empty("").method, warnings: [])
    }

    @Test func paretoFrontWithTheIntervalOverlapStated() {
        // a leads on helpfulness, b on style; c is below a on both (clearly on
        // helpfulness only); d is below everyone on both, clearly below a and b.
        let helpfulness = board([("a", 1100, 1080, 1120), ("b", 1000, 980, 1020), ("c", 1060, 1040, 1085), ("d", 900, 880, 920)])
        var style = board([("b", 1100, 1080, 1120), ("a", 1000, 980, 1020), ("c", 995, 975, 1015), ("d", 900, 880, 920)])
        style.method.intervals = "bootstrap"
        var h = helpfulness
        h.method.intervals = "bootstrap"
        let front = ParetoFront(criteria: ["helpfulness", "style"], boards: [h, style])
        #expect(front.front == ["a", "b"])
        #expect(front.possibleFront == ["a", "b", "c"])
        let c = front.contenders.first { $0.name == "c" }!
        #expect(!c.front && c.possibleFront)
        #expect(c.dominatedBy == [ParetoFront.Domination(name: "a", clear: false, overlapping: ["helpfulness", "style"])])
        let d = front.contenders.first { $0.name == "d" }!
        #expect(d.dominatedBy.map(\.name) == ["a", "b", "c"])
        #expect(d.dominatedBy.filter(\.clear).map(\.name) == ["a", "b", "c"])
        #expect(!d.possibleFront)
        // A contender missing from one criterion's board is left out and listed.
        let partial = ParetoFront(criteria: ["helpfulness", "style"], boards: [h, board([("a", 1, 0, 2), ("b", 0, -1, 1)])])
        #expect(partial.excluded == ["c", "d"])
        let svg = ParetoSVG.chart(front).svg(title: "t", id: "p")
        #expect(svg.contains("<path") && svg.contains(">a</text>"))
        let grid = ParetoSVG.grid(front).svg(title: "t", id: "p")
        #expect(grid.contains("helpfulness") && grid.contains("font-weight=\"700\""))
    }

    @Test func perCriterionBoardsAndTheirFrontFromVotes() throws {
        // Planted: p leads on helpfulness, q on style, r trails on both.
        var votes: [Vote] = []
        let help = PlantedVotes.draw(["p": 1200, "q": 1000, "r": 900], count: 2000, seed: 8)
        let style = PlantedVotes.draw(["p": 1000, "q": 1200, "r": 900], count: 2000, seed: 9)
        for (h, s) in zip(help, style) {
            // The same battle judged on two criteria: reuse the pair, take each criterion's outcome.
            var vote = h
            let styleOutcome = s.a == h.a && s.b == h.b ? s.outcome : (s.a == h.b && s.b == h.a ? s.outcome.swapped : nil)
            guard let styleOutcome else { continue }
            vote.attributes["criteria"] = "{\"helpfulness\":\"\(Choice(h.outcome).rawValue)\",\"style\":\"\(Choice(styleOutcome).rawValue)\"}"
            votes.append(vote)
        }
        let table = VoteTable(votes)
        var analysis = SliceAnalysis(ranker: ranker(bootstrap: 100))
        analysis.by = "criterion"
        let whole = try analysis.ranker.builder.build(table)
        let report = try analysis.run(table, board: whole)
        let pareto = try #require(report.pareto)
        #expect(Set(pareto.front) == ["p", "q"])
        let r = pareto.contenders.first { $0.name == "r" }!
        #expect(r.dominatedBy.contains { $0.clear })
    }
}

@Suite("Annotator groups, disagreement and weighting")
struct GroupTests {
    static let ratings = ["a": 1200.0, "b": 1120, "c": 1040, "d": 960, "e": 880, "f": 800]

    func analysis(rounds: Int = 200, seed: UInt64 = 3) -> SliceAnalysis {
        var a = SliceAnalysis(ranker: SliceRanker(
            builder: LeaderboardBuilder(options: LeaderboardOptions(intervals: .bootstrap(rounds: rounds, seed: seed), threads: 2)),
            provisionalVotes: 30))
        a.groupBy = "country"
        return a
    }

    @Test func smallGroupsMergeIntoOtherAndOtherHidesWhenStillSmall() {
        var votes: [Vote] = []
        votes += PlantedVotes.draw(Self.ratings, count: 300, seed: 1, voters: 10, prefix: "us", attributes: ["country": "US"])
        votes += PlantedVotes.draw(Self.ratings, count: 200, seed: 2, voters: 5, prefix: "fr", attributes: ["country": "FR"])
        votes += PlantedVotes.draw(Self.ratings, count: 40, seed: 3, voters: 3, prefix: "lu", attributes: ["country": "LU"])
        votes += PlantedVotes.draw(Self.ratings, count: 30, seed: 4, voters: 2, prefix: "mt", attributes: ["country": "MT"])
        votes += PlantedVotes.draw(Self.ratings, count: 10, seed: 5, voters: 4, prefix: "xx")
        let table = VoteTable(votes)
        let partition = AnnotatorGroups(field: "country").partition(table)!
        #expect(partition.groups.map(\.name) == ["US", "FR", "other"])
        #expect(partition.groups.map(\.annotators) == [10, 5, 5])
        #expect(partition.mergedGroups == 2 && partition.mergedVotes == 70 && partition.otherShown)
        #expect(partition.missing == 10)
        #expect(partition.slices[2].count == 70)
        // With a minimum of 6, FR joins the small ones and "other" (3 + 2 + 5 = 10) is shown; US stays.
        let six = AnnotatorGroups(field: "country", minimumSize: 6).partition(table)!
        #expect(six.groups.map(\.name) == ["US", "other"])
        // With a minimum of 21, even merged (10 + 5 + 3 + 2 = 20) they are too few: nothing is shown but counted.
        let many = AnnotatorGroups(field: "country", minimumSize: 21).partition(table)!
        #expect(many.groups.isEmpty && !many.otherShown && many.mergedGroups == 4 && many.mergedVotes == 570)
        // No voters: each vote counts as one annotator, and the result says so.
        var anonymous = VoteTable()
        for var vote in votes {
            vote.voter = nil
            anonymous.append(vote)
        }
        let byVote = AnnotatorGroups(field: "country").partition(anonymous)!
        #expect(byVote.countedBy == "vote" && byVote.groups.map(\.name) == ["US", "FR", "LU", "MT"])
    }

    @Test func plantedDifferencesBetweenGroupsAreFound() throws {
        var flipped = Self.ratings
        (flipped["a"], flipped["f"]) = (flipped["f"]!, flipped["a"]!)
        var votes = PlantedVotes.draw(Self.ratings, count: 3000, seed: 11, voters: 30, prefix: "us", attributes: ["country": "US"])
        votes += PlantedVotes.draw(flipped, count: 3000, seed: 12, voters: 30, prefix: "jp", attributes: ["country": "JP"])
        let table = VoteTable(votes)
        let analysis = analysis()
        let report = try analysis.run(table, board: analysis.ranker.builder.build(table))
        let groups = try #require(report.groups)
        let pair = try #require(groups.disagreement.pairs.first)
        #expect(Set(pair.differing) == ["a", "f"])
        #expect(pair.differences.filter(\.significant).map(\.name).sorted() == ["a", "f"])
        #expect((pair.kendallTau ?? 1) < 0.2)
        #expect((pair.tauUpper ?? 1) < 0.6)
        let a = pair.differences.first { $0.name == "a" }!
        #expect(pair.a == "JP" && pair.b == "US")
        #expect(a.difference < -250 && a.upper! < 0, "\(a)")
        // No target: the equally weighted board sits next to the raw one.
        let weighting = try #require(report.weighting)
        #expect(weighting.scheme == "equal groups" && weighting.strata.count == 2)
    }

    @Test func groupsWithTheSameTastesAgreeAndAreFlaggedAtTheStatedRate() throws {
        var flagged = 0
        var significant = 0
        var tests = 0
        var taus: [Double] = []
        for replicate in 0..<12 {
            let seed = UInt64(100 + replicate)
            var votes = PlantedVotes.draw(Self.ratings, count: 1500, seed: seed, voters: 20, prefix: "us", attributes: ["country": "US"])
            votes += PlantedVotes.draw(Self.ratings, count: 1500, seed: seed + 1000, voters: 20, prefix: "fr", attributes: ["country": "FR"])
            let table = VoteTable(votes)
            let analysis = analysis(rounds: 300, seed: seed)
            let report = try analysis.run(table, board: analysis.ranker.builder.build(table))
            let pair = try #require(report.groups?.disagreement.pairs.first)
            flagged += pair.differing.count
            significant += pair.differences.filter(\.significant).count
            tests += pair.differences.count
            taus.append(pair.kendallTau ?? 0)
            #expect((pair.tauUpper ?? 0) >= 0.99)
        }
        // 72 tests at level 0.95: about 3.6 flagged by chance; far fewer than a real difference.
        #expect(Double(flagged) / Double(tests) <= 0.12, "flagged \(flagged) of \(tests)")
        #expect(significant <= 2)
        #expect(taus.reduce(0, +) / Double(taus.count) > 0.85)
    }

    @Test func kendallTauMatchesScipy() throws {
        let reference = try Fixtures.json("slices-reference.json")
        for case_ in reference["kendall_tau"] as! [[String: Any]] {
            let x = (case_["x"] as! [NSNumber]).map(\.doubleValue)
            let y = (case_["y"] as! [NSNumber]).map(\.doubleValue)
            let want = (case_["tau_b"] as! NSNumber).doubleValue
            #expect(Swift.abs(KendallTau.tauB(x, y)! - want) < 1e-12)
        }
        #expect(KendallTau.tauB([1, 2, 3], [3, 2, 1]) == -1)
        #expect(KendallTau.tauB([1, 1, 1], [1, 2, 3]) == nil)
    }

    static func referenceTable() throws -> (VoteTable, [String: Any]) {
        let reference = try Fixtures.json("slices-reference.json")
        var table = VoteTable()
        for row in reference["votes"] as! [[String: Any]] {
            table.append(Vote(
                a: row["model_a"] as! String, b: row["model_b"] as! String,
                outcome: Outcome(label: row["winner"] as! String)!, voter: row["voter"] as? String,
                attributes: ["country": row["country"] as! String]))
        }
        return (table, reference)
    }

    @Test func postStratificationReproducesTheReference() throws {
        let (table, reference) = try Self.referenceTable()
        let target = TestData.ratings(reference["target"])
        for (scheme, target, prefix) in [("target shares", PostStratification.Target.shares(target), "target"), ("equal groups", .equal, "equal")] {
            let plan = try PostStratification(field: "country", target: target).plan(table)
            #expect(plan.slice.value == scheme)
            let weights = TestData.ratings(reference["\(prefix)_weights"])
            for stratum in plan.strata {
                #expect(Swift.abs(stratum.weight! - weights[stratum.name]!) < 1e-12)
            }
            #expect(Swift.abs(plan.effectiveSampleSize - (reference["\(prefix)_ess"] as! NSNumber).doubleValue) < 1e-9)
            let board = try LeaderboardBuilder().build(table.slice(plan.slice))
            for (name, rating) in TestData.ratings(reference["\(prefix)_ratings"]) {
                #expect(Swift.abs(board.entry(named: name)!.rating - rating) < 0.01, "\(scheme) \(name)")
            }
        }
    }

    @Test func weightingByHand() throws {
        // Two contenders. US (3 votes): x wins 2, y wins 1. FR (1 vote): y wins.
        // Target US 0.5, FR 0.5: weights US 0.5·4/3 = 2/3, FR 0.5·4/1 = 2.
        // Weighted wins: x 4/3, y 2/3 + 2 = 8/3, so x − y = 400·log10(1/2) = −120.41 Elo.
        // Kish: (Σw)² / Σw² = 4² / (3·4/9 + 4) = 3.
        var table = VoteTable()
        for (winner, country, voter) in [(Outcome.aWins, "US", "u1"), (.aWins, "US", "u2"), (.bWins, "US", "u3"), (.bWins, "FR", "f1")] {
            table.append(Vote(a: "x", b: "y", outcome: winner, voter: voter, attributes: ["country": country]))
        }
        let plan = try PostStratification(field: "country", target: .shares(["US": 0.5, "FR": 0.5]), minimumSize: 1).plan(table)
        let factors = try #require(plan.slice.weightFactors)
        let byHand: [Double] = [2.0 / 3, 2.0 / 3, 2.0 / 3, 2]
        #expect(zip(factors, byHand).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        #expect(Swift.abs(plan.effectiveSampleSize - 3) < 1e-12)
        let board = try LeaderboardBuilder().build(table.slice(plan.slice))
        let gap = board.entry(named: "x")!.rating - board.entry(named: "y")!.rating
        #expect(Swift.abs(gap - 400 * log10(0.5)) < 1e-6)
        // Unweighted, x and y are level (2 wins each).
        let raw = try LeaderboardBuilder().build(table)
        #expect(Swift.abs(raw.entry(named: "x")!.rating - raw.entry(named: "y")!.rating) < 1e-6)
        // Groups under the minimum keep their counts out of the report.
        let private_ = try PostStratification(field: "country", target: .shares(["US": 0.5, "FR": 0.5]), minimumSize: 2).plan(table)
        #expect(private_.strata.first { $0.name == "FR" }!.votes == nil)
        #expect(private_.strata.first { $0.name == "US" }!.votes == 3)
    }

    @Test func weightedIntervalsWidenWithTheWeights() throws {
        let (table, _) = try Self.referenceTable()
        let options = LeaderboardOptions(intervals: .bootstrap(rounds: 400, seed: 5), threads: 2)
        let plan = try PostStratification(field: "country", target: .shares(["US": 0.1, "FR": 0.1, "JP": 0.8])).plan(table)
        let weighted = try LeaderboardBuilder(options: options).build(table.slice(plan.slice))
        let raw = try LeaderboardBuilder(options: options).build(table)
        func width(_ b: Leaderboard) -> Double { b.contenders.map { $0.upper - $0.lower }.reduce(0, +) }
        #expect(plan.effectiveSampleSize < Double(table.count) / 2)
        #expect(width(weighted) > width(raw) * 1.2)
    }

    @Test func targetProblemsAreExplained() throws {
        let (table, _) = try Self.referenceTable()
        #expect(throws: PostStratification.Problem.self) {
            try PostStratification(field: "planet", target: .equal).plan(table)
        }
        #expect(throws: PostStratification.Problem.self) {
            try PostStratification(field: "country", target: .shares(["DE": 1])).plan(table)
        }
        let partial = try PostStratification(field: "country", target: .shares(["US": 0.5, "FR": 0.5, "DE": 1])).plan(table)
        #expect(partial.leftOut == 8)
        #expect(partial.notes.contains { $0.contains("DE") } && partial.notes.contains { $0.contains("8 votes have a country the target gives no share") })
        #expect(Swift.abs(partial.strata.map(\.targetShare).reduce(0, +) - 1) < 1e-12)
    }
}
