import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// K-way arenas over HTTP: K anonymous outputs per battle, best-of-K and
/// ranking votes stored once, and the Plackett–Luce leaderboard the core
/// computes from the same votes.
@Suite("K-way battles and Plackett–Luce leaderboards")
struct KWayTests {
    static let contenders = ["alpha", "beta", "gamma", "delta", "epsilon"]

    /// A `k`-way arena with every contender's output for `prompts` prompts.
    static func makeKWayArena(_ server: TestServer, name: String, k: Int, prompts: Int = 4, content: (Int, Int) -> String = { p, c in "Answer \(p) [\(c)]" }) async throws {
        let arena = try await server.createArena(["name": name, "k": k])
        #expect(arena["k"] as? Int == k)
        var lines: [String] = []
        for p in 0..<prompts {
            for (c, contender) in contenders.enumerated() {
                let line = try JSONSerialization.data(withJSONObject: [
                    "prompt": "Prompt \(p)?", "contender": contender, "content": content(p, c),
                    "category": p % 2 == 0 ? "code" : "prose",
                ])
                lines.append(String(decoding: line, as: UTF8.self))
            }
        }
        let reply = try await server.send(
            .post, "/api/arenas/\(name)/import", template: "/api/arenas/{arena}/import",
            raw: lines.joined(separator: "\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
        #expect(reply.status == 201, "\(reply.text)")
    }

    /// The contender index that wrote each output of a K-way battle, in the order shown.
    static func authors(_ battle: TestServer.Reply) -> [Int] {
        (battle.json["outputs"] as? [Any] ?? []).map { TestServer.author($0) }
    }

    @Test func fourWayBattlesVotesAndThePlackettLuceBoard() async throws {
        try await TestServer.run { server in
            try await Self.makeKWayArena(server, name: "four", k: 4)

            // A battle: four outputs, no contender anywhere, no left/right.
            let battle = try await server.battle("four")
            #expect(battle.status == 201)
            #expect(battle.json["k"] as? Int == 4)
            #expect(battle.json["left"] == nil && battle.json["right"] == nil)
            let authors = Self.authors(battle)
            #expect(authors.count == 4 && Set(authors).count == 4)
            let id = battle.json["battle"] as! String
            let shown = battle.text.replacingOccurrences(of: id, with: "")
            for name in Self.contenders + ["contender", "\"id\""] {
                #expect(!shown.contains(name), "battle response mentions \(name): \(battle.text)")
            }

            // Best of four, replayed with the same client id: stored once.
            let best = try await server.vote(id, ["choice": "best", "best": 2, "client_vote_id": "k-1", "time_to_vote_ms": 3000])
            #expect(best.status == 201, "\(best.text)")
            #expect(best.json["choice"] as? String == "best" && best.json["best"] as? Int == 2)
            let candidates = best.json["candidates"] as? [[String: Any]] ?? []
            #expect(candidates.map { $0["contender"] as? String } == authors.map { Self.contenders[$0] })
            #expect(candidates.map { $0["place"] as? Int } == [0, 1, 0, 0])
            let replay = try await server.vote(id, ["choice": "best", "best": 2, "client_vote_id": "k-1"])
            #expect(replay.status == 200 && replay.json["replayed"] as? Bool == true && replay.json["id"] as? Int == best.json["id"] as? Int)
            let again = try await server.vote(id, ["ranking": [1, 2, 3, 4]])
            #expect(again.status == 409 && again.errorCode == "battle_already_voted")
            let kway = try #require(server.store as? any KWayStore)
            #expect(try await kway.kwayVoteCount(arena: 1) == 1)
            #expect(try await server.store.voteCount(arena: 1) == 0)

            // More votes: rankings and picks that mostly follow the contenders' order.
            var table = VoteTable()
            table.append(try KWayVote(candidates: authors.map { Self.contenders[$0] }, best: Self.contenders[authors[1]]))
            for round in 0..<60 {
                let drawn = try await server.battle("four")
                let order = Self.authors(drawn)
                let names = order.map { Self.contenders[$0] }
                // Positions sorted by author (lower index better), reversed every third vote.
                var ranking = (1...4).sorted { order[$0 - 1] < order[$1 - 1] }
                if round % 3 == 0 { ranking.reverse() }
                let id = drawn.json["battle"] as! String
                if round % 2 == 0 {
                    let reply = try await server.vote(id, ["choice": "best", "best": ranking[0], "client_vote_id": "r-\(round)"])
                    #expect(reply.status == 201, "\(reply.text)")
                    table.append(try KWayVote(candidates: names, best: names[ranking[0] - 1]))
                } else {
                    let partial = round % 5 == 0 ? Array(ranking.prefix(2)) : ranking
                    let reply = try await server.vote(id, ["ranking": partial, "client_vote_id": "r-\(round)"])
                    #expect(reply.status == 201, "\(reply.text)")
                    #expect(reply.json["ranking"] as? [Int] == partial)
                    if round == 1 {
                        let replay = try await server.vote(id, ["ranking": partial, "client_vote_id": "r-\(round)"])
                        #expect(replay.status == 200 && replay.json["replayed"] as? Bool == true)
                    }
                    table.append(try KWayVote(candidates: names, ranking: partial.map { names[$0 - 1] }))
                }
            }
            // A replay of one of them is not counted twice.
            #expect(try await kway.kwayVoteCount(arena: 1) == 61)

            let board = try await server.send(.get, "/api/arenas/four/leaderboard?bootstrap=50&seed=7", template: "/api/arenas/{arena}/leaderboard")
            #expect(board.status == 200, "\(board.text)")
            let method = board.json["method"] as? [String: Any] ?? [:]
            #expect(method["model"] as? String == "plackett-luce")
            #expect(method["votes"] as? Int == 61)
            #expect((board.json["warnings"] as? [String] ?? []).contains { $0.contains("K-way") && $0.contains("unaudited") })

            // The core's builder on the same votes gives the same board.
            let options = LeaderboardOptions(intervals: .bootstrap(rounds: 50, seed: 7), onlineElo: OnlineElo(), matrices: true)
            let reference = try LeaderboardBuilder(options: options).build(table)
            #expect(reference.method.model == "plackett-luce")
            let served = board.json["contenders"] as? [[String: Any]] ?? []
            #expect(served.count == reference.contenders.count)
            for entry in reference.contenders {
                let row = try #require(served.first { $0["name"] as? String == entry.name })
                let rating = try #require(row["rating"] as? Double)
                #expect(abs(rating - entry.rating) < 1e-6, "\(entry.name): \(rating) vs \(entry.rating)")
                #expect(abs((row["lower"] as? Double ?? .nan) - entry.lower) < 1e-6)
                #expect(abs((row["upper"] as? Double ?? .nan) - entry.upper) < 1e-6)
            }
            // The strongest contender by construction beats the weakest. (Which four of the five
            // each battle shows is the server's random draw, so the exact order is not fixed:
            // "alpha leads" failed once in a full run when beta happened to meet weak fields.)
            let rating = Dictionary(uniqueKeysWithValues: reference.contenders.map { ($0.name, $0.rating) })
            #expect((rating["alpha"] ?? 0) > (rating["epsilon"] ?? 0), "\(rating)")

            // The JSON Lines export is K-way rows that the core reads back to the same ratings.
            let export = try await server.send(.get, "/api/arenas/four/votes?format=jsonl", admin: true)
            #expect(export.status == 200)
            let lines = export.text.split(separator: "\n")
            #expect(lines.count == 61 && lines.allSatisfy { $0.contains("\"candidates\":[") })
            let parsed = try VoteParser.parse(export.text, source: "export").table
            #expect(parsed.kway.count == 61 && parsed.count == 0)
            let reread = try LeaderboardBuilder(options: options).build(parsed)
            for entry in reference.contenders {
                let again = try #require(reread.contenders.first { $0.name == entry.name })
                #expect(abs(again.rating - entry.rating) < 1e-6)
            }
        }
    }

    @Test func badKWayInputIsAClearError() async throws {
        try await TestServer.run { server in
            try await Self.makeKWayArena(server, name: "bad", k: 4)
            let id = try await server.battle("bad").json["battle"] as! String
            let outOfRange = try await server.vote(id, ["choice": "best", "best": 5])
            #expect(outOfRange.status == 400 && outOfRange.errorField == "best", "\(outOfRange.text)")
            let zero = try await server.vote(id, ["choice": "best", "best": 0])
            #expect(zero.status == 400 && zero.errorField == "best", "\(zero.text)")
            let repeated = try await server.vote(id, ["ranking": [2, 1, 2]])
            #expect(repeated.status == 400 && repeated.errorField == "ranking", "\(repeated.text)")
            let beyond = try await server.vote(id, ["ranking": [1, 7]])
            #expect(beyond.status == 400 && beyond.errorField == "ranking[1]", "\(beyond.text)")
            let empty = try await server.vote(id, ["ranking": [Int]()])
            #expect(empty.status == 400 && empty.errorField == "ranking", "\(empty.text)")
            let pairwise = try await server.vote(id, ["choice": "left"])
            #expect(pairwise.status == 400 && pairwise.errorField == "choice", "\(pairwise.text)")
            let nothing = try await server.vote(id, ["client_vote_id": "x"])
            #expect(nothing.status == 400 && nothing.errorField == "best", "\(nothing.text)")
            let disagree = try await server.vote(id, ["choice": "best", "best": 1, "ranking": [2, 1]])
            #expect(disagree.status == 400 && disagree.errorField == "ranking", "\(disagree.text)")
            // Nothing was stored by the bad votes; a good one still goes through.
            let good = try await server.vote(id, ["ranking": [4, 3, 2]])
            #expect(good.status == 201 && good.json["ranking"] as? [Int] == [4, 3, 2, 1], "\(good.text)")

            // A pairwise battle refuses K-way fields; arena settings are checked.
            try await server.makeArena("pair")
            let pairBattle = try await server.battle("pair").json["battle"] as! String
            let best = try await server.vote(pairBattle, ["choice": "best", "best": 1])
            #expect(best.status == 400 && best.errorField == "best", "\(best.text)")
            let missing = try await server.vote(pairBattle, ["rationale": "no choice"])
            #expect(missing.status == 400 && missing.errorCode == "missing_field" && missing.errorField == "choice")
            let nine = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "nine", "k": 9], admin: true)
            #expect(nine.status == 400 && nine.errorField == "k", "\(nine.text)")
            let criteria = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "crit", "k": 3, "criteria": ["style", "style"]], admin: true)
            #expect(criteria.status == 400 && criteria.errorField == "criteria", "\(criteria.text)")
            let style = try await server.send(.get, "/api/arenas/bad/leaderboard?style=true", template: "/api/arenas/{arena}/leaderboard")
            #expect(style.status == 400 && style.errorField == "style", "\(style.text)")
            // k cannot change once votes are in.
            let change = try await server.send(.patch, "/api/arenas/bad", template: "/api/arenas/{arena}", json: ["k": 3], admin: true)
            #expect(change.status == 400 && change.errorField == "k", "\(change.text)")
        }
    }

    /// Outputs whose style differs by contender: longer, with headers, lists and bold for some.
    static func styled(_ prompt: Int, _ contender: Int) -> String {
        var text = "Answer \(prompt) "
        text += String(repeating: "word ", count: 3 + 7 * contender + prompt)
        if contender % 2 == 0 { text += "\n\n# Heading\n\n- one\n- two" }
        if contender >= 3 { text += "\n\n**bold** and **more**" }
        return text + " [\(contender)]"
    }

    @Test func styleAndSliceBoardsAgreeWithTheCore() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "styled", "criteria": ["helpfulness"]])
            var lines: [String] = []
            for p in 0..<4 {
                for (c, contender) in Self.contenders.enumerated() {
                    let line = try JSONSerialization.data(withJSONObject: [
                        "prompt": "Prompt \(p)?", "contender": contender, "content": Self.styled(p, c),
                        "category": p % 2 == 0 ? "code" : "prose",
                    ])
                    lines.append(String(decoding: line, as: UTF8.self))
                }
            }
            let imported = try await server.send(
                .post, "/api/arenas/styled/import", template: "/api/arenas/{arena}/import",
                raw: lines.joined(separator: "\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
            #expect(imported.status == 201)

            var votes: [Vote] = []
            var lefts: [String] = []
            var rights: [String] = []
            var criteria: [[String: Choice]] = []
            for round in 0..<120 {
                let drawn = try await server.battle("styled")
                let left = drawn.json["left"] as! [String: Any]
                let right = drawn.json["right"] as! [String: Any]
                let (l, r) = (TestServer.author(left), TestServer.author(right))
                // Longer mostly wins; every fourth vote goes the other way, every seventh is a tie.
                var choice: Choice = (l > r) == (round % 4 != 0) ? .left : .right
                if round % 7 == 0 { choice = .tie }
                let helpful: Choice = l < r ? .left : .right
                let id = drawn.json["battle"] as! String
                var body: [String: Any] = ["choice": choice.rawValue]
                if round % 3 != 0 { body["criteria"] = ["helpfulness": helpful.rawValue] }
                let reply = try await server.vote(id, body)
                #expect(reply.status == 201, "\(reply.text)")
                let category = (drawn.json["prompt"] as? [String: Any])?["category"] as? String
                votes.append(Vote(a: Self.contenders[l], b: Self.contenders[r], outcome: choice.outcome, category: category))
                lefts.append(left["content"] as! String)
                rights.append(right["content"] as! String)
                criteria.append(round % 3 != 0 ? ["helpfulness": helpful] : [:])
            }
            var table = VoteTable(votes)
            let names = StyleFeature.textFeatures.names
            for (field, texts) in [("text_a", lefts), ("text_b", rights)] {
                let measured = texts.map { StyleFeature.textFeatures.measure($0) }
                for (f, name) in names.enumerated() {
                    table.setNumbers(TextFeatureSet.column(field, name), measured.map { $0[f] })
                }
            }
            let options = LeaderboardOptions(intervals: .bootstrap(rounds: 30, seed: 3), onlineElo: OnlineElo(), matrices: true)
            func compare(_ query: String, _ reference: Leaderboard, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
                let reply = try await server.send(.get, "/api/arenas/styled/leaderboard?bootstrap=30&seed=3&include_flagged=true&\(query)", template: "/api/arenas/{arena}/leaderboard")
                #expect(reply.status == 200, "\(reply.text)", sourceLocation: sourceLocation)
                let served = reply.json["contenders"] as? [[String: Any]] ?? []
                #expect(served.count == reference.contenders.count, sourceLocation: sourceLocation)
                for entry in reference.contenders {
                    let row = served.first { $0["name"] as? String == entry.name }
                    let rating = row?["rating"] as? Double ?? .nan
                    #expect(abs(rating - entry.rating) < 1e-6, "\(query) \(entry.name): \(rating) vs \(entry.rating)", sourceLocation: sourceLocation)
                    #expect(abs((row?["lower"] as? Double ?? .nan) - entry.lower) < 1e-6, sourceLocation: sourceLocation)
                }
                return reply.json
            }

            // Style control: the core's StyleControl on the texts' features.
            let control = StyleControl(features: StyleFeature.fromTexts(fieldA: "text_a", fieldB: "text_b"))
            let styledBoard = try control.build(table, options: options)
            let style = try await compare("style=true", styledBoard)
            let features = (style["style"] as? [String: Any])?["features"] as? [[String: Any]] ?? []
            #expect(!features.isEmpty)
            for coefficient in styledBoard.style?.features ?? [] {
                let served = features.first { $0["name"] as? String == coefficient.name }
                #expect(abs((served?["coefficient"] as? Double ?? .nan) - coefficient.coefficient) < 1e-9, "\(coefficient.name)")
            }

            // A category: FieldSlicer then SliceRanker, as prefer rank --by category.
            let ranker = SliceRanker(builder: LeaderboardBuilder(options: options))
            let code = try #require(FieldSlicer.slice(table, field: "category", value: "code"))
            let codeBoard = try #require(ranker.rank(table, code).board.board)
            let sliced = try await compare("slice=category:code", codeBoard)
            #expect((sliced["slice"] as? [String: Any])?["votes"] as? Int == code.count)

            // A criterion: CriteriaSlicer on the stored choices.
            let helpful = try #require(CriteriaSlicer.slices(criteria: criteria)?.slices.first { $0.value == "helpfulness" })
            let helpfulBoard = try #require(ranker.rank(table, helpful).board.board)
            _ = try await compare("slice=criterion:helpfulness", helpfulBoard)

            // Unknown slices are named errors.
            let unknown = try await server.send(.get, "/api/arenas/styled/leaderboard?slice=category:poetry", template: "/api/arenas/{arena}/leaderboard")
            #expect(unknown.status == 400 && unknown.errorField == "slice", "\(unknown.text)")
            let malformed = try await server.send(.get, "/api/arenas/styled/leaderboard?slice=colour", template: "/api/arenas/{arena}/leaderboard")
            #expect(malformed.status == 400 && malformed.errorField == "slice", "\(malformed.text)")
        }
    }
    @Test func kwayPageShowsKOutputsEscaped() async throws {
        try await TestServer.run { server in
            try await Self.makeKWayArena(server, name: "hostile", k: 3, prompts: 1) { _, c in
                "<script>alert(\(c))</script><img src=x onerror=alert(\(c))> [\(c)]"
            }
            let pages = PageTests()
            let page = try await server.send(.get, "/arenas/hostile/vote")
            #expect(page.status == 200, "\(page.text)")
            pages.expectSafePage(page)
            let html = page.text
            #expect(html.components(separatedBy: "class=\"side side-k\"").count - 1 == 3)
            #expect(!html.contains("<script>alert") && !html.contains("<img src=x"))
            #expect(html.contains("&lt;script&gt;alert("))
            for position in 1...3 { #expect(html.contains("name=\"best\" value=\"\(position)\"")) }
            for name in Self.contenders { #expect(!html.contains(name)) }

            // A form vote: best = 2, then the names are revealed with the places.
            let cookie = PageTests.sessionCookie(page)
            let fields = [
                "battle": try #require(PageTests.field("battle", in: html)), "csrf": try #require(PageTests.field("csrf", in: html)),
                "client_vote_id": "page-1", "best": "2",
            ]
            let voted = try await pages.post(server, "/arenas/hostile/vote", fields, cookie: cookie)
            #expect(voted.status == 200, "\(voted.text)")
            pages.expectSafePage(voted)
            #expect(voted.text.contains("(place 1)") && voted.text.contains("Vote saved."))
            #expect(Self.contenders.contains { voted.text.contains(" — \($0)") })
            let kway = try #require(server.store as? any KWayStore)
            let stored = try await kway.kwayVotes(arena: 1, after: nil, limit: 10)
            #expect(stored.count == 1 && stored.first?.ranking == [2] && stored.first?.kind == .best)

            // A ranking from the place selectors.
            let next = try await server.send(.get, "/arenas/hostile/vote", headers: cookie.map { [.cookie: $0] } ?? [:])
            let ranked = try await pages.post(server, "/arenas/hostile/vote", [
                "battle": try #require(PageTests.field("battle", in: next.text)), "csrf": try #require(PageTests.field("csrf", in: next.text)),
                "rank[p3]": "1", "rank[p1]": "2", "choice": "ranking",
            ], cookie: cookie)
            #expect(ranked.status == 200, "\(ranked.text)")
            let both = try await kway.kwayVotes(arena: 1, after: nil, limit: 10)
            #expect(both.count == 2 && both.last?.ranking == [3, 1, 2])

            // The leaderboard page offers the boards of the arena.
            let board = try await server.send(.get, "/arenas/hostile/leaderboard?view=category:code")
            #expect(board.status == 200, "\(board.text)")
            #expect(board.text.contains("<option value=\"category:code\" selected>"))
            #expect(!board.text.contains("value=\"style\""))
        }
    }
}
