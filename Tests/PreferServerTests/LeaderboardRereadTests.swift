import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// Votes imported in bulk by another process make the cache read the arena's
/// votes again from the start. Requests meanwhile are answered from what the
/// cache holds — the board and its vote count, marked stale — instead of
/// waiting for a read that takes seconds on a million votes.
@Suite("Boards while an arena's votes are read again")
struct LeaderboardRereadTests {
    @Test func aBulkImportElsewhereDoesNotHoldUpRequests() async throws {
        // The change feed is left to this test: it reports the import once, as the feed would.
        try await TestServer.run(configure: { $0.leaderboardRefreshInterval = .zero; $0.changePollInterval = .seconds(3600) }) { server in
            try await server.makeArena("bulk", prompts: 3)
            for k in 0..<6 {
                let battle = try await server.battle("bulk")
                #expect(try await server.vote(battle.json["battle"] as! String, ["choice": k % 2 == 0 ? "left" : "right"]).status == 201)
            }
            try await server.boardHolds("bulk", votes: 6)
            let path = "/api/arenas/bulk/leaderboard"
            let before = try await server.send(.get, path, template: "/api/arenas/{arena}/leaderboard")
            #expect(before.json["votes_total"] as? Int == 6 && before.json["stale"] as? Bool == false)

            // Another process imports 100,000 votes; the feed reports it.
            let arena = try await server.services.directory.index("bulk").arena.id
            var table = VoteTable()
            for k in 0..<100_000 {
                table.append(Vote(a: ["alpha", "beta", "gamma"][k % 3], b: ["beta", "gamma", "alpha"][k % 3], outcome: k % 5 == 0 ? .bWins : .aWins))
            }
            #expect(try await server.store.importVotes(arena: arena, table) == 100_000)
            await server.services.leaderboards.arenaChanged(.init(arena: arena, kind: .votesImported))

            // Answered at once from the board held: its six votes, stale — not after reading 100,000.
            let during = try await server.send(.get, path, template: "/api/arenas/{arena}/leaderboard")
            #expect(during.status == 200)
            #expect(during.json["votes_total"] as? Int == 6, "\(during.json["votes_total"] ?? "nil")")
            #expect(during.json["stale"] as? Bool == true)
            #expect((during.json["contenders"] as? [Any])?.count == 3)

            // The service reads them all and ranks them.
            try await server.boardHolds("bulk", votes: 100_006)
            let after = try await server.send(.get, path, template: "/api/arenas/{arena}/leaderboard")
            #expect(after.json["votes_total"] as? Int == 100_006 && after.json["stale"] as? Bool == false)
            let method = after.json["method"] as? [String: Any]
            #expect(method?["votes"] as? Int == 100_006)
        }
    }
}
