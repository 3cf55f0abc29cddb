import Foundation
import PreferCore
import PreferStore
import Synchronization
import Testing

/// The change feed: what one process writes, another sharing the database
/// reads from `changes(after:)` — and votes' ids grow in commit order, so
/// reading by id never misses one that commits late.
extension StoreTests {
    /// Two stores on one database, as two server processes have.
    static func withTwoStores(_ kind: StoreKind, _ body: (SQLPreferStore, SQLPreferStore) async throws -> Void) async throws {
        let database = try await TestDatabase.create(kind)
        let writer = try await SQLPreferStore.open(database.url, logger: StoreKind.logger)
        let reader: SQLPreferStore
        do {
            reader = try await SQLPreferStore.open(database.url, logger: StoreKind.logger)
        } catch {
            try? await writer.shutdown()
            try? await database.remove()
            throw error
        }
        do {
            try await writer.migrate()
            try await body(writer, reader)
        } catch {
            try? await writer.shutdown()
            try? await reader.shutdown()
            try? await database.remove()
            throw error
        }
        try await writer.shutdown()
        try await reader.shutdown()
        try await database.remove()
    }

    @Test(arguments: StoreKind.tested)
    func theChangeFeedTellsAnotherProcessWhatWasWritten(kind: StoreKind) async throws {
        try await Self.withTwoStores(kind) { writer, reader in
            let start = try await reader.changeCursor()
            #expect(try await reader.changes(after: start).isEmpty)

            let fixture = try await Fixture.make(writer, name: "feed")
            var changes = try await reader.changes(after: start)
            #expect(changes.votes.isEmpty)
            // Created, then 3 contenders, 2 prompts and 6 outputs: one row each, in order.
            #expect(changes.arenas.first == .init(arena: fixture.arena.id, kind: .created))
            #expect(changes.arenas.count == 12)
            #expect(changes.arenas.dropFirst().allSatisfy { $0 == .init(arena: fixture.arena.id, kind: .contents) })
            var cursor = changes.cursor
            #expect(try await reader.changes(after: cursor).isEmpty)

            let outcomes = try await writer.recordVotes([
                fixture.vote(battle: "b1"), fixture.vote(battle: "b2", choice: .right), fixture.vote(battle: "b3"),
            ])
            let ids = outcomes.compactMap { if case .stored(let vote) = $0 { vote.id } else { nil } }
            #expect(ids.count == 3)
            changes = try await reader.changes(after: cursor)
            #expect(changes.votes == [fixture.arena.id: ids.max()!])
            #expect(changes.arenas.isEmpty)
            #expect(changes.cursor.vote == ids.max()!)
            cursor = changes.cursor

            _ = try await writer.importOutputs(arena: fixture.arena.id, [
                OutputImport(prompt: .name("A new prompt"), contender: .name("delta"), content: "new"),
            ])
            var table = VoteTable()
            table.append(Vote(a: "alpha", b: "beta", outcome: .aWins))
            _ = try await writer.importVotes(arena: fixture.arena.id, table)
            changes = try await reader.changes(after: cursor)
            #expect(changes.arenas == [
                .init(arena: fixture.arena.id, kind: .contents), .init(arena: fixture.arena.id, kind: .votesImported),
            ])
            #expect(changes.votes.keys.sorted() == [fixture.arena.id])
            cursor = changes.cursor

            try await writer.deleteArena(id: fixture.arena.id)
            changes = try await reader.changes(after: cursor)
            #expect(changes.arenas == [.init(arena: fixture.arena.id, kind: .deleted)])
            #expect(changes.votes.isEmpty)
            // A new cursor starts past everything written.
            #expect(try await reader.changes(after: try await reader.changeCursor()).isEmpty)
        }
    }

    /// Writers in two "processes" store votes at once while a third reads
    /// them by id: once the reader has seen vote n, no vote below n may
    /// appear later (on PostgreSQL, without the feed's lock, concurrent
    /// inserts commit out of id order and this fails).
    @Test(arguments: StoreKind.tested)
    func votesBecomeVisibleInIdOrder(kind: StoreKind) async throws {
        try await Self.withTwoStores(kind) { first, second in
            let fixture = try await Fixture.make(first, name: "order")
            let violations = try await Self.idOrderViolations(
                writers: [first, second, first, second].enumerated().map { w, store in
                    {
                        for batch in 0..<40 {
                            let votes = (0..<4).map { fixture.vote(battle: "w\(w)-b\(batch)-\($0)", voter: "v\(w)") }
                            _ = try await store.recordVotes(votes)
                        }
                    }
                },
                reading: { try await second.votes(arena: fixture.arena.id, after: 0, limit: 100_000).map(\.id) })
            #expect(violations.isEmpty, "\(violations.prefix(3))")
            #expect(try await first.voteCount(arena: fixture.arena.id) == 4 * 40 * 4)
        }
    }
}

/// K-way votes in the change feed: another process learns of them as of
/// pairwise votes, by their own ids, which grow in commit order too.
extension StoreTests {
    /// A 3-way vote of `fixture`'s arena on `battle`, `first` placed best.
    static func kwayVote(_ fixture: Fixture, battle: String, first: Int = 0) -> NewKWayVote {
        let members = fixture.contenders.indices.map { i in
            KWayMember(position: i + 1, contenderId: fixture.contenders[i].id, outputId: nil, place: i == first ? 1 : 0)
        }
        return NewKWayVote(arenaId: fixture.arena.id, battle: battle, promptId: fixture.prompts[0].id, kind: .best, members: members)
    }

    @Test(arguments: StoreKind.tested)
    func theChangeFeedTellsAnotherProcessOfKWayVotes(kind: StoreKind) async throws {
        try await Self.withTwoStores(kind) { writer, reader in
            let fixture = try await Fixture.make(writer, name: "kway-feed", outputs: false)
            try await writer.setArenaK(fixture.arena.id, k: 3)
            let other = try await Fixture.make(writer, name: "pairwise-feed", outputs: false)
            var cursor = try await reader.changeCursor()
            #expect(try await reader.changes(after: cursor).isEmpty)

            var ids: [Int64] = []
            for n in 0..<3 {
                guard case .stored(let vote) = try await writer.recordKWayVote(Self.kwayVote(fixture, battle: "kf-\(n)", first: n)) else {
                    Issue.record("K-way vote \(n) not stored")
                    return
                }
                ids.append(vote.id)
            }
            var changes = try await reader.changes(after: cursor)
            #expect(changes.kwayVotes == [fixture.arena.id: ids.max()!])
            #expect(changes.votes.isEmpty && changes.arenas.isEmpty)
            #expect(changes.arenasWithVotes == [fixture.arena.id])
            #expect(changes.cursor.kway == ids.max()!)
            cursor = changes.cursor
            #expect(try await reader.changes(after: cursor).isEmpty)

            // Pairwise votes elsewhere are told apart; a K-way vote refused adds nothing.
            _ = try await writer.recordVotes([other.vote(battle: "pf-1")])
            guard case .conflict = try await writer.recordKWayVote(Self.kwayVote(fixture, battle: "kf-0", first: 1)) else {
                Issue.record("a second vote on a battle was stored")
                return
            }
            changes = try await reader.changes(after: cursor)
            #expect(changes.kwayVotes.isEmpty)
            #expect(Set(changes.votes.keys) == [other.arena.id])
            // A cursor made now starts past every K-way vote.
            #expect(try await reader.changeCursor().kway == ids.max()!)
            #expect(try await reader.changes(after: try await reader.changeCursor()).isEmpty)
        }
    }

    /// As `votesBecomeVisibleInIdOrder`, for K-way votes: once a reader has
    /// seen K-way vote n, none below n may appear later (on PostgreSQL,
    /// without the K-way feed's lock, concurrent votes commit out of id order).
    @Test(arguments: StoreKind.tested)
    func kwayVotesBecomeVisibleInIdOrder(kind: StoreKind) async throws {
        try await Self.withTwoStores(kind) { first, second in
            let fixture = try await Fixture.make(first, name: "kway-order", outputs: false)
            try await first.setArenaK(fixture.arena.id, k: 3)
            let violations = try await Self.idOrderViolations(
                writers: [first, second, first, second].enumerated().map { w, store in
                    {
                        for n in 0..<40 {
                            _ = try await store.recordKWayVote(Self.kwayVote(fixture, battle: "kw\(w)-\(n)", first: n % 3))
                        }
                    }
                },
                reading: { try await second.kwayVotes(arena: fixture.arena.id, after: 0, limit: 100_000).map(\.id) })
            #expect(violations.isEmpty, "\(violations.prefix(3))")
            #expect(try await first.kwayVoteCount(arena: fixture.arena.id) == 4 * 40)
        }
    }

    /// Runs `writers` at once while a reader keeps `reading` the ids: once
    /// it has seen id n, no id below n may appear later. Returns what broke
    /// that rule (empty when nothing did).
    static func idOrderViolations(
        writers: [@Sendable () async throws -> Void], reading: @escaping @Sendable () async throws -> [Int64]
    ) async throws -> [String] {
        final class Watch: Sendable {
            let done = Atomic<Bool>(false)
            let violations = Mutex<[String]>([])
        }
        let watch = Watch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in writers { group.addTask { try await writer() } }
            group.addTask {
                var seen: [Int64] = []
                var highest: Int64 = 0
                while !watch.done.load(ordering: .relaxed) {
                    let ids = try await reading()
                    let below = ids.filter { $0 <= highest }
                    if below != seen {
                        watch.violations.withLock { $0.append("after seeing up to \(highest), ids below it changed: \(Set(below).subtracting(seen).sorted())") }
                    }
                    seen = ids
                    highest = ids.last ?? 0
                }
            }
            // Stop the reader once the writers are done.
            for _ in writers { try await group.next() }
            watch.done.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }
        return watch.violations.withLock { $0 }
    }
}
