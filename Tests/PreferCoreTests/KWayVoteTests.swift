import Foundation
import PreferTestSupport
import Testing

@testable import PreferCore

private func expectError(
    _ text: String, source: String = "k.jsonl", options: VoteParseOptions = .init(),
    line: Int, field: String?, message: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let result = try VoteParser.parse(text, source: source, options: options)
        Issue.record("expected an error, parsed \(result.table.totalVotes) votes", sourceLocation: sourceLocation)
    } catch {
        #expect(error == VoteParseError(source: source, line: line, field: field, message: message), sourceLocation: sourceLocation)
    }
}

@Suite("K-way votes")
struct KWayVoteTests {
    static let mixed = """
        {"model_a":"a","model_b":"b","winner":"model_a","judge":"v1"}
        {"candidates":["a","b","c","d"],"winner":"c","voter":"v2","category":"code","tstamp":1700000000,"weight":2}
        {"ranking":["c","a","d","b"]}
        {"candidates":["d","b","a"],"ranking":["a","d"],"category":"math"}
        {"model_a":"c","model_b":"d","winner":"tie (bothbad)"}

        """

    @Test func rowsOfEveryForm() throws {
        let result = try VoteParser.parse(Self.mixed, source: "k.jsonl")
        let table = result.table
        #expect(result.rows == 5)
        #expect(table.count == 2 && table.kway.count == 3 && table.totalVotes == 5)
        #expect(table.contenders == ["a", "b", "c", "d"])
        let votes = table.kwayVotes
        #expect(votes[0].candidates == ["a", "b", "c", "d"] && votes[0].ranking == ["c"] && votes[0].weight == 2)
        #expect(votes[0].voter == "v2" && votes[0].category == "code" && votes[0].timestamp == 1_700_000_000)
        #expect(votes[1].candidates == ["c", "a", "d", "b"] && votes[1].ranking == ["c", "a", "d", "b"])
        #expect(votes[2].candidates == ["d", "b", "a"] && votes[2].ranking == ["a", "d"] && votes[2].places == [2, 0, 1])
        #expect(votes[2].category == "math" && votes[2].voter == nil && votes[2].weight == 1)
        #expect(table.kway.best(at: 1) == 2)
        #expect(table.voters?[0] == "v1")
        // The same file as a JSON array.
        let array = "[" + Self.mixed.split(separator: "\n").joined(separator: ",\n") + "]"
        let fromArray = try VoteParser.parse(array, source: "k.json").table
        #expect(fromArray.kwayVotes == votes)
        #expect(fromArray.a == table.a && fromArray.outcomes == table.outcomes)
    }

    @Test func escapedNamesAndSpaces() throws {
        let text = #"{ "candidates" : [ "x\"y" , "z\u00e9" , "w" ] , "winner" : "z\u00e9" }"# + "\n"
        let table = try VoteParser.parse(text, source: "k.jsonl").table
        #expect(table.contenders == ["x\"y", "zé", "w"])
        #expect(table.kwayVote(at: 0).best == "zé")
    }

    @Test func chunkedParseEqualsSequential() throws {
        var text = ""
        for i in 0..<6000 {
            let c = (0..<4).map { "m\(($0 * 7 + i) % 13)" }
            switch i % 3 {
            case 0: text += #"{"candidates":["\#(c[0])","\#(c[1])","\#(c[2])","\#(c[3])"],"winner":"\#(c[i % 4])","voter":"v\#(i % 9)"}"# + "\n"
            case 1: text += #"{"ranking":["\#(c[1])","\#(c[0])","\#(c[3])"],"weight":1.5}"# + "\n"
            default: text += #"{"model_a":"\#(c[0])","model_b":"\#(c[1])","winner":"model_b","category":"k\#(i % 5)"}"# + "\n"
            }
        }
        let one = try VoteParser.parse(text, source: "k.jsonl", options: VoteParseOptions(threads: 1)).table
        let many = try VoteParser.parse(text, source: "k.jsonl", options: VoteParseOptions(threads: 4)).table
        #expect(one.kway.count == 4000 && one.count == 2000)
        #expect(one.contenders == many.contenders)
        #expect(one.kway.candidates == many.kway.candidates && one.kway.offsets == many.kway.offsets)
        #expect(one.kway.places == many.kway.places && one.kway.weights == many.kway.weights)
        #expect(one.kway.voters == many.kway.voters && one.kway.voters?.values == many.kway.voters?.values)
        #expect(one.categories == many.categories && one.a == many.a)
    }

    @Test func exclusionsDropTheWholeVoteAndFiltersApply() throws {
        let excluded = try VoteParser.parse(Self.mixed, source: "k.jsonl", options: VoteParseOptions(excluded: ["b"]))
        #expect(excluded.table.kway.count == 0 && excluded.table.count == 1 && excluded.filteredOut == 4)
        let filtered = try VoteParser.parse(Self.mixed, source: "k.jsonl", options: VoteParseOptions(filters: [FieldFilter(field: "category", value: "math")]))
        #expect(filtered.table.kway.count == 1 && filtered.table.count == 0)
        #expect(filtered.table.kwayVote(at: 0).ranking == ["a", "d"])
    }

    @Test func badRowsNameFileLineAndField() {
        let ok = #"{"model_a":"a","model_b":"b","winner":"model_a"}"# + "\n"
        expectError(ok + #"{"candidates":["a","b","c"],"winner":"d"}"#, line: 2, field: "winner", message: #"winner "d" is not among the candidates"#)
        expectError(ok + #"{"ranking":["a","b","a"]}"#, line: 2, field: "ranking", message: #"ranking lists "a" more than once; a ranking places each candidate once"#)
        expectError(ok + #"{"candidates":["a","b","c"],"ranking":["b","b"]}"#, line: 2, field: "ranking", message: #"ranking lists "b" more than once; a ranking places each candidate once"#)
        expectError(ok + #"{"candidates":["a","b","c"],"ranking":["b","e"]}"#, line: 2, field: "ranking", message: #"ranking names "e", which is not among the candidates"#)
        expectError(#"{"candidates":["a"],"winner":"a"}"#, line: 1, field: "candidates", message: "a K-way vote needs at least 2 candidates, got 1")
        expectError(#"{"ranking":["a"]}"#, line: 1, field: "ranking", message: "a K-way vote needs at least 2 candidates, got 1")
        expectError(#"{"candidates":["a","b","a"],"winner":"a"}"#, line: 1, field: "candidates", message: #"candidates lists "a" more than once"#)
        expectError(#"{"candidates":["a","b"],"ranking":[]}"#, line: 1, field: "ranking", message: "ranking must name at least one candidate, best first")
        expectError(#"{"candidates":["a","b"]}"#, line: 1, field: "winner", message: #"a K-way row needs "winner" (the best candidate) or "ranking" (best first)"#)
        expectError(#"{"candidates":["a","b","c"],"winner":"a","ranking":["b","a"]}"#, line: 1, field: "winner", message: #"winner "a" and ranking disagree: the ranking puts "b" first"#)
        expectError(#"{"candidates":"a,b","winner":"a"}"#, line: 1, field: "candidates", message: "candidates must be a JSON array of contender names")
        expectError(#"{"candidates":["a",2],"winner":"a"}"#, line: 1, field: "candidates", message: "candidates must list contender names as strings, found a number")
        expectError(#"{"candidates":["a",""],"winner":"a"}"#, line: 1, field: "candidates", message: "candidates must not contain an empty name")
        expectError(#"{"model_a":"a","model_b":"b","candidates":["a","b"],"winner":"a"}"#, line: 1, field: "model_a",
                    message: "a row is either pairwise (model_a, model_b, winner) or K-way (candidates with winner or ranking), not both")
        expectError(#"{"ranking":["a","b"],"winner":"a"}"#, line: 1, field: "candidates", message: #"a K-way row with a winner needs "candidates" (the contenders shown)"#)
        expectError(#"{"candidates":["a","b"],"winner":"a","weight":0}"#, line: 1, field: "weight", message: "weight must be a number > 0, got 0")
        expectError("model_a,model_b,winner,candidates\na,b,model_a,\n", source: "k.csv", line: 1, field: "candidates",
                    message: "K-way votes (candidates, ranking) need a JSON or JSONL file; CSV holds pairwise votes only (model_a, model_b, winner)")
    }

    @Test func skipInvalidCountsBadKWayRows() throws {
        let text = Self.mixed + #"{"candidates":["a","b"],"winner":"z"}"# + "\n"
        let result = try VoteParser.parse(text, source: "k.jsonl", options: VoteParseOptions(skipInvalid: true))
        #expect(result.invalidCount == 1 && result.table.kway.count == 3)
        #expect(result.invalid.first?.line == 6 && result.invalid.first?.field == "winner")
    }

    @Test func tableOperationsKeepKWayVotes() throws {
        var table = VoteTable()
        table.append(Vote(a: "x", b: "y", outcome: .aWins))
        table.append(try KWayVote(candidates: ["y", "z", "w"], best: "z", voter: "v"))
        table.append(try KWayVote(candidates: ["w", "x"], ranking: ["x", "w"], weight: 3, category: "c"))
        var other = VoteTable()
        other.append(try KWayVote(candidates: ["q", "z"], best: "q"))
        var merged = table
        merged.append(contentsOf: other)
        #expect(merged.contenders == ["x", "y", "z", "w", "q"])
        #expect(merged.kwayVotes.map(\.best) == ["z", "x", "q"])
        #expect(merged.kway.weights == [1, 3, 1] && merged.kway.voters?[0] == "v" && merged.kway.categories?[1] == "c")
        let kept = merged.filteredKWay([false, false, true])
        #expect(kept.kwayVotes.map(\.best) == ["q"])
        #expect(kept.hasContendersWithoutVotes)
        let compact = kept.compacted()
        #expect(compact.contenders == ["x", "y", "q", "z"])
        #expect(compact.kwayVote(at: 0).candidates == ["q", "z"] && compact.kway.candidates == [2, 3])
        let dropped = merged.filteredKWay([false, false, false]).compacted()
        #expect(dropped.contenders == ["x", "y"] && dropped.kway.isEmpty)
        let renumbered = VoteTable([Vote(a: "q", b: "z", outcome: .tie)])
        var both = renumbered
        both.append(try KWayVote(candidates: ["w", "z"], best: "w"))
        #expect(both.contenders == ["q", "z", "w"] && both.kway.candidates == [2, 1])
    }

    @Test func checkedConstruction() {
        #expect(throws: KWayVoteError.tooFewCandidates(1)) { try KWayVote(candidates: ["a"], best: "a") }
        #expect(throws: KWayVoteError.winnerNotACandidate("c")) { try KWayVote(candidates: ["a", "b"], best: "c") }
        #expect(throws: KWayVoteError.repeatedInRanking("a")) { try KWayVote(candidates: ["a", "b"], ranking: ["a", "a"]) }
        #expect(throws: KWayVoteError.rankedNotACandidate("c")) { try KWayVote(candidates: ["a", "b"], ranking: ["c"]) }
        #expect(throws: KWayVoteError.repeatedCandidate("a")) { try KWayVote(candidates: ["a", "a"], best: "a") }
        #expect(throws: KWayVoteError.emptyRanking) { try KWayVote(candidates: ["a", "b"], ranking: []) }
        #expect(throws: KWayVoteError.badWeight(-1)) { try KWayVote(candidates: ["a", "b"], best: "a", weight: -1) }
    }

    @Test func choiceCountsShareCellsAcrossShownOrders() throws {
        var table = VoteTable()
        table.append(try KWayVote(candidates: ["a", "b", "c"], best: "b"))
        table.append(try KWayVote(candidates: ["c", "a", "b"], best: "b"))
        table.append(try KWayVote(candidates: ["c", "a", "b"], ranking: ["b", "a", "c"]))
        table.append(try KWayVote(candidates: ["c", "a", "b"], ranking: ["b", "a"]))
        let counts = ChoiceCounts(table)
        #expect(counts.cellCount == 2)
        #expect(counts.cellCounts == [2, 2])
        #expect(Array(counts.members(ofCell: 0)) == [1, 0, 2] && counts.cellStages == [1, 2])
        #expect(counts.contenderVotes == [4, 4, 4])
        let (points, comparisons) = counts.impliedRecord()
        // b beats both in all four votes; a beats c in the two rankings.
        #expect(points == [2, 8, 0] && comparisons == [6, 8, 6])
    }
}
