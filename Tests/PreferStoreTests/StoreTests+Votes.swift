import Foundation
import PreferCore
import PreferStore
import Testing

extension StoreTests {
    @Test(arguments: StoreKind.tested)
    func aVoteIsStoredWithEverythingItCarries(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "votes")
            let vote = NewVote(
                arenaId: fixture.arena.id, battle: "battle-1", promptId: fixture.prompts[1].id,
                leftContenderId: fixture.contenders[2].id, rightContenderId: fixture.contenders[0].id,
                choice: .bothBad, criteria: ["helpfulness": .left, "style": .tie],
                rationale: "Both miss the 5-7-5 pattern — 残念", timeToVoteMs: 12_345, leftPlayedMs: 0,
                rightPlayedMs: 999, voter: "annotator-7", clientVoteId: "client-1", source: .judge,
                createdAt: Date(timeIntervalSince1970: 1_712_345_678.125))
            let outcomes = try await store.recordVotes([vote])
            guard case .stored(let stored) = try #require(outcomes.first) else {
                Issue.record("expected .stored, got \(outcomes)")
                return
            }
            #expect(stored.arenaId == vote.arenaId && stored.battle == "battle-1")
            #expect(stored.promptId == vote.promptId)
            #expect(stored.leftContenderId == vote.leftContenderId && stored.rightContenderId == vote.rightContenderId)
            #expect(stored.choice == .bothBad)
            #expect(stored.criteria == ["helpfulness": .left, "style": .tie])
            #expect(stored.rationale == vote.rationale)
            #expect(stored.timeToVoteMs == 12_345 && stored.leftPlayedMs == 0 && stored.rightPlayedMs == 999)
            #expect(stored.voter == "annotator-7" && stored.clientVoteId == "client-1" && stored.source == .judge)
            #expect(stored.createdAt == vote.createdAt)
            #expect(try await store.votes(arena: fixture.arena.id, after: nil, limit: 10) == [stored])
            #expect(try await store.voteCount(arena: fixture.arena.id) == 1)
            #expect(try await store.vote(battle: "battle-1") == stored)
            #expect(try await store.vote(battle: "battle-2") == nil)
            #expect(try await store.recordVotes([]).isEmpty)
        }
    }

    @Test(arguments: StoreKind.tested)
    func retriesReplayAndSecondVotesConflict(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "semantics")
            let first = fixture.vote(battle: "b1", choice: .left, clientVoteId: "c1")
            let stored = try #require(try await store.recordVotes([first]).first?.stored)

            // The same client vote id for the same battle: a retry, nothing new stored.
            let retry = try await store.recordVotes([fixture.vote(battle: "b1", choice: .left, clientVoteId: "c1")])
            #expect(retry == [.replayed(stored)])
            // Another vote for the battle: a conflict with the stored one.
            let other = try await store.recordVotes([fixture.vote(battle: "b1", choice: .right, clientVoteId: "c2")])
            #expect(other == [.conflict(existing: stored)])
            let anonymous = try await store.recordVotes([fixture.vote(battle: "b1", choice: .tie)])
            #expect(anonymous == [.conflict(existing: stored)])
            // The client vote id reused for another battle: a conflict too.
            let reused = try await store.recordVotes([fixture.vote(battle: "b2", clientVoteId: "c1")])
            #expect(reused == [.conflict(existing: stored)])
            // Votes without a battle (judges) are told apart by their client vote id.
            let judged = fixture.vote(battle: nil, clientVoteId: "judge-1")
            let judgedStored = try #require(try await store.recordVotes([judged]).first?.stored)
            #expect(try await store.recordVotes([judged]) == [.replayed(judgedStored)])
            // Votes with neither are all stored.
            let plain = try await store.recordVotes([fixture.vote(battle: nil), fixture.vote(battle: nil)])
            #expect(plain.allSatisfy { $0.stored != nil })

            #expect(try await store.voteCount(arena: fixture.arena.id) == 4)
        }
    }

    @Test(arguments: StoreKind.tested)
    func theFirstVoteOfABattleInABatchWins(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "batch")
            let outcomes = try await store.recordVotes([
                fixture.vote(battle: "x", choice: .left, clientVoteId: "a"),
                fixture.vote(battle: "y", choice: .right),
                fixture.vote(battle: "x", choice: .right, clientVoteId: "b"),  // second for x: conflict
                fixture.vote(battle: "x", choice: .left, clientVoteId: "a"),  // retry of the first: replay
                fixture.vote(battle: "z", clientVoteId: "a"),  // client id of another battle: conflict
                fixture.vote(battle: nil),
            ])
            let x = try #require(outcomes[0].stored)
            let y = try #require(outcomes[1].stored)
            #expect(x.battle == "x" && x.choice == .left && y.battle == "y")
            #expect(outcomes[2] == .conflict(existing: x))
            #expect(outcomes[3] == .replayed(x))
            #expect(outcomes[4] == .conflict(existing: x))
            let free = try #require(outcomes[5].stored)
            #expect(x.id < y.id && y.id < free.id)
            #expect(try await store.voteCount(arena: fixture.arena.id) == 3)
        }
    }

    @Test(arguments: StoreKind.tested)
    func badVotesAreRejectedAndTheirNeighboursStored(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "rules")
            let other = try await Fixture.make(store, name: "elsewhere")
            var foreignPrompt = fixture.vote(battle: "p")
            foreignPrompt.promptId = other.prompts[0].id
            var unknownPrompt = fixture.vote(battle: "q")
            unknownPrompt.promptId = 98_765
            var negative = fixture.vote(battle: "r")
            negative.timeToVoteMs = -5
            var wrongArena = fixture.vote(battle: "s")
            wrongArena.arenaId = other.arena.id

            let outcomes = try await store.recordVotes([
                fixture.vote(battle: "self", left: 1, right: 1),
                fixture.vote(battle: "ok-1"),
                NewVote(
                    arenaId: fixture.arena.id, battle: "foreign", promptId: nil,
                    leftContenderId: fixture.contenders[0].id, rightContenderId: other.contenders[1].id, choice: .tie),
                foreignPrompt, unknownPrompt, negative, wrongArena,
                fixture.vote(battle: "ok-2", left: 2, right: 0),
            ])
            #expect(outcomes[0].rejected?.kind == .invalid)
            #expect(outcomes[0].rejected?.field == "rightContenderId")
            #expect(outcomes[1].stored != nil)
            #expect(outcomes[2].rejected?.kind == .notFound && outcomes[2].rejected?.field == "rightContenderId")
            #expect(outcomes[3].rejected?.kind == .notFound && outcomes[3].rejected?.field == "promptId")
            #expect(outcomes[4].rejected?.kind == .notFound && outcomes[4].rejected?.field == "promptId")
            #expect(outcomes[5].rejected?.kind == .invalid && outcomes[5].rejected?.field == "timeToVoteMs")
            #expect(outcomes[6].rejected?.kind == .notFound)
            #expect(outcomes[7].stored != nil)
            #expect(try await store.voteCount(arena: fixture.arena.id) == 2)
            #expect(try await store.voteCount(arena: other.arena.id) == 0)
            // A rejected vote does not take its battle.
            #expect(try await store.recordVotes([fixture.vote(battle: "self")]).first?.stored != nil)
        }
    }

    @Test(arguments: StoreKind.tested)
    func concurrentBatchesStoreExactlyOneVotePerBattle(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "race")
            let outcomes = try await withThrowingTaskGroup(of: [VoteOutcome].self) { group in
                for task in 0..<12 {
                    group.addTask {
                        // Every batch votes on the same three battles, in a different order.
                        let battles = ["r1", "r2", "r3"].shuffled()
                        return try await store.recordVotes(
                            battles.map { fixture.vote(battle: $0, choice: .right, clientVoteId: "\($0)-\(task)") }
                                + [fixture.vote(battle: "own-\(task)", clientVoteId: "own-\(task)")])
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let stored = outcomes.compactMap(\.stored)
            #expect(stored.count == 3 + 12)
            for battle in ["r1", "r2", "r3"] {
                let winners = stored.filter { $0.battle == battle }
                #expect(winners.count == 1, "battle \(battle)")
                let conflicts = outcomes.filter {
                    if case .conflict(let existing) = $0 { existing.battle == battle } else { false }
                }
                #expect(conflicts.count == 11)
                #expect(conflicts.allSatisfy { $0 == .conflict(existing: winners[0]) })
            }
            #expect(try await store.voteCount(arena: fixture.arena.id) == 15)
        }
    }

    @Test(arguments: StoreKind.tested)
    func votesPageInIdOrder(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "paging")
            let other = try await Fixture.make(store, name: "noise")
            var expected: [StoredVote] = []
            for chunk in 0..<5 {
                let batch = (0..<50).map { i in
                    fixture.vote(battle: "p-\(chunk)-\(i)", choice: Choice.allCases[i % 4], voter: "v\(i % 7)")
                }
                expected += try await store.recordVotes(batch).compactMap(\.stored)
                _ = try await store.recordVotes([other.vote(battle: "noise-\(chunk)")])
            }
            #expect(expected.count == 250)
            // Ids follow battle order within a batch (see VoteBatch), so page order is id order.
            expected.sort { $0.id < $1.id }
            var paged: [StoredVote] = []
            var after: Int64? = nil
            while true {
                let page = try await store.votes(arena: fixture.arena.id, after: after, limit: 64)
                if page.isEmpty { break }
                #expect(page.count <= 64)
                paged += page
                after = page.last?.id
            }
            #expect(paged == expected)
            #expect(zip(paged, paged.dropFirst()).allSatisfy { $0.id < $1.id })
            #expect(try await store.votes(arena: fixture.arena.id, after: expected[99].id, limit: 1) == [expected[100]])
            #expect(try await store.votes(arena: fixture.arena.id, after: nil, limit: 0).isEmpty)
            #expect(try await store.voteCount(arena: fixture.arena.id) == 250)
            #expect(try await store.voteCount(arena: other.arena.id) == 5)
        }
    }

    @Test(arguments: StoreKind.tested)
    func importedVotesRoundTrip(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "imported"))
            let existing = try await store.createContender(arena: arena.id, name: "model-b", weight: 1)
            let names = ["model-a", "model-b", "modèle-ç 🚀", "model-d"]
            var votes: [Vote] = []
            for i in 0..<2_345 {
                let a = names[i % 4]
                let b = names[(i / 4 + 1 + i % 4) % 4]
                guard a != b else { continue }
                votes.append(
                    Vote(
                        a: a, b: b, outcome: Outcome.allCases[i % 4], voter: i % 3 == 0 ? nil : i % 11 == 1 ? "" : "judge-\(i % 5)",
                        timestamp: i % 2 == 0 ? 1_600_000_000 + Double(i) + 0.5 : nil))
            }
            let table = VoteTable(votes)
            let before = Date().timeIntervalSince1970
            #expect(try await store.importVotes(arena: arena.id, table) == votes.count)

            let contenders = try await store.contenders(arena: arena.id)
            #expect(Set(contenders.map(\.name)) == Set(names))
            #expect(contenders.first { $0.name == "model-b" }?.id == existing.id)
            let nameOf = Dictionary(uniqueKeysWithValues: contenders.map { ($0.id, $0.name) })

            var stored: [StoredVote] = []
            var after: Int64? = nil
            while case let page = try await store.votes(arena: arena.id, after: after, limit: 1000), !page.isEmpty {
                stored += page
                after = page.last?.id
            }
            #expect(stored.count == votes.count)
            for (vote, row) in zip(votes, stored) {
                #expect(nameOf[row.leftContenderId] == vote.a && nameOf[row.rightContenderId] == vote.b)
                #expect(row.choice == Choice(vote.outcome))
                // An empty voter is stored as none.
                #expect(row.voter == (vote.voter == "" ? nil : vote.voter))
                #expect(row.source == .imported && row.battle == nil)
                if let timestamp = vote.timestamp {
                    #expect(row.createdAt.timeIntervalSince1970 == timestamp)
                } else {
                    #expect(row.createdAt.timeIntervalSince1970 >= before - 1)
                }
            }
            let counts = Dictionary(grouping: stored, by: \.choice).mapValues(\.count)
            let expectedCounts = Dictionary(grouping: votes, by: { Choice($0.outcome) }).mapValues(\.count)
            #expect(counts == expectedCounts)

            // A self-battle fails the import, naming the row, and stores nothing.
            let bad = VoteTable([Vote(a: "x", b: "y", outcome: .tie), Vote(a: "z", b: "z", outcome: .aWins)])
            let error = try await storeError { try await store.importVotes(arena: arena.id, bad) }
            #expect(error?.kind == .invalid && error?.item == 1)
            #expect(try await store.voteCount(arena: arena.id) == votes.count)
            #expect(try await store.contenders(arena: arena.id).count == 4)
            let noArena = try await storeError { try await store.importVotes(arena: 55_555, table) }
            #expect(noArena?.kind == .notFound)
        }
    }
}

extension VoteOutcome {
    var stored: StoredVote? {
        if case .stored(let vote) = self { vote } else { nil }
    }

    var rejected: StoreError? {
        if case .rejected(let error) = self { error } else { nil }
    }
}
