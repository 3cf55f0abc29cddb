import Foundation
import PreferCore
import PreferStore
import Testing

extension StoreTests {
    /// HPS v2 rankings: the test split's strict orders (with a tie lower
    /// down) and the train split's one-preferred marks, with contenders.
    static func rankings() -> [RankingRecord] {
        [
            RankingRecord(line: 1, prompt: .plain("a cat in a hat"), outputs: ["c1.jpg", "c2.jpg", "c3.jpg"],
                          contenders: ["sdxl", "dalle", "mj"], ranks: [2, 1, 3], voter: "u1"),
            RankingRecord(line: 2, prompt: .plain("a dog"), outputs: ["d1.jpg", "d2.jpg", "d3.jpg", "d4.jpg"],
                          contenders: ["mj", "sdxl", "dalle", "glide"], ranks: [1, 2, 3, 3]),
            // Train split: one marked preferred of two (a full order of two).
            RankingRecord(line: 3, prompt: .plain("a cat in a hat"), outputs: ["c1.jpg", "c4.jpg"],
                          contenders: ["sdxl", "glide"], ranks: [2, 1], voter: "u2"),
            RankingRecord(line: 4, prompt: .plain("a bird"), outputs: ["b1.jpg", "b2.jpg", "b3.jpg"],
                          contenders: ["sdxl", "dalle", "mj"], ranks: [1, 2, 2]),
            // First place shared: no K-way vote, counted.
            RankingRecord(line: 5, prompt: .plain("a bird"), outputs: ["b1.jpg", "b2.jpg"],
                          contenders: ["sdxl", "dalle"], ranks: [1, 1]),
        ]
    }

    @Test(arguments: StoreKind.tested)
    func rankingsAreStoredAsKWayVotesAndTheArenaBecomesKWay(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "hpd"))
            let all = Self.rankings()
            let feed = Feed([PreferenceBatch(rankings: Array(all.prefix(2))), PreferenceBatch(rankings: Array(all.suffix(3)))])
            let summary = try await store.importDataset(arena: arena.id, source: "hpd.json") { try feed.next() }
            #expect(summary.kwayVotes == 4 && summary.rankingsTiedFirst == 1)
            #expect(summary.promptsCreated == 3 && summary.contendersCreated == 4)
            // c1 (sdxl) is shared by lines 1 and 3: one output; the tied-first row stores nothing of its own.
            #expect(summary.outputsCreated == 3 + 4 + 1 + 3)
            #expect(summary.votes == 0 && summary.itemPreferences == 0)
            #expect(try await store.kwayVoteCount(arena: arena.id) == 4)
            // The arena held no votes: it becomes K-way with the largest K.
            #expect(try await store.arenaK(arena.id) == 4)

            let votes = try await store.kwayVotes(arena: arena.id, after: nil, limit: 100)
            let contenders = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena.id).map { ($0.id, $0.name) })
            let outputs = Dictionary(uniqueKeysWithValues: try await store.outputs(arena: arena.id).map { ($0.id, $0) })
            let prompts = Dictionary(uniqueKeysWithValues: try await store.prompts(arena: arena.id).map { ($0.id, $0.text) })
            #expect(votes.map(\.kind) == [.ranking, .ranking, .ranking, .best])
            #expect(votes.map(\.k) == [3, 4, 2, 3])
            #expect(votes.map(\.source) == [.imported, .imported, .imported, .imported])
            #expect(votes.map(\.voter) == ["u1", nil, "u2", nil])
            #expect(votes.map { $0.promptId.flatMap { prompts[$0] } } == ["a cat in a hat", "a dog", "a cat in a hat", "a bird"])
            // Places: strict orders kept (of two, the mark orders both), a lower tie unranked, a best of three.
            #expect(votes.map { $0.members.map(\.place) } == [[2, 1, 3], [1, 2, 0, 0], [2, 1], [1, 0, 0]])
            #expect(votes[1].members.map { contenders[$0.contenderId] } == ["mj", "sdxl", "dalle", "glide"])
            // Each member's output is its contender's image for the vote's prompt.
            for vote in votes {
                for member in vote.members {
                    let output = try #require(member.outputId.flatMap { outputs[$0] })
                    #expect(output.contenderId == member.contenderId && output.promptId == vote.promptId)
                }
            }
            #expect(votes[0].members.map { member in member.outputId.flatMap { outputs[$0]?.content } } == ["c1.jpg", "c2.jpg", "c3.jpg"])
            #expect(votes[2].members[0].outputId == votes[0].members[0].outputId)
            // The stored votes read back as K-way rankings the leaderboard fits: best first.
            #expect(votes[0].ranking == [2, 1, 3] && votes[1].ranking == [1, 2])
        }
    }

    @Test(arguments: StoreKind.tested)
    func aFailedRankingImportStoresNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "hpd-bad"))
            var twice = Self.rankings()[0]
            twice.line = 9
            twice.contenders = ["sdxl", "sdxl", "mj"]
            let feed = Feed([PreferenceBatch(rankings: Self.rankings()), PreferenceBatch(rankings: [twice])])
            let error = try await storeError {
                try await store.importDataset(arena: arena.id, source: "hpd.json") { try feed.next() }
            }
            #expect(error?.message.hasPrefix("hpd.json:9: contenders: \"sdxl\" is named twice") == true, "\(String(describing: error))")
            #expect(error?.field == "contenders")
            #expect(try await store.kwayVoteCount(arena: arena.id) == 0)
            #expect(try await store.prompts(arena: arena.id).isEmpty)
            #expect(try await store.contenders(arena: arena.id).isEmpty)
            #expect(try await store.outputs(arena: arena.id).isEmpty)
            #expect(try await store.arenaK(arena.id) == 2)

            // A ranking without contenders says which flag names them; an image of another text for the same slot is refused.
            var anonymous = Self.rankings()[0]
            anonymous.contenders = nil
            let missing = try await storeError {
                let feed = Feed([PreferenceBatch(rankings: [anonymous])])
                return try await store.importDataset(arena: arena.id, source: "hpd.json") { try feed.next() }
            }
            #expect(missing?.message.contains("--contenders-field") == true && missing?.field == "contenders")
            var conflicting = Self.rankings()[2]
            conflicting.line = 12
            conflicting.outputs = ["other.jpg", "c4.jpg"]
            let clash = try await storeError {
                let feed = Feed([PreferenceBatch(rankings: Self.rankings()), PreferenceBatch(rankings: [conflicting])])
                return try await store.importDataset(arena: arena.id, source: "hpd.json") { try feed.next() }
            }
            #expect(clash?.message.hasPrefix("hpd.json:12: outputs: contender \"sdxl\" already has a different output") == true)
            #expect(try await store.kwayVoteCount(arena: arena.id) == 0)

            // An arena with pairwise votes keeps its K; the K-way votes go in beside them.
            let pairs = Feed([PreferenceBatch(records: [PreferenceRecord(
                line: 1, prompt: .plain("p"), a: .plain("x"), b: .plain("y"), contenderA: "m1", contenderB: "m2", counts: PreferenceCounts(.aWins))])])
            _ = try await store.importDataset(arena: arena.id, source: "pairs.jsonl") { try pairs.next() }
            let more = Feed([PreferenceBatch(rankings: Self.rankings())])
            let summary = try await store.importDataset(arena: arena.id, source: "hpd.json") { try more.next() }
            #expect(summary.kwayVotes == 4)
            #expect(try await store.arenaK(arena.id) == 2)
        }
    }

    @Test func placesOfRankingsWithTies() {
        #expect(KWayPlaces.places([2, 1, 3]) == [2, 1, 3])
        #expect(KWayPlaces.places([1, 2, 2]) == [1, 0, 0])
        #expect(KWayPlaces.places([2, 2, 1]) == [0, 0, 1])
        #expect(KWayPlaces.places([1, 2, 3, 3]) == [1, 2, 0, 0])
        #expect(KWayPlaces.places([1, 1, 2]) == nil)
        #expect(KWayPlaces.places([1, 1]) == nil)
    }
}
