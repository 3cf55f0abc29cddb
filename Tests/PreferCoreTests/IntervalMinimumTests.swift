import Foundation
@testable import PreferCore
import Testing

/// Issue 16: a bootstrap of one vote shows "−0.0 / +0.0", which reads as
/// certainty. Below `Leaderboard.minimumVotesForInterval` votes a contender
/// gets no interval, says why, and counts as uncertain for Rank (UB).
@Suite("Intervals need enough votes")
struct IntervalMinimumTests {
    func board(_ votes: [Vote]) throws -> Leaderboard {
        try LeaderboardBuilder(options: LeaderboardOptions(intervals: .bootstrap(rounds: 100, seed: 3))).build(VoteTable(votes))
    }

    @Test func oneVoteGivesNoIntervalAndSaysWhy() throws {
        let board = try board([Vote(a: "x", b: "y", outcome: .aWins)])
        for entry in board.contenders {
            #expect(entry.noInterval == "only 1 vote; 10 are needed for an interval")
            #expect(entry.lower == entry.rating && entry.upper == entry.rating)
            #expect(entry.rankUB == 1, "an unknown interval overlaps every other")
            // The resamples of one vote always give the same ranks: "2–2" would read as certain.
            #expect(entry.rankLower == 1 && entry.rankUpper == 2, "\(entry.name): \(String(describing: entry.rankLower))–\(String(describing: entry.rankUpper))")
        }
        let json = try board.jsonText()
        #expect(json.contains("\"no_interval\" : \"only 1 vote; 10 are needed for an interval\""))
        // The JSON gives no bounds at all, so a client that ignores no_interval reads no certainty.
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["contenders"] as? [[String: Any]])
        for row in rows {
            #expect(row["lower"] is NSNull && row["upper"] is NSNull && row["se"] == nil, "\(row)")
            #expect(row["rating"] is Double)
        }
        var withoutSE = board.contenders[0]
        withoutSE.standardError = nil
        let decoded = try JSONDecoder().decode(Leaderboard.Entry.self, from: JSONEncoder().encode(board.contenders[0]))
        #expect(decoded == withoutSE, "null bounds read back as the rating")
        let table = try board.rendered(as: .table)
        #expect(table.contains("– no interval: x (only 1 vote"))
        #expect(!table.contains("0.0  0.0"))
    }

    @Test func contendersWithEnoughVotesKeepTheirIntervals() throws {
        var votes: [Vote] = []
        for k in 0..<60 { votes.append(Vote(a: "a", b: "b", outcome: k % 3 == 0 ? .bWins : .aWins)) }
        for k in 0..<4 { votes.append(Vote(a: "a", b: "newcomer", outcome: k % 2 == 0 ? .aWins : .bWins)) }
        let board = try board(votes)
        let byName = Dictionary(uniqueKeysWithValues: board.contenders.map { ($0.name, $0) })
        #expect(byName["a"]?.noInterval == nil && byName["b"]?.noInterval == nil)
        #expect((byName["b"].map { $0.upper - $0.lower } ?? 0) > 0)
        #expect(byName["newcomer"]?.noInterval == "only 4 votes; 10 are needed for an interval")
        #expect(byName["newcomer"]?.rankUB == 1)
        for entry in board.contenders {
            var expected = entry
            if entry.noInterval != nil { expected.standardError = nil }  // written as no bounds at all
            let back = try JSONDecoder().decode(Leaderboard.Entry.self, from: JSONEncoder().encode(entry))
            #expect(back == expected, "\(back) vs \(expected)")
        }
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(try board.jsonText().utf8)) as? [String: Any])?["contenders"] as? [[String: Any]])
        #expect(rows.first { $0["name"] as? String == "b" }?["lower"] is Double, "an interval that is there is written")
    }

    @Test func noIntervalsAskedMeansNoNote() throws {
        let board = try LeaderboardBuilder(options: LeaderboardOptions()).build(VoteTable([Vote(a: "x", b: "y", outcome: .tie)]))
        #expect(board.contenders.allSatisfy { $0.noInterval == nil })
    }
}
