import Foundation
import Logging
@testable import PreferServer
import PreferCore
import PreferStore
import ServiceLifecycle
import Testing

/// The server's services in their lifecycle: the vote writer drains on
/// graceful shutdown, and a process's caches follow what another process
/// writes to the same database (here two stores on one SQLite file, as two
/// `prefer serve` processes would have).
@Suite("Lifecycle", .timeLimit(.minutes(2)))
struct LifecycleTests {
    static let logger: Logger = {
        var logger = Logger(label: "prefer-lifecycle-test")
        logger.logLevel = .warning
        return logger
    }()

    /// A migrated store on a new SQLite file with an arena of three contenders and one prompt.
    struct Arena {
        let path: String
        let arena: PreferCore.Arena
        let contenders: [Contender]
        let prompt: Prompt

        func vote(_ n: Int, left: Int = 0, right: Int = 1) -> NewVote {
            NewVote(
                arenaId: arena.id, battle: "battle-\(n)", promptId: prompt.id, leftContenderId: contenders[left].id,
                rightContenderId: contenders[right].id, choice: [.left, .right, .tie][n % 3], voter: "voter-\(n % 7)")
        }
    }

    static func makeArena(_ store: any PreferStore, path: String) async throws -> Arena {
        let arena = try await store.createArena(NewArena(name: "lifecycle"))
        var contenders: [Contender] = []
        for name in ["alpha", "beta", "gamma"] {
            contenders.append(try await store.createContender(arena: arena.id, name: name, weight: 1))
        }
        let prompt = try await store.createPrompt(arena: arena.id, text: "Which is better?", category: nil)
        for contender in contenders {
            _ = try await store.createOutput(NewOutput(promptId: prompt.id, contenderId: contender.id, content: "by \(contender.name)"))
        }
        return Arena(path: path, arena: arena, contenders: contenders, prompt: prompt)
    }

    static func withStore<T>(_ body: (any PreferStore, String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-lifecycle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("test.sqlite").path
        let store = try await SQLPreferStore.open(path, logger: logger)
        do {
            try await store.migrate()
            let result = try await body(store, path)
            try await store.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    /// Votes queued in the writer when graceful shutdown begins are all
    /// written and answered; a vote after that is refused with a clear error.
    @Test func gracefulShutdownDrainsTheVoteWriter() async throws {
        try await Self.withStore { store, path in
            let fixture = try await Self.makeArena(store, path: path)
            let writer = VoteWriter(store: store, maxBatch: 16)
            let count = 200
            try await withThrowingTaskGroup(of: VoteOutcome.self) { votes in
                for n in 0..<count {
                    votes.addTask { try await writer.submit(fixture.vote(n)) }
                }
                // Every vote is queued before the writer runs at all.
                while await writer.queued < count { await Task.yield() }
                let group = ServiceGroup(services: [writer], logger: Self.logger)
                try await withThrowingTaskGroup(of: Void.self) { running in
                    running.addTask { try await group.run() }
                    // Shut down at once: what is queued must still be written before run() returns.
                    await group.triggerGracefulShutdown()
                    try await running.waitForAll()
                }
                var stored = 0
                for try await outcome in votes {
                    if case .stored = outcome { stored += 1 }
                }
                #expect(stored == count)
            }
            #expect(try await store.voteCount(arena: fixture.arena.id) == count)
            await #expect(throws: PreferError.shuttingDown) {
                _ = try await writer.submit(fixture.vote(count))
            }
        }
    }

    /// A leaderboard cached in one process catches up with votes another
    /// process stores, through the change feed alone: no request to this
    /// process reports them. Fits run on the refresher's own thread.
    @Test func aCachedLeaderboardFollowsAnotherProcessesVotes() async throws {
        try await Self.withStore { writerStore, path in
            let fixture = try await Self.makeArena(writerStore, path: path)
            _ = try await writerStore.recordVotes((0..<30).map { fixture.vote($0) })
            // The second "process": its own store on the same file, and the services a server runs.
            let store = try await SQLPreferStore.open(path, logger: Self.logger)
            let secrets = try await ServerSecrets.load(from: store)
            var configuration = ServerConfiguration(leaderboardRefreshInterval: .zero, changePollInterval: .milliseconds(20))
            configuration.leaderboardRounds = 20
            let services = PreferServices(store: store, secrets: secrets, configuration: configuration, logger: Self.logger)
            let group = ServiceGroup(services: services.lifecycle, logger: Self.logger)
            try await withThrowingTaskGroup(of: Void.self) { running in
                running.addTask { try await group.run() }
                let (first, _) = try await services.leaderboards.leaderboard(arena: fixture.arena.id, rounds: 20, seed: 1, includeFlagged: true)
                #expect(first.votesUsed == 30)

                // Another process stores 45 more (and adds a contender with outputs).
                let delta = try await writerStore.createContender(arena: fixture.arena.id, name: "delta", weight: 1)
                _ = try await writerStore.createOutput(NewOutput(promptId: fixture.prompt.id, contenderId: delta.id, content: "by delta"))
                _ = try await writerStore.recordVotes((30..<75).map { fixture.vote($0, left: $0 % 2, right: 2) })
                let caughtUp = try await services.leaderboards.computed(arena: fixture.arena.id, rounds: 20, seed: 1, includeFlagged: true, votes: 75)
                #expect(caughtUp.votesUsed == 75)
                let (served, stale) = try await services.leaderboards.leaderboard(arena: fixture.arena.id, rounds: 20, seed: 1, includeFlagged: true)
                #expect(!stale && served.votesUsed == 75)
                // The same votes give the same board as a fit from scratch.
                var all = ArenaVotes()
                _ = try await all.sync(arena: fixture.arena.id, store: writerStore, directory: ArenaDirectory(store: writerStore))
                let scratch = try LeaderboardCache.compute(all, key: .init(arena: fixture.arena.id, rounds: 20, seed: 1, includeFlagged: true))
                #expect(scratch.contenders.map(\.name) == served.board.contenders.map(\.name))
                #expect(scratch.contenders.map(\.rating) == served.board.contenders.map(\.rating))

                await group.triggerGracefulShutdown()
                try await running.waitForAll()
            }
            // The service group closed the store.
            await #expect(throws: (any Error).self) { _ = try await store.arenas() }
        }
    }
}
