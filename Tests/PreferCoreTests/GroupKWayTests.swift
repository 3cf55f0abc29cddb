import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// Annotator groups and population weighting on K-way votes (best of K,
/// rankings): each group's board is the Plackett–Luce fit of its own K-way
/// votes, and post-stratification weights them like pairwise votes — checked
/// against `bench/groups_kway_reference.py` (scipy's maximisation of the
/// Plackett–Luce likelihood, numpy's weights and Kish's effective sample size).
@Suite("Annotator groups on K-way votes")
struct GroupKWayTests {
    static func reference() throws -> (table: VoteTable, reference: [String: Any]) {
        let reference = try Fixtures.json("groups-kway-reference.json")
        let rows = reference["votes"] as! [[String: Any]]
        let lines = try rows.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        let table = try VoteParser.parse(lines.joined(separator: "\n"), source: "groups-kway.jsonl", options: VoteParseOptions(fields: ["country"])).table
        return (table, reference)
    }

    static func ratings(_ value: Any?) -> [String: Double] {
        (value as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
    }

    @Test func eachGroupIsRankedOnItsOwnKWayVotesWithPlackettLuce() throws {
        let (table, reference) = try Self.reference()
        #expect(table.count == 0 && table.kway.count == 372)
        let partition = try #require(AnnotatorGroups(field: "country", minimumSize: 5).partition(table))
        #expect(partition.groups.map(\.name) == ["US", "FR"])
        #expect(partition.groups.map(\.votes) == [240, 120])
        #expect(partition.groups.map(\.annotators) == [8, 6])
        // JP (2 annotators) is merged, and "other" is too small to show.
        #expect(partition.mergedGroups == 1 && partition.mergedVotes == 12 && !partition.otherShown)
        #expect(partition.countedBy == "voter")
        let ranker = SliceRanker(builder: LeaderboardBuilder(options: LeaderboardOptions(intervals: .none)), provisionalVotes: 0)
        for slice in partition.slices {
            #expect(slice.rows.isEmpty)
            let kwayRows = try #require(slice.kwayRows)
            #expect(kwayRows.count == slice.count)
            #expect(kwayRows.allSatisfy { table.kway.attributes["country"]?[Int($0)] == slice.value })
            let ranked = ranker.rank(table, slice).board
            #expect(ranked.voters == (slice.value == "US" ? 8 : 6))
            let board = try #require(ranked.board)
            #expect(board.method.model == "plackett-luce")
            let expected = Self.ratings((reference["group_ratings"] as! [String: Any])[slice.value])
            for (name, rating) in expected {
                let served = try #require(board.entry(named: name)?.rating)
                #expect(Swift.abs(served - rating) < 0.01, "\(slice.value) \(name): \(served) vs \(rating)")
            }
        }
    }

    @Test func theDisagreementReportComparesKWayGroups() throws {
        let (table, _) = try Self.reference()
        let options = LeaderboardOptions(intervals: .bootstrap(rounds: 100, seed: 3), threads: 2)
        var analysis = SliceAnalysis(ranker: SliceRanker(builder: LeaderboardBuilder(options: options), provisionalVotes: 0))
        analysis.groupBy = "country"
        let whole = try LeaderboardBuilder(options: options).build(table)
        let report = try analysis.run(table, board: whole)
        let groups = try #require(report.groups)
        #expect(groups.boards.map(\.value) == ["US", "FR"])
        #expect(groups.boards.allSatisfy { $0.board?.method.model == "plackett-luce" && $0.board?.hasIntervals == true })
        let pair = try #require(groups.disagreement.pairs.first)
        #expect(pair.contenders == 4)
        // FR reverses alpha and delta: the rankings disagree, and the bootstrap gives τ an interval.
        #expect((pair.kendallTau ?? 1) < 0.5)
        #expect(pair.tauLower != nil && pair.tauUpper != nil)
        #expect(pair.differing.contains("alpha") && pair.differing.contains("delta"), "\(pair.differing)")
        // The weighting with no target is the equal-groups board, next to the raw board.
        #expect(report.weighting?.scheme == "equal groups")
    }

    @Test func postStratificationWeightsKWayVotes() throws {
        let (table, reference) = try Self.reference()
        let target = Self.ratings(reference["target"])
        for (scheme, target, prefix) in [("target shares", PostStratification.Target.shares(target), "target"), ("equal groups", .equal, "equal")] {
            let plan = try PostStratification(field: "country", target: target).plan(table)
            #expect(plan.slice.value == scheme)
            #expect(plan.leftOut == 12, "JP's votes are left out: no share, or a group too small to show")
            #expect(plan.slice.count == 360)
            let weights = Self.ratings(reference["\(prefix)_weights"])
            for stratum in plan.strata {
                #expect(Swift.abs(try #require(stratum.weight) - weights[stratum.name]!) < 1e-12, "\(scheme) \(stratum.name)")
            }
            #expect(Swift.abs(plan.effectiveSampleSize - (reference["\(prefix)_ess"] as! NSNumber).doubleValue) < 1e-9)
            let board = try LeaderboardBuilder().build(table.slice(plan.slice))
            #expect(board.method.model == "plackett-luce")
            for (name, rating) in Self.ratings(reference["\(prefix)_ratings"]) {
                #expect(Swift.abs(board.entry(named: name)!.rating - rating) < 0.01, "\(scheme) \(name)")
            }
        }
        let raw = try LeaderboardBuilder().build(table)
        for (name, rating) in Self.ratings(reference["raw_ratings"]) {
            #expect(Swift.abs(raw.entry(named: name)!.rating - rating) < 0.01, "raw \(name)")
        }
    }

    @Test func aMixedTableKeepsEachGroupsOwnVotesOfBothKinds() throws {
        var table = VoteTable()
        for k in 0..<10 {
            let country = k < 5 ? "US" : "FR"
            table.append(Vote(a: "x", b: "y", outcome: .aWins, voter: "p\(k)", attributes: ["country": country]))
            table.append(try KWayVote(
                candidates: ["x", "y", "z"], best: country == "US" ? "z" : "x", voter: "p\(k)", attributes: ["country": country]))
        }
        let partition = try #require(AnnotatorGroups(field: "country", minimumSize: 5).partition(table))
        #expect(partition.groups.map(\.votes) == [10, 10])
        #expect(partition.groups.map(\.annotators) == [5, 5], "a voter of both kinds is one annotator")
        for slice in partition.slices {
            let votes = table.slice(slice)
            #expect(votes.count == 5 && votes.kway.count == 5)
            #expect((0..<votes.kway.count).allSatisfy { votes.kway.attributes["country"]?[$0] == slice.value })
        }
        // Slices of other cuts still keep every K-way vote, as before.
        let category = VoteSlice(field: "category", value: "any", rows: [0, 2])
        #expect(table.slice(category).kway.count == 10)
    }
}
