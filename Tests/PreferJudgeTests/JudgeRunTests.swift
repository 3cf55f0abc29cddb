import Foundation
import Logging
import PreferCore
import PreferJudgeTestSupport
@testable import PreferJudge
import PreferStore
import Testing
import AsyncHTTPClient

/// Arena runs against a fake endpoint, on SQLite: votes with source judge kept
/// apart from people's, the cache making a rerun free, cancelling, and a run
/// killed with kill -9 resuming with no judgement stored twice.
@Suite("Judge runs", .serialized)
struct JudgeRunTests {
    /// An arena with `prompts` prompts, `contenders` contenders whose outputs
    /// are marked GOOD for the first half, and a human vote per prompt.
    static func arena(_ store: SQLPreferStore, prompts: Int = 6, contenders: Int = 4) async throws -> Arena {
        let arena = try await store.createArena(NewArena(name: "judged", criteria: ["style"]))
        var items: [OutputImport] = []
        for p in 0..<prompts {
            for c in 0..<contenders {
                items.append(OutputImport(
                    prompt: .name("Question \(p)?"), category: p % 2 == 0 ? "even" : "odd", contender: .name("model-\(c)"),
                    content: c < contenders / 2 ? "Answer \(p) by \(c): GOOD" : "Answer \(p) by \(c)"))
            }
        }
        _ = try await store.importOutputs(arena: arena.id, items)
        let contenderIds = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena.id).map { ($0.name, $0.id) })
        var votes: [NewVote] = []
        for prompt in try await store.prompts(arena: arena.id) {
            // People: model-0 (GOOD) beats model-3 on every prompt, shown on the right.
            votes.append(NewVote(
                arenaId: arena.id, battle: "human-\(prompt.id)", promptId: prompt.id, leftContenderId: contenderIds["model-3"]!,
                rightContenderId: contenderIds["model-0"]!, choice: .right, criteria: ["style": .right], voter: "person-\(prompt.id)"))
        }
        _ = try await store.recordVotes(votes)
        return arena
    }

    static func withStore(_ body: (SQLPreferStore, URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-judge-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("store.sqlite")
        let store = try await SQLPreferStore.open(file.path, logger: JudgeEngineTests.logger)
        do {
            try await store.migrate()
            try await body(store, file)
        } catch {
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }

    static func job(_ store: SQLPreferStore, _ arena: Arena, _ fake: FakeJudgeEndpoint, client: HTTPClientBox, key: String? = nil,
                    _ change: (inout JudgeConfiguration) -> Void = { _ in }) async throws -> JudgeRunJob {
        var configuration = JudgeEngineTests.configuration(fake.base, change)
        configuration.criteria = ["style"]
        if key != nil { configuration.apiKeyEnv = "PREFER_TEST_KEY" }
        let judge = try await store.saveJudge(configuration, replacing: true)
        let endpoint = try JudgeEndpoint(
            configuration: configuration, client: client.client, environment: key.map { ["PREFER_TEST_KEY": $0] } ?? [:],
            logger: JudgeEngineTests.logger)
        return JudgeRunJob(store: store, judge: judge, arena: arena, endpoint: endpoint, logger: JudgeEngineTests.logger)
    }

    final class HTTPClientBox: Sendable {
        let client = JudgeHTTPClient.make(connections: 8)
        func shutdown() async throws { try await client.shutdown() }
        /// A test that throws before its `shutdown()` must fail with its
        /// error, not crash the whole run in the client's deinit check.
        deinit { try? client.syncShutdown() }
    }

    @Test func judgeVotesAreKeptApartAndARerunCostsNothing() async throws {
        try await Self.withStore { store, file in
            let arena = try await Self.arena(store)
            let humanBefore = try await store.votes(arena: arena.id, after: nil, limit: 1000)
            let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
            let client = HTTPClientBox()
            let key = "sk-secret-judge-key-42"
            let job = try await Self.job(store, arena, fake, client: client, key: key)
            let prepared = try await job.prepare(.allPairs)
            #expect(prepared.run.totalItems == 6 * 6)
            let finished = try await job.run(prepared.run.id)
            #expect(finished.status == .completed)
            #expect(finished.doneItems == 36 && finished.failedItems == 0)
            // Both orders, overall and one criterion: 4 requests an item.
            #expect(finished.counters.requests == 36 * 4 && finished.counters.cached == 0)
            #expect(fake.requestCount == 36 * 4)

            let all = try await store.votes(arena: arena.id, after: nil, limit: 10_000)
            let judgeVotes = all.filter { $0.source == .judge }
            #expect(judgeVotes.count == 36)
            #expect(judgeVotes.allSatisfy { $0.voter == "judge:fake" && $0.battle?.hasPrefix("judge:") == true })
            #expect(all.filter { $0.source != .judge } == humanBefore)
            #expect(Set(judgeVotes.compactMap(\.battle)).count == 36)
            // GOOD beats plain, and so the choice; the criterion too.
            let names = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena.id).map { ($0.id, $0.name) })
            for vote in judgeVotes {
                let leftGood = ["model-0", "model-1"].contains(names[vote.leftContenderId]!)
                let rightGood = ["model-0", "model-1"].contains(names[vote.rightContenderId]!)
                let expected: Choice = leftGood == rightGood ? .tie : (leftGood ? .left : .right)
                #expect(vote.choice == expected)
                #expect(vote.criteria["style"] == expected)
            }

            // The agreement report pairs each human vote with the judge's vote on the same prompt and pair.
            let report = try await JudgeAgreementService(store: store).report(arena: arena, judge: job.judge, rounds: 50)
            #expect(report.agreement.overall.battles == 6)
            #expect(report.agreement.overall.withTies.estimate == 1)
            #expect(report.agreement.criteria["style"]?.battles == 6)
            #expect(report.positionConsistency == 1)

            // A new run over the same items asks nothing and stores no vote twice.
            let again = try await job.prepare(.allPairs, resume: false)
            #expect(again.run.id != prepared.run.id)
            let rerun = try await job.run(again.run.id)
            #expect(rerun.counters.requests == 0 && rerun.counters.cached == 36 * 4)
            #expect(fake.requestCount == 36 * 4)
            #expect(try await store.votes(arena: arena.id, after: nil, limit: 10_000).count == all.count)

            try await client.shutdown()
            try await fake.stop()
            // The key is nowhere in the database.
            try await store.shutdown()
            for suffix in ["", "-wal"] {
                if let bytes = FileManager.default.contents(atPath: file.path + suffix) {
                    #expect(bytes.range(of: Data(key.utf8)) == nil, "the API key is in \(file.lastPathComponent)\(suffix)")
                }
            }
            let reopened = try await SQLPreferStore.open(file.path, logger: JudgeEngineTests.logger)
            try await reopened.shutdown()
        }
    }

    @Test func aCancelRequestStopsTheRunAndItResumes() async throws {
        try await Self.withStore { store, _ in
            let arena = try await Self.arena(store, prompts: 10, contenders: 4)
            let fake = try await FakeJudgeEndpoint.start { request in .delayed(0.05, FakeJudgeEndpoint.knowing(request)) }
            let client = HTTPClientBox()
            let job = try await Self.job(store, arena, fake, client: client) { $0.limits.concurrency = 2 }
            let run = try await job.prepare(.allPairs).run
            async let finished = job.run(run.id)
            // Cancel once some items are done (not after a fixed time: a loaded machine is slow).
            for _ in 0..<400 {
                if let progress = try await store.judgeRun(id: run.id), progress.doneItems >= 4 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            try await store.requestJudgeRunCancel(runId: run.id)
            let stopped = try await finished
            #expect(stopped.status == .cancelled)
            #expect(stopped.doneItems > 0 && stopped.doneItems < stopped.totalItems)
            let resumed = try await job.prepare(.allPairs)
            #expect(resumed.resumed && resumed.run.id == run.id)
            let done = try await job.run(run.id)
            #expect(done.status == .completed && done.doneItems == done.totalItems)
            let votes = try await store.votes(arena: arena.id, after: nil, limit: 10_000).filter { $0.source == .judge }
            #expect(votes.count == done.totalItems)
            try await client.shutdown()
            try await fake.stop()
        }
    }

    /// A run stopped while its recorder writes (a cancel, a server shutdown)
    /// must not lose the batch that had left the recorder's buffers: a
    /// cancelled task's store call is refused, so the write runs apart from it.
    @Test func aBatchWrittenFromACancelledTaskIsStored() async throws {
        try await Self.withStore { store, _ in
            let arena = try await Self.arena(store, prompts: 2)
            let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
            let client = HTTPClientBox()
            let job = try await Self.job(store, arena, fake, client: client)
            let run = try await job.prepare(.allPairs).run
            let item = try #require(try await store.pendingJudgeItems(runId: run.id, after: nil, limit: 1).first)
            let recorder = JudgeRecorder(store: store, runId: run.id, batchSize: 1)
            let completion = JudgeItemCompletion(itemId: item.id, status: .done, result: "{}", error: nil, votes: [])
            let cancelled = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                #expect(Task.isCancelled)
                try await recorder.add(answers: [], failures: [], completion: completion, counters: JudgeRunCounters(requests: 1))
            }
            try await cancelled.value
            try await recorder.flush()
            let stored = try #require(try await store.judgeRun(id: run.id))
            #expect(stored.doneItems == 1 && stored.counters.requests == 1, "\(stored)")
            try await client.shutdown()
            try await fake.stop()
        }
    }

    @Test func humanBattlesAreJudgedOnceEach() async throws {
        try await Self.withStore { store, _ in
            let arena = try await Self.arena(store)
            let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
            let client = HTTPClientBox()
            let job = try await Self.job(store, arena, fake, client: client)
            let run = try await job.prepare(.humanBattles).run
            #expect(run.totalItems == 6)
            let items = try await store.judgeItems(runId: run.id)
            #expect(items.allSatisfy { $0.humanVoteId != nil && $0.contenders[0] < $0.contenders[1] })
            _ = try await job.run(run.id)
            let random = try await job.prepare(.battles(count: 10, seed: 3)).run
            #expect(random.totalItems == 10)
            try await client.shutdown()
            try await fake.stop()
        }
    }

    // MARK: kill -9

    static var executable: URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("prefer")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return dir.appendingPathComponent("prefer")
    }

    static func spawn(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func aRunKilledWithKill9ResumesWithNoJudgementStoredTwice() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable.path) else {
            Issue.record("the prefer executable is not built beside the tests (\(Self.executable.path)); run swift build --build-tests")
            return
        }
        try await Self.withStore { store, file in
            let arena = try await Self.arena(store, prompts: 12, contenders: 4)
            let fake = try await FakeJudgeEndpoint.start { request in .delayed(0.03, FakeJudgeEndpoint.knowing(request)) }
            var configuration = JudgeEngineTests.configuration(fake.base)
            configuration.limits.concurrency = 4
            configuration.criteria = ["style"]
            _ = try await store.saveJudge(configuration, replacing: true)
            let arguments = ["judge", "run", "--arena", arena.name, "--judge", "fake", "--pairs", "all", "--database", file.path, "--quiet"]
            let first = try Self.spawn(arguments)
            // Let it judge part of the arena, then kill it without warning.
            var done = 0
            for _ in 0..<400 {
                try await Task.sleep(for: .milliseconds(25))
                done = try await store.judgeRuns(arenaId: arena.id, judgeId: nil).first?.doneItems ?? 0
                if done >= 15 { break }
            }
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            let atKill = try #require(try await store.judgeRuns(arenaId: arena.id, judgeId: nil).first)
            #expect(atKill.doneItems >= 15 && atKill.doneItems < atKill.totalItems, "killed after \(atKill.doneItems) of \(atKill.totalItems)")
            let requestsAtKill = fake.requestCount

            let second = try Self.spawn(arguments)
            second.waitUntilExit()
            #expect(second.terminationStatus == 0)
            let runs = try await store.judgeRuns(arenaId: arena.id, judgeId: nil)
            #expect(runs.count == 1, "the second process resumed the run instead of starting another")
            let run = try #require(runs.first)
            #expect(run.status == .completed && run.doneItems == run.totalItems)
            let votes = try await store.votes(arena: arena.id, after: nil, limit: 10_000).filter { $0.source == .judge }
            #expect(votes.count == run.totalItems)
            #expect(Set(votes.compactMap(\.battle)).count == votes.count)
            // What was answered before the kill was not asked again: at most what was in flight or unwritten.
            let askedAgain = fake.requestCount - requestsAtKill - (run.totalItems - atKill.doneItems) * 4
            #expect(askedAgain <= 4 * 256, "asked \(askedAgain) questions again")
            #expect(fake.requestCount < 2 * run.totalItems * 4)
            try await fake.stop()
        }
    }
}
