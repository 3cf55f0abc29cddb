import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// Criteria on K-way arenas over HTTP: a vote picks the best output per
/// criterion (`criteria_best`), stored with it; each criterion's board is
/// the Plackett–Luce fit of its picks (as the core computes it from the same
/// picks); the export carries them for `prefer rank --by criterion`.
@Suite("K-way criteria")
struct KWayCriteriaTests {
    static let contenders = KWayTests.contenders

    /// A 3-way arena asking `criteria`, with every contender's output for 4 prompts.
    static func makeArena(_ server: TestServer, name: String, criteria: [String]) async throws {
        let arena = try await server.createArena(["name": name, "k": 3, "criteria": criteria])
        #expect(arena["k"] as? Int == 3 && arena["criteria"] as? [String] == criteria)
        var lines: [String] = []
        for p in 0..<4 {
            for (c, contender) in contenders.enumerated() {
                let line = try JSONSerialization.data(withJSONObject: [
                    "prompt": "Prompt \(p)?", "contender": contender, "content": "Answer \(p) [\(c)]",
                ])
                lines.append(String(decoding: line, as: UTF8.self))
            }
        }
        let reply = try await server.send(
            .post, "/api/arenas/\(name)/import", template: "/api/arenas/{arena}/import",
            raw: lines.joined(separator: "\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
        #expect(reply.status == 201, "\(reply.text)")
    }

    @Test func picksPerCriterionAreStoredRankedAndExported() async throws {
        try await TestServer.run { server in
            try await Self.makeArena(server, name: "crit", criteria: ["style", "honesty"])

            // The battle names the criteria; a vote picks the best per criterion.
            let first = try await server.battle("crit")
            #expect(first.json["criteria"] as? [String] == ["style", "honesty"])
            let firstId = first.json["battle"] as! String
            let voted = try await server.vote(firstId, ["choice": "best", "best": 1, "criteria_best": ["style": 3, "honesty": 2], "client_vote_id": "c-0"])
            #expect(voted.status == 201, "\(voted.text)")
            #expect(voted.json["criteria_best"] as? [String: Int] == ["style": 3, "honesty": 2])
            let replay = try await server.vote(firstId, ["choice": "best", "best": 1, "criteria_best": ["style": 3, "honesty": 2], "client_vote_id": "c-0"])
            #expect(replay.status == 200 && replay.json["criteria_best"] as? [String: Int] == ["style": 3, "honesty": 2])
            let kway = try #require(server.store as? any KWayStore)
            #expect(try await kway.kwayVote(battle: firstId)?.criteria == ["style": 3, "honesty": 2])

            // Votes: the overall pick follows the contenders' order, style the reverse,
            // honesty is answered on every other vote only.
            let firstNames = KWayTests.authors(first).map { Self.contenders[$0] }
            // Contenders in the order the server meets them (the bootstrap's draws follow their indices).
            var met = firstNames
            var style = [try KWayVote(candidates: firstNames, best: firstNames[2])]
            var honesty = [try KWayVote(candidates: firstNames, best: firstNames[1])]
            for round in 0..<80 {
                let drawn = try await server.battle("crit")
                let order = KWayTests.authors(drawn)
                let names = order.map { Self.contenders[$0] }
                met += names.filter { !met.contains($0) }
                var byOrder = (1...3).sorted { order[$0 - 1] < order[$1 - 1] }
                if round % 4 == 0 { byOrder.reverse() }
                let stylish = round % 5 == 0 ? byOrder[0] : byOrder[2]
                var picks: [String: Int] = ["style": stylish]
                if round % 2 == 0 { picks["honesty"] = byOrder[round % 3 == 0 ? 1 : 0] }
                let id = drawn.json["battle"] as! String
                let body: [String: Any] = round % 3 == 0
                    ? ["ranking": byOrder, "criteria_best": picks]
                    : ["choice": "best", "best": byOrder[0], "criteria_best": picks]
                let reply = try await server.vote(id, body)
                #expect(reply.status == 201, "\(reply.text)")
                style.append(try KWayVote(candidates: names, best: names[stylish - 1]))
                if let p = picks["honesty"] { honesty.append(try KWayVote(candidates: names, best: names[p - 1])) }
            }

            // Each criterion's board is the core's Plackett–Luce fit on its picks.
            let options = LeaderboardOptions(intervals: .bootstrap(rounds: 30, seed: 3), onlineElo: OnlineElo(), matrices: true)
            for (criterion, picks) in [("style", style), ("honesty", honesty)] {
                var table = VoteTable()
                for name in met { _ = table.internContender(name) }
                for vote in picks { table.append(vote) }
                let reference = try LeaderboardBuilder(options: options).build(table)
                #expect(reference.method.model == "plackett-luce")
                let reply = try await server.send(
                    .get, "/api/arenas/crit/leaderboard?bootstrap=30&seed=3&include_flagged=true&slice=criterion:\(criterion)",
                    template: "/api/arenas/{arena}/leaderboard")
                #expect(reply.status == 200, "\(reply.text)")
                #expect((reply.json["method"] as? [String: Any])?["model"] as? String == "plackett-luce")
                #expect((reply.json["slice"] as? [String: Any])?["votes"] as? Int == picks.count, "\(criterion)")
                let served = reply.json["contenders"] as? [[String: Any]] ?? []
                #expect(served.count == reference.contenders.count, "\(criterion)")
                for entry in reference.contenders {
                    let row = served.first { $0["name"] as? String == entry.name }
                    let rating = row?["rating"] as? Double ?? .nan
                    #expect(abs(rating - entry.rating) < 1e-6, "\(criterion) \(entry.name): \(rating) vs \(entry.rating)")
                    #expect(abs((row?["lower"] as? Double ?? .nan) - entry.lower) < 1e-6, "\(criterion) \(entry.name)")
                    #expect(abs((row?["upper"] as? Double ?? .nan) - entry.upper) < 1e-6, "\(criterion) \(entry.name)")
                }
            }
            // Style was mostly won by the weakest overall: its board is not the overall order.
            let styleBoard = try await server.send(.get, "/api/arenas/crit/leaderboard?slice=criterion:style", template: "/api/arenas/{arena}/leaderboard")
            let top = (styleBoard.json["contenders"] as? [[String: Any]])?.first?["name"] as? String
            #expect(top == "epsilon" || top == "delta", "\(styleBoard.text.prefix(400))")

            // The Pareto view across the two criteria.
            let pareto = try await server.send(.get, "/api/arenas/crit/pareto", template: "/api/arenas/{arena}/pareto")
            #expect(pareto.status == 200, "\(pareto.text.prefix(400))")
            #expect((pareto.json["slices"] as? [Any])?.count == 2, "\(pareto.text.prefix(400))")

            // The export: per criterion the candidate picked best, which prefer rank reads back.
            let export = try await server.send(.get, "/api/arenas/crit/votes?format=jsonl", admin: true)
            #expect(export.status == 200)
            let lines = export.text.split(separator: "\n")
            #expect(lines.count == 81 && lines.allSatisfy { $0.contains("\"criteria\":{") })
            let parsed = try VoteParser.parse(export.text, source: "export", options: VoteParseOptions(fields: CriteriaSlicer.fields)).table
            let slice = try #require(try CriteriaSlicer.slice(parsed, criterion: "style"))
            #expect(slice.count == style.count)
            let reread = try #require(SliceRanker(builder: LeaderboardBuilder(options: options)).rank(parsed, slice).board.board)
            var table = VoteTable()
            for name in parsed.contenders { _ = table.internContender(name) }
            for vote in style { table.append(vote) }
            let reference = try LeaderboardBuilder(options: options).build(table)
            for entry in reference.contenders {
                #expect(abs((reread.entry(named: entry.name)?.rating ?? .nan) - entry.rating) < 1e-9, "\(entry.name)")
            }
        }
    }

    @Test func badCriteriaOnKWayVotesAreClearErrors() async throws {
        try await TestServer.run { server in
            try await Self.makeArena(server, name: "strict", criteria: ["style"])
            let id = try await server.battle("strict").json["battle"] as! String
            let unknown = try await server.vote(id, ["choice": "best", "best": 1, "criteria_best": ["ghost": 1]])
            #expect(unknown.status == 400 && unknown.errorField == "criteria_best.ghost", "\(unknown.text)")
            let beyond = try await server.vote(id, ["choice": "best", "best": 1, "criteria_best": ["style": 4]])
            #expect(beyond.status == 400 && beyond.errorField == "criteria_best.style", "\(beyond.text)")
            let choices = try await server.vote(id, ["choice": "best", "best": 1, "criteria": ["style": "left"]])
            #expect(choices.status == 400 && choices.errorField == "criteria.style", "\(choices.text)")
            let text = try await server.vote(id, ["choice": "best", "best": 1, "criteria_best": ["style": "first"]])
            #expect(text.status == 400, "\(text.text)")
            #expect(text.errorField?.hasPrefix("criteria_best") == true, "\(text.text)")
            // Nothing stored; a good vote goes through.
            let kway = try #require(server.store as? any KWayStore)
            #expect(try await kway.kwayVoteCount(arena: 1) == 0)
            let good = try await server.vote(id, ["choice": "best", "best": 2, "criteria_best": ["style": 2]])
            #expect(good.status == 201, "\(good.text)")

            // A pairwise battle refuses criteria_best, naming it.
            try await server.makeArena("pair", extra: ["criteria": ["style"]])
            let pair = try await server.battle("pair").json["battle"] as! String
            let wrong = try await server.vote(pair, ["choice": "left", "criteria_best": ["style": 1]])
            #expect(wrong.status == 400 && wrong.errorField == "criteria_best.style", "\(wrong.text)")

            // An arena asking criteria may now become K-way (while it has no votes).
            try await server.makeArena("fresh", extra: ["criteria": ["style"]])
            let fresh = try await server.send(.patch, "/api/arenas/fresh", template: "/api/arenas/{arena}", json: ["k": 4], admin: true)
            #expect(fresh.status == 200, "\(fresh.text)")
        }
    }

    @Test func theKWayPageAsksTheCriteriaEscaped() async throws {
        try await TestServer.run { server in
            try await Self.makeArena(server, name: "paged", criteria: ["style", "<b>bold</b>"])
            let pages = PageTests()
            let page = try await server.send(.get, "/arenas/paged/vote")
            #expect(page.status == 200, "\(page.text)")
            pages.expectSafePage(page)
            let html = page.text
            #expect(!html.contains("<b>bold</b>") && html.contains("&lt;b&gt;bold&lt;/b&gt;"))
            for position in 1...3 {
                #expect(html.contains("name=\"criteria[style]\" value=\"\(position)\""))
            }
            let cookie = PageTests.sessionCookie(page)
            let voted = try await pages.post(server, "/arenas/paged/vote", [
                "battle": try #require(PageTests.field("battle", in: html)), "csrf": try #require(PageTests.field("csrf", in: html)),
                "best": "2", "criteria[style]": "3",
            ], cookie: cookie)
            #expect(voted.status == 200, "\(voted.text)")
            pages.expectSafePage(voted)
            // After the vote the pick stays shown.
            #expect(voted.text.contains("value=\"3\" id=\"criterion-0-3\" checked"))
            let kway = try #require(server.store as? any KWayStore)
            let stored = try await kway.kwayVotes(arena: 1, after: nil, limit: 10)
            #expect(stored.count == 1 && stored.first?.criteria == ["style": 3] && stored.first?.ranking == [2])

            // The leaderboard page offers each criterion's board.
            let board = try await server.send(.get, "/arenas/paged/leaderboard?view=criterion:style")
            #expect(board.status == 200, "\(board.text)")
            #expect(board.text.contains("<option value=\"criterion:style\" selected>"))
        }
    }
}
