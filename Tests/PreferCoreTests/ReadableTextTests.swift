@testable import PreferCore
import Testing

/// Numbers as people read them in the text reports: rounded, grouped,
/// and nouns that agree with their counts.
@Suite("Readable text")
struct ReadableTextTests {
    @Test func readableRoundsWhatArithmeticLeftUnrounded() {
        #expect(0.05 * 0.75 != 0.0375, "the product the audit sentence prints is not exactly 0.0375")
        #expect(readable(0.05 * 0.75) == "0.0375")
        #expect(readable(0.05) == "0.05")
        #expect(readable(0.1 + 0.2) == "0.3")
        #expect(readable(4) == "4")
        #expect(readable(3000) == "3,000")
        #expect(readable(-2.5) == "-2.5")
        #expect(readable(.nan) == "not a number")
        #expect(number(0.05 * 0.75) == "0.037500000000000006", "CSV keeps every digit")
    }

    @Test func groupedSeparatesThousands() {
        #expect(grouped(3000) == "3,000")
        #expect(grouped(999) == "999")
        #expect(grouped(1_234_567) == "1,234,567")
        #expect(grouped(-1200) == "-1,200")
        #expect(counted(1, "Newton iteration") == "1 Newton iteration")
        #expect(counted(2, "Newton iteration") == "2 Newton iterations")
    }

    @Test func auditSummaryStatesItsLevelsRounded() throws {
        let result = try AuditFixtures.audit(AuditFixtures.honest(voters: 30, each: 20))
        let text = result.report.summaryText()
        #expect(text.contains("false-discovery rate of 0.05: disagreement (consensus, gold) by Benjamini–Hochberg at 0.0375,"), "\(text)")
        #expect(!text.contains("0.0375000"), "\(text)")
    }

    @Test func leaderboardSummaryAgreesInNumberAndGroupsVotes() throws {
        var votes: [Vote] = []
        var rng = Xoshiro256(seed: 3)
        let names = ["alpha", "beta", "gamma"]
        for _ in 0..<3000 {
            let i = rng.nextIndex(below: 3)
            var j = rng.nextIndex(below: 2)
            if j >= i { j += 1 }
            votes.append(Vote(a: names[i], b: names[j], outcome: rng.nextUnit() < (i < j ? 0.6 : 0.4) ? .aWins : .bWins))
        }
        var board = try LeaderboardBuilder(options: LeaderboardOptions()).build(VoteTable(votes))
        #expect(board.summary().contains("3,000 votes"))
        let one = try LeaderboardBuilder(options: LeaderboardOptions()).build(VoteTable([Vote(a: "x", b: "y", outcome: .aWins)]))
        #expect(one.summary().hasPrefix("1 vote, 2 contenders"), "\(one.summary())")
        board.method.iterations = 1
        #expect(board.summary().contains(", 1 Newton iteration, "), "\(board.summary())")
        board.method.iterations = 4
        #expect(board.summary().contains(", 4 Newton iterations, "), "\(board.summary())")
        let table = try board.rendered(as: .table)
        for entry in board.contenders {
            #expect(entry.votes >= 1000)
            #expect(table.contains(" \(grouped(entry.votes)) "), "\(entry.votes) grouped in: \(table)")
        }
        let csv = try board.rendered(as: .csv)
        #expect(csv.contains(",\(board.contenders[0].votes),"), "CSV keeps plain integers")
    }
}
