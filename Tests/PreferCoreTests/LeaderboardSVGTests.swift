import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import PreferCore
import Testing

@Suite("Leaderboard SVG")
struct LeaderboardSVGTests {
    /// A leaderboard of four contenders with bootstrap intervals and matrices.
    func board(names: [String] = ["alpha", "beta", "gamma", "delta"]) throws -> Leaderboard {
        var votes: [Vote] = []
        let strength = [3.0, 2.0, 1.0, 0.5]
        var rng = Xoshiro256(seed: 5)
        for _ in 0..<400 {
            let i = Int(rng.next() % 4)
            var j = Int(rng.next() % 3)
            if j >= i { j += 1 }
            let p = strength[i] / (strength[i] + strength[j])
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            votes.append(Vote(a: names[i], b: names[j], outcome: u < p ? .aWins : .bWins))
        }
        let options = LeaderboardOptions(intervals: .bootstrap(rounds: 50, seed: 1), matrices: true)
        return try LeaderboardBuilder(options: options).build(VoteTable(votes))
    }

    /// Whether `text` is well-formed XML.
    func parses(_ text: String) -> Bool {
        let parser = XMLParser(data: Data(text.utf8))
        return parser.parse()
    }

    @Test func documentIsWellFormedAndComplete() throws {
        let board = try board()
        let svg = LeaderboardSVG.document(board, title: "Leaderboard · test")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""))
        #expect(parses(svg))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 4)
        // Interval bars: three lines (bar and two caps) per contender.
        #expect(svg.contains("400 votes · Bradley–Terry (mle) · 95% intervals from 50 bootstrap rounds (seed 1)"))
        // Heatmap: one coloured cell per ordered pair that met, with its share.
        let matrices = try #require(board.matrices)
        let met = (0..<4).flatMap { i in (0..<4).filter { j in i != j && matrices.observedWinRate[i][j] != nil } }.count
        #expect(svg.components(separatedBy: "of points in").count - 1 == met)
        #expect(!svg.contains("style") && !svg.contains("script"))
    }

    @Test func plotIsSortedByRatingWithTicksCoveringTheIntervals() throws {
        let board = try board()
        let plot = LeaderboardSVG.intervalPlot(board)
        let sorted = board.contenders.sorted { $0.rating > $1.rating }.map(\.name)
        let positions = sorted.map { plot.body.range(of: ">\($0)</text>")!.lowerBound }
        #expect(positions == positions.sorted(), "names are drawn best first")
        let ticks = LeaderboardSVG.niceTicks(board.contenders.map(\.lower).min()!, board.contenders.map(\.upper).max()!)
        #expect(ticks.first! <= board.contenders.map(\.lower).min()! && ticks.last! >= board.contenders.map(\.upper).max()!)
        #expect((3...9).contains(ticks.count))
        for tick in ticks { #expect(plot.body.contains(">\(Int(tick))</text>")) }
    }

    @Test func niceTicks() {
        #expect(LeaderboardSVG.niceTicks(912, 1093) == [900, 950, 1000, 1050, 1100])
        #expect(LeaderboardSVG.niceTicks(998, 1003) == [998, 999, 1000, 1001, 1002, 1003])
        #expect(LeaderboardSVG.niceTicks(1000, 1000) == [990, 995, 1000, 1005, 1010])
    }

    @Test func namesAreEscaped() throws {
        let hostile = ["<script>alert(1)</script>", "a & b \"quoted\"", "<img src=x onerror=alert(2)>", "plain"]
        let board = try board(names: hostile)
        let svg = LeaderboardSVG.document(board, title: "<title>evil</title>")
        #expect(parses(svg))
        #expect(!svg.contains("<script") && !svg.contains("<img") && !svg.contains("<title>evil"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && svg.contains("a &amp; b &quot;quoted&quot;"))
    }

    @Test func emptyAndSmallBoards() throws {
        let empty = Leaderboard.empty("No votes yet.")
        let svg = LeaderboardSVG.document(empty, title: "Empty")
        #expect(parses(svg) && svg.contains("No votes yet"))
        let plot = LeaderboardSVG.intervalPlot(empty).svg(title: "t", id: "p")
        #expect(plot.hasPrefix("<svg viewBox=") && plot.contains("aria-labelledby=\"p-title\""))
    }

    @Test func coloursRunFromOrangeThroughWhiteToBlue() {
        #expect(LeaderboardSVG.colourFor(0).hex == "#b35806")
        #expect(LeaderboardSVG.colourFor(0.5).hex == "#f7f7f7")
        #expect(LeaderboardSVG.colourFor(1).hex == "#0550a0")
        #expect(LeaderboardSVG.colourFor(1).dark && !LeaderboardSVG.colourFor(0.5).dark)
    }

    /// Issue 16: with ten or more contenders the rotated column labels ran
    /// off the right edge. Each label now fits inside the drawing.
    @Test func heatmapLabelsFitWithManyContenders() throws {
        let names = (1...12).map { "contender-with-a-long-name-\($0)" }
        let board = try board(names: Array(names.prefix(4)))
        var matrices = try #require(board.matrices)
        matrices.contenders = names
        matrices.battles = Array(repeating: Array(repeating: 3, count: 12), count: 12)
        matrices.observedWinRate = Array(repeating: Array(repeating: 0.5, count: 12), count: 12)
        matrices.predictedWinRate = Array(repeating: Array(repeating: 0.5, count: 12), count: 12)
        let drawing = LeaderboardSVG.heatmap(matrices)
        #expect(drawing.body.contains("contender-with-a-long-n…"), "long names are cut, with the full name in the titles")
        #expect(drawing.body.contains("contender-with-a-long-name-12 against"))
        let pattern = try NSRegularExpression(pattern: #"translate\(([0-9.]+) ([0-9.]+)\) rotate\(-45\)" fill="[^"]+">([^<]+)<"#)
        let body = drawing.body
        let matches = pattern.matches(in: body, range: NSRange(body.startIndex..., in: body))
        #expect(matches.count == 12)
        for match in matches {
            let x = Double(body[Range(match.range(at: 1), in: body)!])!
            let y = Double(body[Range(match.range(at: 2), in: body)!])!
            let length = Double(body[Range(match.range(at: 3), in: body)!].count) * 7.2 * 0.7071
            #expect(x + length <= drawing.width, "a column label runs past the right edge")
            #expect(y - length >= 0, "a column label runs past the top")
        }
    }
}
