import Foundation
import Logging
import PreferCore
import PreferStore

/// Puts one item's questions to a judge and combines the answers: each
/// question is answered from the cache when the same request was answered
/// before (by any run: the key is the endpoint and the exact request body),
/// else sent; an answer without a verdict in the required format is asked
/// once more with a reminder (a follow-up turn, itself cached), then
/// recorded as unparseable with its raw text. The item's questions go out
/// concurrently; the endpoint bounds what is in flight.
public struct JudgeEngine: Sendable {
    public let configuration: JudgeConfiguration
    /// The stored judge, when there is one (file mode has none).
    public let judgeId: Int64?
    public let endpoint: JudgeEndpoint
    let memo: AnswerMemo

    public init(configuration: JudgeConfiguration, judgeId: Int64?, endpoint: JudgeEndpoint) {
        self.configuration = configuration
        self.judgeId = judgeId
        self.endpoint = endpoint
        memo = AnswerMemo()
    }

    /// What judging one item gave and cost.
    public struct ItemOutcome: Sendable {
        public var plan: JudgePlan
        /// Overall first, then each criterion.
        public var results: [JudgePlan.CriterionResult]
        public var outcomes: [JudgePlan.Outcome]
        /// Answers received now (not from the cache), to keep.
        public var answers: [JudgeAnswerRecord]
        public var failures: [JudgeFailureRecord]
        public var counters: JudgeRunCounters

        /// The overall result.
        public var overall: JudgePlan.CriterionResult { results[0] }
    }

    /// Judges `plan`'s item. `cached` holds answers already looked up (by
    /// cache key); `cache` is asked for the others. Throws only on
    /// cancellation or when the cache cannot be read.
    public func judge(
        _ plan: JudgePlan, cached: [String: JudgeAnswerRecord] = [:], cache: (any JudgeAnswerCache)? = nil, runId: Int64? = nil
    ) async throws -> ItemOutcome {
        let questions = plan.questions
        var asked = [Asked?](repeating: nil, count: questions.count)
        try await withThrowingTaskGroup(of: (Int, Asked).self) { group in
            for (index, question) in questions.enumerated() {
                group.addTask {
                    (index, try await self.ask(question, cached: cached, cache: cache, runId: runId))
                }
            }
            for try await (index, result) in group { asked[index] = result }
        }
        var outcomes: [JudgePlan.Outcome] = []
        var answers: [JudgeAnswerRecord] = []
        var failures: [JudgeFailureRecord] = []
        var counters = JudgeRunCounters()
        for case let result? in asked {
            outcomes.append(result.outcome)
            answers += result.answers
            failures += result.failures
            counters += result.counters
        }
        let results = plan.combine(outcomes)
        for pair in results[0].pairs {
            switch pair.consistent {
            case true?: counters.consistent += 1
            case false?: counters.inconsistent += 1
            case nil: break
            }
        }
        return ItemOutcome(plan: plan, results: results, outcomes: outcomes, answers: answers, failures: failures, counters: counters)
    }

    struct Asked: Sendable {
        var outcome: JudgePlan.Outcome
        var answers: [JudgeAnswerRecord] = []
        var failures: [JudgeFailureRecord] = []
        var counters = JudgeRunCounters()
    }

    /// One question, with its one reminder if the answer has no verdict.
    func ask(_ question: JudgeQuestion, cached: [String: JudgeAnswerRecord], cache: (any JudgeAnswerCache)?, runId: Int64?) async throws -> Asked {
        var asked = Asked(outcome: JudgePlan.Outcome(verdict: nil, raw: [], error: nil, tokens: 0))
        var current = question
        for turn in 0..<2 {
            let prepared = try PreparedRequest(current, configuration: configuration)
            let record: JudgeAnswerRecord
            if let hit = try await lookup(prepared.cacheKey, cached: cached, cache: cache) {
                record = hit
                asked.counters.cached += 1
            } else {
                asked.counters.requests += 1
                switch try await endpoint.send(prepared.body) {
                case .failure(let failure):
                    asked.counters.errors += 1
                    asked.failures.append(JudgeFailureRecord(
                        judgeId: judgeId, runId: runId, cacheKey: prepared.cacheKey, promptHash: prepared.promptHash,
                        error: failure.message, attempts: failure.attempts, latencyMs: failure.latency * 1000))
                    asked.outcome.error = failure.message
                    return asked
                case .success(let reply):
                    let answer = JudgeAnswer(
                        text: endpoint.redact(reply.answer.text), firstTokenAlternatives: reply.answer.firstTokenAlternatives,
                        promptTokens: reply.answer.promptTokens, completionTokens: reply.answer.completionTokens)
                    let read = current.read(answer)
                    var verdict: String?
                    var unparseable: String?
                    switch read {
                    case .success(let value): verdict = value.label
                    case .failure(let failure): unparseable = failure.description
                    }
                    record = JudgeAnswerRecord(
                        cacheKey: prepared.cacheKey, promptHash: prepared.promptHash, judgeId: judgeId, answer: answer,
                        verdict: verdict, unparseable: unparseable, latencyMs: reply.latency * 1000, attempts: reply.attempts)
                    asked.answers.append(record)
                    asked.counters.promptTokens += answer.promptTokens
                    asked.counters.completionTokens += answer.completionTokens
                    await memo.remember(record)
                }
            }
            asked.outcome.raw.append(record.answer.text)
            asked.outcome.tokens += record.answer.tokens
            switch current.read(record.answer) {
            case .success(let verdict):
                asked.outcome.verdict = verdict
                asked.outcome.error = nil
                return asked
            case .failure(let failure):
                if current.reading == .letter {
                    asked.counters.unparseable += 1
                    asked.outcome.error = "unparseable: the endpoint returned no log-probabilities for the letters A and B (does it support logprobs and top_logprobs?)"
                    return asked
                }
                if turn == 1 {
                    asked.counters.unparseable += 1
                    asked.outcome.error = "unparseable: \(failure) (also after a reminder)"
                    return asked
                }
                current = question.reminder(after: record.answer.text)
            }
        }
        return asked
    }

    private func lookup(_ key: String, cached: [String: JudgeAnswerRecord], cache: (any JudgeAnswerCache)?) async throws -> JudgeAnswerRecord? {
        if let hit = cached[key] { return hit }
        if let hit = await memo.answer(key) { return hit }
        if let cache, let hit = try await cache.answers([key])[key] {
            await memo.remember(hit)
            return hit
        }
        return nil
    }
}

/// Where answers received before can be found, by cache key.
public protocol JudgeAnswerCache: Sendable {
    func answers(_ keys: [String]) async throws -> [String: JudgeAnswerRecord]
}

/// A store keeps every answer: it is the cache.
public struct StoreAnswerCache: JudgeAnswerCache {
    public let store: any JudgeStore

    public init(store: any JudgeStore) {
        self.store = store
    }

    public func answers(_ keys: [String]) async throws -> [String: JudgeAnswerRecord] {
        try await store.cachedAnswers(keys)
    }
}

/// Answers received during this process, so that a question asked twice
/// (the same output graded for two pairs, the same pair in two runs) is paid once.
actor AnswerMemo {
    private var answers: [String: JudgeAnswerRecord] = [:]
    /// Answers beyond this many are not remembered (the store still has them).
    private let capacity = 200_000

    func answer(_ key: String) -> JudgeAnswerRecord? { answers[key] }

    func remember(_ record: JudgeAnswerRecord) {
        guard answers.count < capacity else { return }
        answers[record.cacheKey] = record
    }
}
