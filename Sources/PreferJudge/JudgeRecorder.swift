import Foundation
import PreferStore

/// Keeps what judging produces — answers, failures, finished items with
/// their votes, counters — and writes it to the store in batches (one
/// transaction per batch: every `batchSize` items, or `interval` after the
/// last write), so that judging at hundreds of items a second costs a few
/// transactions a second. A crash loses at most the unwritten batch, whose
/// answers are then asked again (and whose votes were never stored).
public actor JudgeRecorder {
    private let store: (any JudgeStore)?
    private let runId: Int64?
    private let batchSize: Int
    private let interval: Duration
    private var answers: [JudgeAnswerRecord] = []
    private var failures: [JudgeFailureRecord] = []
    private var completions: [JudgeItemCompletion] = []
    private var counters = JudgeRunCounters()
    private var lastWrite = ContinuousClock.now
    /// Batches being written (each in a task of its own, see `write()`).
    private var writes: [Task<Void, any Error>] = []
    /// Everything recorded so far (written or not).
    public private(set) var total = JudgeRunCounters()

    /// `store` nil keeps nothing (file mode without a cache); `runId` nil keeps answers only.
    public init(store: (any JudgeStore)?, runId: Int64?, batchSize: Int = 256, interval: Duration = .milliseconds(250)) {
        self.store = store
        self.runId = runId
        self.batchSize = batchSize
        self.interval = interval
    }

    /// Adds an item's answers, failures and completion; writes a batch when one is due.
    public func add(
        answers newAnswers: [JudgeAnswerRecord], failures newFailures: [JudgeFailureRecord],
        completion: JudgeItemCompletion?, counters delta: JudgeRunCounters
    ) async throws {
        total += delta
        guard store != nil else { return }
        answers += newAnswers
        failures += newFailures
        if let completion { completions.append(completion) }
        counters += delta
        let pending = max(answers.count / 2, completions.count)
        if pending >= batchSize || ContinuousClock.now - lastWrite >= interval {
            try await write()
        }
    }

    /// Writes whatever is waiting, and waits for writes under way — also
    /// from a cancelled task.
    public func flush() async throws {
        try await write()
        for write in writes { try await write.value }
    }

    private func write() async throws {
        guard let store else { return }
        lastWrite = ContinuousClock.now
        guard !answers.isEmpty || !failures.isEmpty || !completions.isEmpty || counters != JudgeRunCounters() else { return }
        let (a, f, c, n) = (answers, failures, completions, counters)
        answers = []
        failures = []
        completions = []
        counters = JudgeRunCounters()
        // The batch has left the buffers: it is written in a task the caller's
        // cancellation does not reach (a cancelled task's store call is refused),
        // or a run stopped mid-write would lose it — its stored progress behind
        // what it reported, and finished judgements asked again on resume.
        let runId = self.runId
        let write = Task {
            if let runId {
                try await store.recordJudgeProgress(runId: runId, answers: a, failures: f, completions: c, counters: n)
            } else {
                try await store.recordJudgeAnswers(a, failures: f)
            }
        }
        writes.append(write)
        defer { writes.removeAll { $0 == write } }
        try await write.value
    }
}
