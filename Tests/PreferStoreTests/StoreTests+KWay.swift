import Foundation
import PreferCore
import PreferStore
import Testing

extension StoreTests {
    @Test(arguments: StoreKind.tested)
    func kwayVotesAreStoredOnceWithTheirCandidates(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "kway")
            #expect(try await store.arenaK(fixture.arena.id) == 2)
            try await store.setArenaK(fixture.arena.id, k: 3)
            #expect(try await store.arenaK(fixture.arena.id) == 3)
            #expect(try await store.arenaKs() == [fixture.arena.id: 3])
            await #expect(throws: StoreError.self) { try await store.setArenaK(fixture.arena.id, k: 9) }

            func members(_ places: [Int]) -> [KWayMember] {
                places.enumerated().map { i, place in
                    KWayMember(position: i + 1, contenderId: fixture.contenders[i].id, outputId: nil, place: place)
                }
            }
            let vote = NewKWayVote(
                arenaId: fixture.arena.id, battle: "kb-1", promptId: fixture.prompts[0].id, kind: .ranking,
                members: members([2, 0, 1]), rationale: "gamma first", timeToVoteMs: 4200, voter: "v-1",
                clientVoteId: "kc-1", createdAt: Date(timeIntervalSince1970: 1_712_000_000.5))
            guard case .stored(let stored) = try await store.recordKWayVote(vote) else {
                Issue.record("expected the vote stored")
                return
            }
            #expect(stored.ranking == [3, 1] && stored.k == 3 && stored.kind == .ranking)
            #expect(try await store.kwayVotes(arena: fixture.arena.id, after: nil, limit: 10) == [stored])
            #expect(try await store.kwayVote(battle: "kb-1") == stored)

            // The same client id and battle: a replay; another vote on the battle: a conflict.
            #expect(try await store.recordKWayVote(vote) == .replayed(stored))
            var other = vote
            other.clientVoteId = "kc-2"
            other.members = members([1, 0, 0])
            other.kind = .best
            #expect(try await store.recordKWayVote(other) == .conflict(existing: stored))
            // The client id on another battle: a conflict too.
            var reused = vote
            reused.battle = "kb-2"
            #expect(try await store.recordKWayVote(reused) == .conflict(existing: stored))
            #expect(try await store.kwayVoteCount(arena: fixture.arena.id) == 1)

            // Rules: places without gaps, a best-of-K vote places one, contenders in the arena.
            var gap = vote
            gap.battle = "kb-3"
            gap.clientVoteId = nil
            gap.members = members([1, 3, 0])
            guard case .rejected(let error) = try await store.recordKWayVote(gap) else {
                Issue.record("a ranking with a gap was stored")
                return
            }
            #expect(error.field == "ranking")
            var foreign = gap
            foreign.members = members([1, 0, 0])
            let elsewhere = try await Fixture.make(store, name: "elsewhere")
            foreign.members[2].contenderId = elsewhere.contenders[0].id
            guard case .rejected = try await store.recordKWayVote(foreign) else {
                Issue.record("a vote naming another arena's contender was stored")
                return
            }
            #expect(try await store.kwayVoteCount(arena: fixture.arena.id) == 1)

            // K is fixed once votes are in; deleting the arena deletes its K-way votes.
            await #expect(throws: StoreError.self) { try await store.setArenaK(fixture.arena.id, k: 4) }
            try await store.deleteArena(id: fixture.arena.id)
            #expect(try await store.kwayVote(battle: "kb-1") == nil)
        }
    }
}
