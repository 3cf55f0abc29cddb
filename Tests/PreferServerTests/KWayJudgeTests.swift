import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferJudgeTestSupport
import PreferStore
import Testing

/// A rank judge on a K-way arena: each ranking it gives is stored as one
/// K-way vote (source judge), not as a pairwise vote per pair; its board is
/// Plackett–Luce on those votes, and the people's board leaves them out.
@Suite("AI judges on K-way arenas", .serialized, .timeLimit(.minutes(3)))
struct KWayJudgeTests {
    /// Ranks the answers shown by their author ("Answer p [c]": lower c better), best first.
    static let ranking: @Sendable (FakeJudgeEndpoint.Request) -> FakeJudgeEndpoint.Response = { request in
        let labels = ["A", "B", "C", "D"].filter { request.answer($0) != nil }
        let authors = labels.map { label -> Int in
            let text = request.answer(label) ?? ""
            return Int(text.split(separator: "[").last.map { String($0.prefix(while: \.isNumber)) } ?? "") ?? 99
        }
        let order = labels.indices.sorted { authors[$0] < authors[$1] }.map { labels[$0] }
        return .completion("The first is clearest. [[\(order.joined(separator: ">"))]]")
    }

    @Test func aRankJudgeStoresKWayVotes() async throws {
        let fake = try await FakeJudgeEndpoint.start(Self.ranking)
        try await JudgeRunHTTPTests.run { server, services in
            try await KWayTests.makeKWayArena(server, name: "ranked", k: 3)
            // People's votes: the last shown is best (so people and the judge disagree).
            var human = 0
            for _ in 0..<6 {
                let drawn = try await server.battle("ranked")
                let reply = try await server.vote(drawn.json["battle"] as! String, ["choice": "best", "best": 3])
                if reply.status == 201 { human += 1 }
            }
            let defined = try await server.send(.post, "/api/judges", json: [
                "name": "ranker", "endpoint": fake.base, "model": "judge", "mode": "rank", "rank_size": 3,
                "concurrency": 2, "timeout_seconds": 10, "retries": 1,
            ], admin: true)
            #expect(defined.status == 201, "\(defined.text)")
            let started = try await JudgeRunHTTPTests.start(server, "ranked", ["judge": "ranker", "selection": "all_pairs"])
            #expect(started.status == 202, "\(started.text)")
            let id = try #require((started.json["run"] as? [String: Any])?["id"] as? Int)
            await services.judgeRuns.finished(Int64(id))
            let finished = try await JudgeRunHTTPTests.get(server, "ranked", run: id)
            #expect(finished["status"] as? String == "completed", "\(finished)")
            let total = try #require(finished["total_items"] as? Int)
            #expect(total == 8 && finished["done_items"] as? Int == total, "4 prompts, 5 contenders in groups of 3 and 2: \(finished)")

            // One K-way vote per item, none pairwise; each ranks its contenders by author.
            let arena = try await services.directory.index("ranked").arena.id
            #expect(try await server.store.voteCount(arena: arena) == 0)
            let kway = try #require(server.store as? any KWayStore)
            let stored = try await kway.kwayVotes(arena: arena, after: nil, limit: 100)
            let judged = stored.filter { $0.source == .judge }
            #expect(judged.count == total && stored.count == total + human)
            let names = Dictionary(uniqueKeysWithValues: try await server.store.contenders(arena: arena).map { ($0.id, $0.name) })
            var table = VoteTable()
            for vote in judged {
                #expect(vote.kind == .ranking && vote.voter == "judge:ranker")
                #expect(vote.battle?.hasPrefix("judge:") == true)
                let members = vote.members.map { names[$0.contenderId] ?? "?" }
                let ranked = vote.ranking.map { members[$0 - 1] }
                #expect(ranked == members.sorted { KWayTests.contenders.firstIndex(of: $0)! < KWayTests.contenders.firstIndex(of: $1)! }, "\(ranked)")
                #expect(vote.ranking.count == vote.k, "a full ranking")
                table.append(try KWayVote(candidates: members, ranking: ranked))
            }
            // Run again: nothing is judged or stored twice.
            let again = try await JudgeRunHTTPTests.start(server, "ranked", ["judge": "ranker", "selection": "all_pairs", "fresh": true])
            let second = try #require((again.json["run"] as? [String: Any])?["id"] as? Int)
            await services.judgeRuns.finished(Int64(second))
            #expect(try await kway.kwayVoteCount(arena: arena) == total + human)

            // The judge's board: Plackett–Luce on its K-way votes, as the core computes it; the people's board: theirs only.
            func board(_ query: String) async throws -> [String: Any] {
                let reply = try await server.send(.get, "/api/arenas/ranked/leaderboard?bootstrap=0" + query, template: "/api/arenas/{arena}/leaderboard")
                #expect(reply.status == 200, "\(reply.text)")
                return reply.json
            }
            let judges = try await board("&source=judge")
            #expect((judges["method"] as? [String: Any])?["model"] as? String == "plackett-luce")
            #expect((judges["method"] as? [String: Any])?["votes"] as? Int == total && judges["votes_total"] as? Int == total)
            let reference = try LeaderboardBuilder(options: LeaderboardOptions(onlineElo: OnlineElo(), matrices: true)).build(table)
            let served = judges["contenders"] as? [[String: Any]] ?? []
            #expect(served.map { $0["name"] as? String ?? "" } == reference.contenders.map(\.name))
            for entry in reference.contenders {
                let row = served.first { $0["name"] as? String == entry.name }
                #expect(abs((row?["rating"] as? Double ?? .nan) - entry.rating) < 1e-6, "\(entry.name)")
            }
            let people = try await board("")
            #expect((people["method"] as? [String: Any])?["votes"] as? Int == human && people["votes_total"] as? Int == human)
            let both = try await board("&source=all")
            #expect(both["votes_total"] as? Int == human + total)
        }
        try await fake.stop()
    }
}
