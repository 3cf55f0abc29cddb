import Foundation
import PreferCore

/// What judges keep: their configurations, their answers (the cache), their
/// runs over arenas and each arena's rule for trusting them. `SQLPreferStore`
/// implements it (on SQLite and PostgreSQL alike).
public protocol JudgeStore: PreferStore {
    /// Stores a new judge; with `replacing`, a judge of the same name takes the
    /// new configuration (its id, runs and cache stay). `.duplicate` otherwise.
    func saveJudge(_ configuration: JudgeConfiguration, replacing: Bool) async throws -> StoredJudge
    func judges() async throws -> [StoredJudge]
    func judge(named name: String) async throws -> StoredJudge?
    func judge(id: Int64) async throws -> StoredJudge?

    /// The stored answers among `keys`, by key.
    func cachedAnswers(_ keys: [String]) async throws -> [String: JudgeAnswerRecord]
    /// Keeps answers (an answer already kept under its key stays as it was) and failures.
    func recordJudgeAnswers(_ answers: [JudgeAnswerRecord], failures: [JudgeFailureRecord]) async throws

    /// A new run with its items, all pending.
    func createJudgeRun(judgeId: Int64, arenaId: Int64, selection: String, items: [NewJudgeRunItem]) async throws -> JudgeRun
    func judgeRun(id: Int64) async throws -> JudgeRun?
    /// Runs of an arena (and judge, if given), newest first.
    func judgeRuns(arenaId: Int64, judgeId: Int64?) async throws -> [JudgeRun]
    /// The newest run of this judge on this arena with this selection that has not completed.
    func resumableJudgeRun(judgeId: Int64, arenaId: Int64, selection: String) async throws -> JudgeRun?
    /// Pending items of a run in id order, `limit` at a time after `after`.
    func pendingJudgeItems(runId: Int64, after: Int64?, limit: Int) async throws -> [JudgeRunItem]
    /// Every item of a run in id order.
    func judgeItems(runId: Int64) async throws -> [JudgeRunItem]
    /// In one transaction: keeps answers and failures, finishes items (each
    /// only if still pending) with their votes (a vote whose battle is
    /// already stored is not stored again), and adds the counters.
    func recordJudgeProgress(
        runId: Int64, answers: [JudgeAnswerRecord], failures: [JudgeFailureRecord],
        completions: [JudgeItemCompletion], counters: JudgeRunCounters
    ) async throws
    /// Puts a run's failed items back to pending (to try them again when the run is resumed); returns how many.
    func resetFailedJudgeItems(runId: Int64) async throws -> Int
    func setJudgeRunStatus(runId: Int64, _ status: JudgeRunStatus, message: String?) async throws
    /// Asks a running job to stop at its next step (it stops cancelled, resumable).
    func requestJudgeRunCancel(runId: Int64) async throws

    func setJudgeValidationRule(_ rule: JudgeValidationRule) async throws
    func judgeValidationRule(arenaId: Int64, judgeId: Int64) async throws -> JudgeValidationRule?
}
