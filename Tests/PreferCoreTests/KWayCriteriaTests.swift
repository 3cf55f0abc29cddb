import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// Criteria on K-way votes: per criterion, the candidate picked best on it,
/// ranked by Plackett–Luce on those picks (`CriteriaSlicer` on K-way rows).
@Suite("K-way criteria")
struct KWayCriteriaTests {
    @Test func kwayRowsCarryAPickPerCriterion() throws {
        let text = """
        {"candidates":["x","y","z"],"winner":"y","criteria":{"style":"z","honesty":"x"}}
        {"candidates":["z","x","y"],"ranking":["x","z"],"criteria":{"style":"y","honesty":null}}
        {"candidates":["x","y","z"],"winner":"x","criteria":{}}
        {"candidates":["y","z","x"],"ranking":["z","y"],"criterion":"honesty"}
        {"model_a":"x","model_b":"y","winner":"model_a","criteria":{"style":"left"}}
        """
        let table = try VoteParser.parse(text, source: "t.jsonl", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        #expect(table.count == 1 && table.kway.count == 4)
        let cut = try #require(try CriteriaSlicer.slices(table))
        #expect(cut.slices.map(\.value) == ["style", "honesty"])
        // The pairwise row has no honesty, the third K-way row answers nothing.
        #expect(cut.missing == 1)
        let style = cut.slices[0]
        #expect(style.rows == [0] && style.outcomes == [.aWins])
        #expect(style.kwayRows == [0, 1])
        let honesty = cut.slices[1]
        #expect(honesty.rows == [] && honesty.kwayRows == [0, 3])
        // On a criterion's slice, a K-way vote is "pick the best" with that pick;
        // a long-format row keeps its own ranking.
        let styled = table.slice(style)
        #expect(styled.kwayVotes.map(\.ranking) == [["z"], ["y"]])
        #expect(styled.kwayVotes.map(\.candidates) == [["x", "y", "z"], ["z", "x", "y"]])
        #expect(styled.count == 1)
        #expect(table.slice(honesty).kwayVotes.map(\.ranking) == [["x"], ["z", "y"]])
    }

    @Test func kwayVotesWithoutCriteriaAreInNoCriterionsSlice() throws {
        let text = """
        {"model_a":"x","model_b":"y","winner":"model_a","criteria":{"style":"left"}}
        {"candidates":["x","y","z"],"winner":"y"}
        {"model_a":"y","model_b":"z","winner":"model_b","criteria":{"style":"right"}}
        """
        let table = try VoteParser.parse(text, source: "t.jsonl", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        let cut = try #require(try CriteriaSlicer.slices(table))
        #expect(cut.slices.map(\.value) == ["style"] && cut.missing == 1)
        #expect(cut.slices[0].rows == [0, 1] && cut.slices[0].kwayRows == [])
        let sliced = table.slice(cut.slices[0])
        #expect(sliced.count == 2 && sliced.kway.isEmpty)
        // Pairwise votes alone: as before, nothing K-way to decide.
        let pairwise = try VoteParser.parse(text.split(separator: "\n").enumerated().filter { $0.offset != 1 }.map { String($0.element) }.joined(separator: "\n"),
            source: "t.jsonl", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        #expect(try CriteriaSlicer.slices(pairwise)?.slices.first?.kwayRows == nil)
    }

    @Test func aPickNotAmongTheCandidatesIsAnErrorNamingVoteAndCriterion() throws {
        let text = """
        {"candidates":["x","y","z"],"winner":"y","criteria":{"style":"z"}}
        {"candidates":["x","y","z"],"winner":"y","criteria":{"style":"w"}}
        """
        let table = try VoteParser.parse(text, source: "t.jsonl", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        #expect(throws: CriteriaSlicer.Problem.self) { try CriteriaSlicer.slices(table) }
        do {
            _ = try CriteriaSlicer.slices(table)
        } catch {
            #expect(error.message.contains("K-way vote 2") && error.message.contains("criteria.style"), "\(error.message)")
        }
        let numbered = try VoteParser.parse(
            #"{"candidates":["x","y"],"winner":"y","criteria":{"style":2}}"#, source: "t.jsonl",
            options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        #expect(throws: CriteriaSlicer.Problem.self) { try CriteriaSlicer.slices(numbered) }
    }

    /// A criterion's board is the Plackett–Luce fit of the table holding only
    /// that criterion's picks, as best-of-K votes (bootstrap included: same seed).
    @Test func aCriterionBoardIsThePlackettLuceFitOfItsPicks() throws {
        let names = ["a", "b", "c", "d", "e", "f"]
        let overall: [Double] = [1.2, 0.6, 0.3, 0, -0.4, -0.9]
        let style: [Double] = [-0.8, 0.9, 0.1, 0.5, 0, -0.3]
        var rng = Xoshiro256(seed: 11)
        func pick(_ shown: [Int], _ strengths: [Double]) -> Int {
            let weights = shown.map { exp(strengths[$0]) }
            var u = rng.nextUnit() * weights.reduce(0, +)
            for (i, w) in weights.enumerated() {
                u -= w
                if u <= 0 { return shown[i] }
            }
            return shown.last!
        }
        var lines: [String] = []
        var picks: [KWayVote] = []
        for n in 0..<900 {
            var shown = Array(0..<names.count)
            for i in stride(from: shown.count - 1, to: 0, by: -1) { shown.swapAt(i, rng.nextIndex(below: i + 1)) }
            shown = Array(shown.prefix(4))
            let candidates = shown.map { names[$0] }
            let best = names[pick(shown, overall)]
            var line = #"{"candidates":["# + candidates.map { "\"\($0)\"" }.joined(separator: ",") + #"],"winner":""# + best + #"""#
            line += #","voter":"v\#(n % 25)""#
            if n % 4 != 0 {
                let styled = names[pick(shown, style)]
                line += #","criteria":{"style":""# + styled + #""}"#
                picks.append(try KWayVote(candidates: candidates, best: styled, voter: "v\(n % 25)"))
            }
            lines.append(line + "}")
        }
        let table = try VoteParser.parse(lines.joined(separator: "\n"), source: "t.jsonl", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
        let slice = try #require(try CriteriaSlicer.slice(table, criterion: "style"))
        #expect(slice.count == picks.count)
        let options = LeaderboardOptions(intervals: .bootstrap(rounds: 40, seed: 5), threads: 2)
        let board = try #require(SliceRanker(builder: LeaderboardBuilder(options: options)).rank(table, slice).board.board)
        // Contenders in the file's order (the bootstrap's draws follow the contenders' indices).
        var alone = VoteTable()
        for name in table.contenders { _ = alone.internContender(name) }
        for vote in picks { alone.append(vote) }
        let fit = try LeaderboardBuilder(options: options).build(alone)
        #expect(board.method.model == fit.method.model)
        #expect(board.contenders.count == names.count)
        for entry in fit.contenders {
            let sliced = try #require(board.entry(named: entry.name))
            #expect(Swift.abs(sliced.rating - entry.rating) < 1e-9, "\(entry.name)")
            #expect(Swift.abs(sliced.lower - entry.lower) < 1e-9 && Swift.abs(sliced.upper - entry.upper) < 1e-9, "\(entry.name)")
        }
        // The style board follows the style strengths, not the overall ones.
        #expect(board.contenders.first?.name == "b")
    }
}
