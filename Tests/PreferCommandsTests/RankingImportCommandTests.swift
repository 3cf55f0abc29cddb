import Foundation
import PreferCore
import PreferStore
import Logging
import Testing

/// `prefer import rankings --arena`: HPS v2 rankings stored as the arena's K-way votes.
@Suite("prefer import rankings into an arena")
struct RankingImportCommandTests {
    @Test func rankingsAreStoredAsKWayVotes() async throws {
        let work = try DataCommandTests.Workspace()
        let data = try work.file("test.json", """
        [{"prompt": "a cat", "image_path": ["1.jpg", "2.jpg", "3.jpg"], "models": ["sdxl", "dalle", "mj"], "rank": [1, 0, 2], "user_hash": "u1"},
         {"prompt": "a dog", "image_path": ["4.jpg", "5.jpg"], "models": ["dalle", "mj"], "rank": [0, 1]},
         {"prompt": "a bird", "image_path": ["6.jpg", "7.jpg"], "models": ["dalle", "mj"], "rank": [0, 0]}]
        """)
        let refused = try PreferProcess.run(["import", "rankings", data, "--arena", "hpd", "--database", work.database])
        #expect(refused.status != 0 && refused.stderr.contains("--contenders-field"), "\(refused.stderr)")
        let out = try PreferProcess.run([
            "import", "rankings", data, "--arena", "hpd", "--database", work.database, "--contenders-field", "models",
            "--voter-field", "user_hash", "--quiet",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("imported 2 K-way votes into arena \"hpd\""), "\(out.stdout)")
        #expect(out.stderr.contains("1 rankings share their first place"), "\(out.stderr)")

        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let store = try await SQLPreferStore.open(work.database, logger: logger)
        let arena = try #require(try await store.arena(named: "hpd"))
        let votes = try await store.kwayVotes(arena: arena.id, after: nil, limit: 10)
        let names = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena.id).map { ($0.id, $0.name) })
        #expect(votes.map(\.ranking.count) == [3, 2])
        #expect(votes[0].members.map { names[$0.contenderId] } == ["sdxl", "dalle", "mj"] && votes[0].members.map(\.place) == [2, 1, 3])
        #expect(votes[0].voter == "u1" && votes[0].kind == .ranking && votes[1].kind == .ranking)
        #expect(try await store.arenaK(arena.id) == 3)
        try await store.shutdown()
    }
}
