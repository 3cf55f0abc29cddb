import Foundation
import PreferCore

/// A judge as stored.
public struct StoredJudge: Sendable, Hashable, Codable {
    public var id: Int64
    public var configuration: JudgeConfiguration
    public var createdAt: Date
    public var updatedAt: Date

    public var name: String { configuration.name }
    /// How the judge appears as a voter on its votes.
    public var voter: String { Self.voter(configuration.name) }

    public static func voter(_ name: String) -> String { "judge:" + name }

    public init(id: Int64, configuration: JudgeConfiguration, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.configuration = configuration
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Where a judge run stands.
public enum JudgeRunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, running, completed, cancelled, failed

    /// Whether a run in this state can be taken up again.
    public var isResumable: Bool { self != .completed }
}

/// A judge's run over an arena: what it judges, how far it got, what it cost.
public struct JudgeRun: Sendable, Hashable, Codable {
    public var id: Int64
    public var judgeId: Int64
    public var arenaId: Int64
    /// What was chosen to judge, as the job wrote it (JSON).
    public var selection: String
    public var status: JudgeRunStatus
    public var totalItems: Int
    public var doneItems: Int
    public var failedItems: Int
    public var counters: JudgeRunCounters
    /// Why the run failed or stopped, if it did.
    public var message: String?
    public var cancelRequested: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, judgeId: Int64, arenaId: Int64, selection: String, status: JudgeRunStatus, totalItems: Int,
        doneItems: Int, failedItems: Int, counters: JudgeRunCounters, message: String?, cancelRequested: Bool,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.judgeId = judgeId
        self.arenaId = arenaId
        self.selection = selection
        self.status = status
        self.totalItems = totalItems
        self.doneItems = doneItems
        self.failedItems = failedItems
        self.counters = counters
        self.message = message
        self.cancelRequested = cancelRequested
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What a run spent and saw; also the increments `recordJudgeProgress` adds.
public struct JudgeRunCounters: Sendable, Hashable, Codable {
    /// Requests sent to the endpoint (retries of a failed attempt not counted, reminders counted).
    public var requests: Int
    /// Questions answered from the cache, at no cost.
    public var cached: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// Requests that failed after their retries.
    public var errors: Int
    /// Answers with no verdict in the required format even after the reminder.
    public var unparseable: Int
    /// Pairs whose two orders agreed, and pairs whose did not.
    public var consistent: Int
    public var inconsistent: Int

    public init(
        requests: Int = 0, cached: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0, errors: Int = 0,
        unparseable: Int = 0, consistent: Int = 0, inconsistent: Int = 0
    ) {
        self.requests = requests
        self.cached = cached
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.errors = errors
        self.unparseable = unparseable
        self.consistent = consistent
        self.inconsistent = inconsistent
    }

    public static func + (lhs: JudgeRunCounters, rhs: JudgeRunCounters) -> JudgeRunCounters {
        JudgeRunCounters(
            requests: lhs.requests + rhs.requests, cached: lhs.cached + rhs.cached,
            promptTokens: lhs.promptTokens + rhs.promptTokens, completionTokens: lhs.completionTokens + rhs.completionTokens,
            errors: lhs.errors + rhs.errors, unparseable: lhs.unparseable + rhs.unparseable,
            consistent: lhs.consistent + rhs.consistent, inconsistent: lhs.inconsistent + rhs.inconsistent)
    }

    public static func += (lhs: inout JudgeRunCounters, rhs: JudgeRunCounters) { lhs = lhs + rhs }

    public var tokens: Int { promptTokens + completionTokens }
    /// Share of pairs whose orders agreed, nil before any.
    public var positionConsistency: Double? {
        consistent + inconsistent == 0 ? nil : Double(consistent) / Double(consistent + inconsistent)
    }
}

/// An item to judge in a run: a prompt and its contenders (two, or K in rank mode).
public struct NewJudgeRunItem: Sendable, Hashable {
    public var itemKey: String
    public var promptId: Int64
    public var contenders: [Int64]
    /// The human vote this item repeats, when the run judges human battles.
    public var humanVoteId: Int64?

    public init(itemKey: String, promptId: Int64, contenders: [Int64], humanVoteId: Int64? = nil) {
        self.itemKey = itemKey
        self.promptId = promptId
        self.contenders = contenders
        self.humanVoteId = humanVoteId
    }
}

/// An item of a run as stored.
public struct JudgeRunItem: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case pending, done, failed
    }

    public var id: Int64
    public var runId: Int64
    public var itemKey: String
    public var promptId: Int64
    public var contenders: [Int64]
    public var humanVoteId: Int64?
    public var status: Status
    /// The item's judgement as JSON (verdicts, raw answers, consistency), once judged.
    public var result: String?
    public var error: String?

    public init(
        id: Int64, runId: Int64, itemKey: String, promptId: Int64, contenders: [Int64], humanVoteId: Int64?,
        status: Status, result: String?, error: String?
    ) {
        self.id = id
        self.runId = runId
        self.itemKey = itemKey
        self.promptId = promptId
        self.contenders = contenders
        self.humanVoteId = humanVoteId
        self.status = status
        self.result = result
        self.error = error
    }
}

/// An answer to keep: the cache entry and the record of what was asked.
public struct JudgeAnswerRecord: Sendable, Hashable {
    /// SHA-256 (hex) of the endpoint and the exact request body.
    public var cacheKey: String
    /// SHA-256 (hex) of the request's messages alone.
    public var promptHash: String
    public var judgeId: Int64?
    public var answer: JudgeAnswer
    /// The verdict read from it, if any.
    public var verdict: String?
    /// Why no verdict could be read, if none.
    public var unparseable: String?
    public var latencyMs: Double
    public var attempts: Int

    public init(
        cacheKey: String, promptHash: String, judgeId: Int64?, answer: JudgeAnswer, verdict: String?,
        unparseable: String?, latencyMs: Double, attempts: Int
    ) {
        self.cacheKey = cacheKey
        self.promptHash = promptHash
        self.judgeId = judgeId
        self.answer = answer
        self.verdict = verdict
        self.unparseable = unparseable
        self.latencyMs = latencyMs
        self.attempts = attempts
    }
}

/// A request that failed after its retries.
public struct JudgeFailureRecord: Sendable, Hashable {
    public var judgeId: Int64?
    public var runId: Int64?
    public var cacheKey: String
    public var promptHash: String
    public var error: String
    public var attempts: Int
    public var latencyMs: Double

    public init(judgeId: Int64?, runId: Int64?, cacheKey: String, promptHash: String, error: String, attempts: Int, latencyMs: Double) {
        self.judgeId = judgeId
        self.runId = runId
        self.cacheKey = cacheKey
        self.promptHash = promptHash
        self.error = error
        self.attempts = attempts
        self.latencyMs = latencyMs
    }
}

/// An item finished: its result, and the votes it gives (stored with it, once).
public struct JudgeItemCompletion: Sendable, Hashable {
    public var itemId: Int64
    public var status: JudgeRunItem.Status
    public var result: String?
    public var error: String?
    public var votes: [NewVote]
    /// On a K-way arena, a rank judge's ranking as one K-way vote (stored in
    /// `kway_votes` with the item, instead of a pairwise vote per pair).
    public var kwayVotes: [NewKWayVote]

    public init(
        itemId: Int64, status: JudgeRunItem.Status, result: String?, error: String?, votes: [NewVote], kwayVotes: [NewKWayVote] = []
    ) {
        self.itemId = itemId
        self.status = status
        self.result = result
        self.error = error
        self.votes = votes
        self.kwayVotes = kwayVotes
    }
}

/// An arena's rule for trusting a judge: the lower bound of its agreement
/// with people must reach `threshold` on at least `minBattles` battles.
public struct JudgeValidationRule: Sendable, Hashable, Codable {
    public var arenaId: Int64
    public var judgeId: Int64
    public var threshold: Double
    public var minBattles: Int

    public init(arenaId: Int64, judgeId: Int64, threshold: Double, minBattles: Int) {
        self.arenaId = arenaId
        self.judgeId = judgeId
        self.threshold = threshold
        self.minBattles = minBattles
    }
}

/// The battle id of a judge's vote on a prompt and pair: one vote per judge,
/// prompt and pair, whatever run made it.
public enum JudgeBattle {
    public static func id(judge: Int64, prompt: Int64, left: Int64, right: Int64) -> String {
        "judge:\(judge):p\(prompt):\(left):\(right)"
    }

    /// The battle id of a judge's K-way vote on a prompt and a set of contenders (in item order).
    public static func id(judge: Int64, prompt: Int64, contenders: [Int64]) -> String {
        "judge:\(judge):p\(prompt):" + contenders.map(String.init).joined(separator: ",")
    }
}
