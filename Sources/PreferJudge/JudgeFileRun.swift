import Foundation
import PreferCore
import PreferStore

/// `prefer judge file`: judges the rows of a pairs file with no arena and
/// hands back one result per row, in input order, as soon as every row
/// before it is done. With a cache store (`--cache FILE`), answers are kept
/// and a rerun of the same rows with the same judge asks nothing.
public struct JudgeFileRun: Sendable {
    public let engine: JudgeEngine
    public let cache: (any JudgeStore)?

    public init(engine: JudgeEngine, cache: (any JudgeStore)?) {
        self.engine = engine
        self.cache = cache
    }

    /// What a file run did, for the summary on standard error.
    public struct Summary: Sendable, Hashable, Codable {
        public var rows: Int
        /// Rows with a verdict.
        public var verdicts: Int
        public var counters: JudgeRunCounters
        public var seconds: Double

        public var positionConsistency: Double? { counters.positionConsistency }

        /// One line per fact, for standard error.
        public var text: String {
            var lines: [String] = []
            let rate = seconds > 0 ? Double(rows) / seconds : 0
            lines.append(String(format: "judged %d rows in %.1f s (%.1f rows/s): %d with a verdict, %d without", rows, seconds, rate, verdicts, rows - verdicts))
            if let consistency = positionConsistency {
                lines.append(String(format: "position consistency %.1f%% (%d of %d pairs gave the same verdict in both orders)",
                                    100 * consistency, counters.consistent, counters.consistent + counters.inconsistent))
            }
            lines.append("requests \(counters.requests) sent, \(counters.cached) answered from the cache; \(counters.errors) failed after retries; \(counters.unparseable) answers unparseable")
            lines.append("tokens \(counters.tokens) (prompt \(counters.promptTokens), completion \(counters.completionTokens))")
            return lines.joined(separator: "\n")
        }
    }

    /// Judges `rows`; `emit` gets each result in input order; `progress` gets (rows done, rows, counters so far).
    public func run(
        _ rows: [JudgeFile.Row], progress: @Sendable (Int, Int, JudgeRunCounters) -> Void = { _, _, _ in },
        emit: (JudgementResult) throws -> Void
    ) async throws -> Summary {
        let start = ContinuousClock.now
        let configuration = engine.configuration
        let plans = try rows.map { row -> JudgePlan in
            do {
                return try JudgePlan(configuration, item: row.item)
            } catch let error as JudgeError {
                throw JudgeError("Row \(row.line): \(error.message)")
            }
        }
        let recorder = JudgeRecorder(store: cache, runId: nil)
        let prefetcher = cache.map { store in
            CachePrefetcher(cache: StoreAnswerCache(store: store)) { range in
                range.flatMap { index in
                    plans[index].questions.compactMap { try? PreparedRequest($0, configuration: configuration).cacheKey }
                }
            }
        }
        let engine = self.engine
        let cacheSource = cache.map { StoreAnswerCache(store: $0) }
        var waiting: [Int: JudgementResult] = [:]
        var nextOut = 0
        var done = 0
        var verdicts = 0
        var counters = JudgeRunCounters()
        let count = rows.count
        try await JudgePipeline.run(count: count, width: configuration.limits.concurrency) { index -> JudgeEngine.ItemOutcome in
            let cached = try await prefetcher?.cached(for: index, count: count) ?? [:]
            let outcome = try await engine.judge(plans[index], cached: cached, cache: cacheSource)
            try await recorder.add(answers: outcome.answers, failures: outcome.failures, completion: nil, counters: outcome.counters)
            return outcome
        } deliver: { (index: Int, outcome: JudgeEngine.ItemOutcome) in
            done += 1
            counters += outcome.counters
            let result = JudgementResult(outcome.results, id: rows[index].id)
            if result.verdict != nil { verdicts += 1 }
            waiting[index] = result
            while let ready = waiting.removeValue(forKey: nextOut) {
                try emit(ready)
                nextOut += 1
            }
            progress(done, count, counters)
        }
        try await recorder.flush()
        return Summary(rows: count, verdicts: verdicts, counters: counters, seconds: (ContinuousClock.now - start).inSeconds)
    }
}
