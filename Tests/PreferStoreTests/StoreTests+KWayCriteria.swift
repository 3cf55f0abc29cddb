import Foundation
import PreferCore
@testable import PreferStore
import SQLKit
import Testing

extension StoreTests {
    /// A K-way vote's picks per criterion: stored with the vote in one
    /// transaction, read back with it, refused when a pick is not one of its
    /// positions — by `NewKWayVote.problem`, and by the schema itself
    /// (foreign key to the vote's members, CHECKs) for a raw insert.
    @Test(arguments: StoreKind.tested)
    func kwayVotesKeepTheirPickPerCriterion(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "kway-criteria")
            try await store.setArenaK(fixture.arena.id, k: 3)
            let members = [1, 0, 0].enumerated().map { i, place in
                KWayMember(position: i + 1, contenderId: fixture.contenders[i].id, outputId: nil, place: place)
            }
            let vote = NewKWayVote(
                arenaId: fixture.arena.id, battle: "kc-1", promptId: fixture.prompts[0].id, kind: .best,
                members: members, criteria: ["style": 3, "honesty": 1], clientVoteId: "kcc-1")
            guard case .stored(let stored) = try await store.recordKWayVote(vote) else {
                Issue.record("expected the vote stored")
                return
            }
            #expect(stored.criteria == ["style": 3, "honesty": 1])
            let read = try await store.kwayVotes(arena: fixture.arena.id, after: nil, limit: 10)
            #expect(read == [stored])
            #expect(try await store.kwayVote(battle: "kc-1")?.criteria == ["style": 3, "honesty": 1])
            // A replay returns the stored picks.
            #expect(try await store.recordKWayVote(vote) == .replayed(stored))

            // A pick outside 1…K is refused before writing, naming the criterion.
            var outside = vote
            outside.battle = "kc-2"
            outside.clientVoteId = nil
            outside.criteria = ["style": 4]
            guard case .rejected(let error) = try await store.recordKWayVote(outside) else {
                Issue.record("a pick at position 4 of a 3-way vote was stored")
                return
            }
            #expect(error.field == "criteria.style")
            // A vote without criteria has none.
            var plain = outside
            plain.criteria = [:]
            guard case .stored(let bare) = try await store.recordKWayVote(plain) else {
                Issue.record("expected the vote without criteria stored")
                return
            }
            #expect(bare.criteria.isEmpty)
            #expect(try await store.kwayVote(battle: "kc-2")?.criteria == [:])

            // The schema: a pick must be one of the vote's own positions, a name 1…100 characters.
            let arena = fixture.arena.id
            for (name, position) in [("ghost", 4), ("", 1), (String(repeating: "n", count: 101), 1)] {
                await #expect(throws: (any Error).self, "\(name.prefix(10)) at \(position)") {
                    try await store.connections.write { database in
                        try await database.raw(
                            "INSERT INTO kway_vote_criteria (vote_id, arena_id, criterion, position) VALUES (\(bind: bare.id), \(bind: arena), \(bind: name), \(bind: position))"
                        ).run()
                    }
                }
            }
            // One pick per vote and criterion.
            await #expect(throws: (any Error).self) {
                try await store.connections.write { database in
                    try await database.raw(
                        "INSERT INTO kway_vote_criteria (vote_id, arena_id, criterion, position) VALUES (\(bind: stored.id), \(bind: arena), 'style', 1)"
                    ).run()
                }
            }
            // Another arena's id on a vote's pick: refused by the vote's key (arena, id).
            let elsewhere = try await Fixture.make(store, name: "kway-criteria-elsewhere")
            await #expect(throws: (any Error).self) {
                try await store.connections.write { database in
                    try await database.raw(
                        "INSERT INTO kway_vote_criteria (vote_id, arena_id, criterion, position) VALUES (\(bind: bare.id), \(bind: elsewhere.arena.id), 'style', 1)"
                    ).run()
                }
            }
            #expect(try await store.kwayVote(battle: "kc-2")?.criteria == [:])

            // Deleting the arena deletes the picks with the votes.
            try await store.deleteArena(id: arena)
            let left = try await store.connections.read { database in
                try await database.raw("SELECT COUNT(*) AS n FROM kway_vote_criteria").first()?.decode(column: "n", as: Int.self)
            }
            #expect(left == 0)
        }
    }
}
