import Foundation
import PreferCore
import PreferStore
import Testing

/// Judges, their answers (the cache), runs and validation rules, on SQLite and PostgreSQL alike.
@Suite("Judges in the store")
struct JudgeStoreTests {
    static func answer(_ key: Character, verdict: String? = "A>B") -> JudgeAnswerRecord {
        JudgeAnswerRecord(
            cacheKey: String(repeating: key, count: 64), promptHash: String(repeating: "p", count: 64), judgeId: nil,
            answer: JudgeAnswer(text: "… [[A>B]]", firstTokenAlternatives: [.init(token: "A", logprob: -0.1)], promptTokens: 90, completionTokens: 9),
            verdict: verdict, unparseable: verdict == nil ? "no verdict in the required format" : nil, latencyMs: 12.5, attempts: 1)
    }

    @Test(arguments: StoreKind.tested)
    func judgesAreNamedOnceAndReplacedOnRequest(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let configuration = JudgeConfiguration(name: "local", endpoint: "http://127.0.0.1:8080/v1", apiKeyEnv: "OPENAI_API_KEY", model: "qwen")
            let stored = try await store.saveJudge(configuration, replacing: false)
            #expect(try await store.judge(named: "local") == stored)
            #expect(try await store.judge(id: stored.id)?.configuration == configuration)
            await #expect(throws: StoreError.self) { _ = try await store.saveJudge(configuration, replacing: false) }
            var changed = configuration
            changed.model = "llama"
            let replaced = try await store.saveJudge(changed, replacing: true)
            #expect(replaced.id == stored.id && replaced.configuration.model == "llama")
            #expect(try await store.judges().map(\.name) == ["local"])
        }
    }

    @Test(arguments: StoreKind.tested)
    func answersAreKeptOncePerKey(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.recordJudgeAnswers([Self.answer("a"), Self.answer("b", verdict: nil)], failures: [])
            // The same key again keeps the first answer.
            var other = Self.answer("a")
            other.answer.text = "different"
            try await store.recordJudgeAnswers([other], failures: [
                JudgeFailureRecord(judgeId: nil, runId: nil, cacheKey: String(repeating: "c", count: 64), promptHash: String(repeating: "p", count: 64),
                                   error: "HTTP 503 (after 5 attempts)", attempts: 5, latencyMs: 900),
            ])
            let found = try await store.cachedAnswers([String(repeating: "a", count: 64), String(repeating: "b", count: 64), String(repeating: "c", count: 64)])
            #expect(found.count == 2)
            #expect(found[String(repeating: "a", count: 64)] == Self.answer("a"))
            #expect(found[String(repeating: "b", count: 64)]?.unparseable != nil)
        }
    }

    @Test(arguments: StoreKind.tested)
    func runsRecordProgressOnceAndStoreEachJudgeVoteOnce(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "judged")
            let judge = try await store.saveJudge(JudgeConfiguration(name: "j", endpoint: "http://x/v1", model: "m"), replacing: false)
            let (a, b, c) = (fixture.contenders[0].id, fixture.contenders[1].id, fixture.contenders[2].id)
            let prompt = fixture.prompts[0].id
            let items = [
                NewJudgeRunItem(itemKey: "p\(prompt):\(a):\(b)", promptId: prompt, contenders: [a, b]),
                NewJudgeRunItem(itemKey: "p\(prompt):\(a):\(c)", promptId: prompt, contenders: [a, c], humanVoteId: 7),
            ]
            let run = try await store.createJudgeRun(judgeId: judge.id, arenaId: fixture.arena.id, selection: #"{"kind":"all_pairs"}"#, items: items)
            #expect(run.status == .pending && run.totalItems == 2)
            #expect(try await store.resumableJudgeRun(judgeId: judge.id, arenaId: fixture.arena.id, selection: #"{"kind":"all_pairs"}"#)?.id == run.id)
            let pending = try await store.pendingJudgeItems(runId: run.id, after: nil, limit: 10)
            #expect(pending.map(\.itemKey) == items.map(\.itemKey) && pending[1].humanVoteId == 7)

            func vote(_ left: Int64, _ right: Int64) -> NewVote {
                NewVote(arenaId: fixture.arena.id, battle: JudgeBattle.id(judge: judge.id, prompt: prompt, left: left, right: right),
                        promptId: prompt, leftContenderId: left, rightContenderId: right, choice: .left, voter: judge.voter, source: .judge)
            }
            let first = JudgeItemCompletion(itemId: pending[0].id, status: .done, result: #"{"verdict":"a"}"#, error: nil, votes: [vote(a, b)])
            let counters = JudgeRunCounters(requests: 2, promptTokens: 200, completionTokens: 20, consistent: 1)
            try await store.recordJudgeProgress(runId: run.id, answers: [Self.answer("d")], failures: [], completions: [first], counters: counters)
            // The same completion again (a resumed run racing a crash) changes nothing.
            try await store.recordJudgeProgress(runId: run.id, answers: [Self.answer("d")], failures: [], completions: [first], counters: JudgeRunCounters())
            let failed = JudgeItemCompletion(itemId: pending[1].id, status: .failed, result: nil, error: "HTTP 503", votes: [])
            try await store.recordJudgeProgress(runId: run.id, answers: [], failures: [], completions: [failed], counters: JudgeRunCounters(errors: 1))
            var now = try #require(try await store.judgeRun(id: run.id))
            #expect(now.doneItems == 1 && now.failedItems == 1)
            #expect(now.counters == JudgeRunCounters(requests: 2, promptTokens: 200, completionTokens: 20, errors: 1, consistent: 1))
            let votes = try await store.votes(arena: fixture.arena.id, after: nil, limit: 100)
            #expect(votes.count == 1 && votes[0].source == .judge && votes[0].voter == "judge:j")

            // Failed items go back to pending when the run is resumed; a new completion stores its vote, and the old one is not repeated.
            #expect(try await store.resetFailedJudgeItems(runId: run.id) == 1)
            #expect(try await store.pendingJudgeItems(runId: run.id, after: nil, limit: 10).map(\.id) == [pending[1].id])
            let retried = JudgeItemCompletion(itemId: pending[1].id, status: .done, result: "{}", error: nil, votes: [vote(a, c), vote(a, b)])
            try await store.recordJudgeProgress(runId: run.id, answers: [], failures: [], completions: [retried], counters: JudgeRunCounters())
            #expect(try await store.votes(arena: fixture.arena.id, after: nil, limit: 100).count == 2)

            try await store.requestJudgeRunCancel(runId: run.id)
            #expect(try await store.judgeRun(id: run.id)?.cancelRequested == true)
            try await store.setJudgeRunStatus(runId: run.id, .running, message: nil)
            #expect(try await store.judgeRun(id: run.id)?.cancelRequested == false)
            try await store.setJudgeRunStatus(runId: run.id, .completed, message: "done")
            now = try #require(try await store.judgeRun(id: run.id))
            #expect(now.status == .completed && now.message == "done")
            #expect(try await store.resumableJudgeRun(judgeId: judge.id, arenaId: fixture.arena.id, selection: #"{"kind":"all_pairs"}"#) == nil)
            #expect(try await store.judgeRuns(arenaId: fixture.arena.id, judgeId: judge.id).map(\.id) == [run.id])
            #expect(try await store.judgeItems(runId: run.id).map(\.status) == [.done, .done])
        }
    }

    @Test(arguments: StoreKind.tested)
    func validationRulesPerArenaAndJudge(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "rules", outputs: false)
            let judge = try await store.saveJudge(JudgeConfiguration(name: "j", endpoint: "http://x/v1", model: "m"), replacing: false)
            #expect(try await store.judgeValidationRule(arenaId: fixture.arena.id, judgeId: judge.id) == nil)
            try await store.setJudgeValidationRule(JudgeValidationRule(arenaId: fixture.arena.id, judgeId: judge.id, threshold: 0.7, minBattles: 100))
            try await store.setJudgeValidationRule(JudgeValidationRule(arenaId: fixture.arena.id, judgeId: judge.id, threshold: 0.75, minBattles: 50))
            #expect(try await store.judgeValidationRule(arenaId: fixture.arena.id, judgeId: judge.id)
                == JudgeValidationRule(arenaId: fixture.arena.id, judgeId: judge.id, threshold: 0.75, minBattles: 50))
            await #expect(throws: StoreError.self) {
                try await store.setJudgeValidationRule(JudgeValidationRule(arenaId: fixture.arena.id, judgeId: judge.id, threshold: 1.5, minBattles: 50))
            }
            // Deleting the arena deletes its rules and runs.
            try await store.deleteArena(id: fixture.arena.id)
            #expect(try await store.judgeValidationRule(arenaId: fixture.arena.id, judgeId: judge.id) == nil)
        }
    }
}
