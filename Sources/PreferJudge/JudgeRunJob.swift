import Foundation
import Logging
import PreferCore
import PreferStore

/// A judge's run over an arena, as a job the CLI runs in the foreground and
/// the server can run as a background task:
///
/// ```swift
/// let job = try JudgeRunJob(store: store, judge: judge, arena: arena, client: httpClient, logger: logger)
/// let run = try await job.prepare(.humanBattles)        // a new run, or the unfinished one to resume
/// let finished = try await job.run(run.id) { progress in … }   // progress as it goes
/// // elsewhere: try await store.requestJudgeRunCancel(runId: run.id)  → stops, status .cancelled
/// ```
///
/// Every item's answers are kept as they come (in batches, `JudgeRecorder`),
/// and an item is finished together with its votes, in one transaction: a
/// run stopped by a crash, `kill -9`, Ctrl-C or a cancel resumes where it
/// stopped (`prepare` finds it again), asks nothing it already asked (the
/// answers are the cache), and never stores a judge's vote twice (one vote
/// per judge, prompt and pair: `JudgeBattle`).
public struct JudgeRunJob: Sendable {
    public let store: any JudgeStore
    public let judge: StoredJudge
    public let arena: Arena
    public let engine: JudgeEngine
    let logger: Logger

    /// A snapshot of a run in progress.
    public struct Progress: Sendable, Hashable {
        public var runId: Int64
        public var total: Int
        /// Items finished, in this and earlier sessions of the run.
        public var done: Int
        public var failed: Int
        /// What this session spent.
        public var counters: JudgeRunCounters
    }

    public init(store: any JudgeStore, judge: StoredJudge, arena: Arena, endpoint: JudgeEndpoint, logger: Logger) {
        self.store = store
        self.judge = judge
        self.arena = arena
        engine = JudgeEngine(configuration: judge.configuration, judgeId: judge.id, endpoint: endpoint)
        self.logger = logger
    }

    /// The run to work on: the unfinished run of this judge over this arena
    /// with the same selection (to resume it), else a new one with its items.
    /// `skipped` counts human votes with no outputs to judge.
    public func prepare(_ selection: JudgeSelection, resume: Bool = true) async throws -> (run: JudgeRun, resumed: Bool, skipped: Int) {
        if resume, var existing = try await store.resumableJudgeRun(judgeId: judge.id, arenaId: arena.id, selection: selection.text) {
            // Items that failed (an endpoint down, say) get another chance; what was answered is in the cache.
            if try await store.resetFailedJudgeItems(runId: existing.id) > 0, let fresh = try await store.judgeRun(id: existing.id) {
                existing = fresh
            }
            return (existing, true, 0)
        }
        let prompts = try await store.prompts(arena: arena.id)
        let outputs = try await store.outputs(arena: arena.id)
        var humanVotes: [StoredVote] = []
        if selection == .humanBattles {
            var after: Int64?
            while true {
                let page = try await store.votes(arena: arena.id, after: after, limit: 10_000)
                humanVotes += page.filter { $0.source != .judge }
                guard let last = page.last else { break }
                after = last.id
            }
        }
        let configuration = judge.configuration
        if configuration.mode == .rank, try await arenaK() > 2, configuration.rankSize > 8 {
            throw JudgeError(
                "Arena \"\(arena.name)\" is K-way: a rank judge's rankings are stored as K-way votes of 2 to 8 candidates; this judge ranks \(configuration.rankSize). Define a judge with rank_size 8 or less.")
        }
        let (items, skipped) = try selection.items(
            mode: configuration.mode, rankSize: configuration.rankSize, prompts: prompts, outputs: outputs, humanVotes: humanVotes)
        guard !items.isEmpty else {
            throw JudgeError(
                selection == .humanBattles
                    ? "Arena \"\(arena.name)\" has no human vote on a prompt whose two outputs are stored: nothing to judge."
                    : "Arena \"\(arena.name)\" has no prompt with outputs from two contenders: nothing to judge. Add outputs first.")
        }
        let run = try await store.createJudgeRun(judgeId: judge.id, arenaId: arena.id, selection: selection.text, items: items)
        return (run, false, skipped)
    }

    struct CancelRequested: Error {}

    /// The arena's K (2: pairwise) as the store keeps it.
    func arenaK() async throws -> Int {
        guard let kway = store as? any KWayStore else { return 2 }
        return try await kway.arenaK(arena.id)
    }

    /// Judges the run's pending items; returns the run as it ends (completed,
    /// or cancelled when asked to stop). Cancelling the task stops it too
    /// (status cancelled, and `CancellationError` is thrown).
    public func run(_ runId: Int64, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> JudgeRun {
        guard let start = try await store.judgeRun(id: runId) else {
            throw StoreError.notFound("Judge run \(runId)")
        }
        try await store.setJudgeRunStatus(runId: runId, .running, message: nil)
        let recorder = JudgeRecorder(store: store, runId: runId)
        let tally = Tally(runId: runId, total: start.totalItems, done: start.doneItems, failed: start.failedItems)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.work(runId: runId, recorder: recorder, tally: tally, progress: progress) }
                group.addTask {
                    // Watches for a cancel asked through the store (another process, the server's API).
                    while true {
                        try await Task.sleep(for: .milliseconds(500))
                        if try await self.store.judgeRun(id: runId)?.cancelRequested == true { throw CancelRequested() }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
            try await recorder.flush()
            let counters = await recorder.total
            try await store.setJudgeRunStatus(runId: runId, .completed, message: Self.summary(counters))
        } catch is CancelRequested {
            try await recorder.flush()
            try await store.setJudgeRunStatus(runId: runId, .cancelled, message: "cancelled on request; run it again to resume")
        } catch let error as CancellationError {
            // The recorder writes its batches apart from the cancelled task; the
            // status is written apart from it too (an unstructured task is not
            // cancelled with it), or the store would refuse it and the run would
            // stay "running".
            try? await recorder.flush()
            let store = self.store
            try? await Task {
                try await store.setJudgeRunStatus(runId: runId, .cancelled, message: "interrupted; run it again to resume")
            }.value
            throw error
        } catch {
            try? await recorder.flush()
            try? await store.setJudgeRunStatus(runId: runId, .failed, message: String(describing: error))
            throw error
        }
        guard let finished = try await store.judgeRun(id: runId) else { throw StoreError.notFound("Judge run \(runId)") }
        return finished
    }

    static func summary(_ counters: JudgeRunCounters) -> String {
        var text = "requests \(counters.requests), cached \(counters.cached), tokens \(counters.tokens), errors \(counters.errors), unparseable \(counters.unparseable)"
        if let consistency = counters.positionConsistency {
            text += String(format: ", position consistency %.1f%%", 100 * consistency)
        }
        return text
    }

    actor Tally {
        var progress: Progress

        init(runId: Int64, total: Int, done: Int, failed: Int) {
            progress = Progress(runId: runId, total: total, done: done, failed: failed, counters: JudgeRunCounters())
        }

        func add(_ completion: JudgeItemCompletion, _ counters: JudgeRunCounters) -> Progress {
            if completion.status == .done { progress.done += 1 } else { progress.failed += 1 }
            progress.counters += counters
            return progress
        }
    }

    private func work(runId: Int64, recorder: JudgeRecorder, tally: Tally, progress: @escaping @Sendable (Progress) -> Void) async throws {
        let prompts = Dictionary(uniqueKeysWithValues: try await store.prompts(arena: arena.id).map { ($0.id, $0) })
        var outputs: [String: Output] = [:]
        for output in try await store.outputs(arena: arena.id) { outputs["\(output.promptId):\(output.contenderId)"] = output }
        let configuration = judge.configuration
        let cache = StoreAnswerCache(store: store)
        // A rank judge on a K-way arena stores each ranking as one K-way vote.
        let k = try await arenaK()
        let kway = configuration.mode == .rank && k > 2
        var after: Int64?
        while true {
            try Task.checkCancellation()
            let page = try await store.pendingJudgeItems(runId: runId, after: after, limit: 512)
            guard let last = page.last else { break }
            after = last.id
            // Plans (or why an item cannot be judged), then the page's cache in one query.
            var plans: [Result<JudgePlan, JudgeError>] = []
            for item in page {
                plans.append(Result { () throws(JudgeError) -> JudgePlan in
                    guard let prompt = prompts[item.promptId] else { throw JudgeError("prompt \(item.promptId) is gone") }
                    let contents = try item.contenders.map { contender throws(JudgeError) -> JudgeContent in
                        guard let output = outputs["\(item.promptId):\(contender)"] else {
                            throw JudgeError("contender \(contender) has no output for prompt \(item.promptId) any more")
                        }
                        return JudgeContent(output: output.content, media: output.media, url: output.url)
                    }
                    return try JudgePlan(configuration, item: JudgeItem(prompt: prompt.text, outputs: contents))
                })
            }
            let keys = plans.flatMap { plan -> [String] in
                guard case .success(let plan) = plan else { return [] }
                return plan.questions.compactMap { try? PreparedRequest($0, configuration: configuration).cacheKey }
            }
            let cached = try await cache.answers(keys)
            let engine = self.engine
            let frozenPlans = plans
            try await JudgePipeline.run(count: page.count, width: configuration.limits.concurrency) { index in
                let item = page[index]
                switch frozenPlans[index] {
                case .failure(let error):
                    let completion = JudgeItemCompletion(itemId: item.id, status: .failed, result: nil, error: error.message, votes: [])
                    try await recorder.add(answers: [], failures: [], completion: completion, counters: JudgeRunCounters())
                    return (completion, JudgeRunCounters())
                case .success(let plan):
                    let outcome = try await engine.judge(plan, cached: cached, cache: cache, runId: runId)
                    let completion = try self.completion(item, outcome, kway: kway)
                    try await recorder.add(
                        answers: outcome.answers, failures: outcome.failures, completion: completion, counters: outcome.counters)
                    return (completion, outcome.counters)
                }
            } deliver: { _, value in
                progress(await tally.add(value.0, value.1))
            }
        }
    }

    /// An item's completion: its result, and a vote per pair with a verdict
    /// — or, with `kway` (a rank judge on a K-way arena), the ranking as one
    /// K-way vote: the item's contenders in item order, each placed (a full
    /// ranking; Plackett–Luce reads it as K − 1 choices, not as K(K − 1)/2
    /// independent pairs).
    public func completion(_ item: JudgeRunItem, _ outcome: JudgeEngine.ItemOutcome, kway: Bool = false) throws -> JudgeItemCompletion {
        var result = JudgementResult(outcome.results)
        if let ranking = outcome.overall.ranking { result.ranking = ranking.map { item.contenders[$0] } }
        let text = String(decoding: try Self.encoder.encode(result), as: UTF8.self)
        if kway {
            var kwayVotes: [NewKWayVote] = []
            let k = item.contenders.count
            if let ranking = outcome.overall.ranking, ranking.count == k, (2...8).contains(k), Set(ranking).count == k {
                var places = [Int](repeating: 0, count: k)
                for (rank, index) in ranking.enumerated() where places.indices.contains(index) { places[index] = rank + 1 }
                let members = item.contenders.enumerated().map { position, contender in
                    KWayMember(position: position + 1, contenderId: contender, outputId: nil, place: places[position])
                }
                kwayVotes.append(NewKWayVote(
                    arenaId: arena.id, battle: JudgeBattle.id(judge: judge.id, prompt: item.promptId, contenders: item.contenders),
                    promptId: item.promptId, kind: .ranking, members: members,
                    rationale: outcome.overall.raw.first.flatMap { $0 }.map { String($0.prefix(4000)) },
                    voter: judge.voter, source: .judge))
            }
            let failed = kwayVotes.isEmpty
            return JudgeItemCompletion(
                itemId: item.id, status: failed ? .failed : .done, result: text,
                error: failed ? (result.error ?? "no ranking of all \(k) outputs") : nil, votes: [], kwayVotes: kwayVotes)
        }
        var votes: [NewVote] = []
        for (index, pair) in outcome.overall.pairs.enumerated() {
            guard let judgement = pair.judgement else { continue }
            var criteria: [String: Choice] = [:]
            for criterion in outcome.results.dropFirst() {
                if let name = criterion.criterion, index < criterion.pairs.count, let choice = criterion.pairs[index].judgement?.choice {
                    criteria[name] = choice
                }
            }
            let left = item.contenders[pair.a]
            let right = item.contenders[pair.b]
            let rationale = outcome.overall.raw.first.flatMap { $0 }.map { String($0.prefix(4000)) }
            votes.append(NewVote(
                arenaId: arena.id, battle: JudgeBattle.id(judge: judge.id, prompt: item.promptId, left: left, right: right),
                promptId: item.promptId, leftContenderId: left, rightContenderId: right, choice: judgement.choice,
                criteria: criteria, rationale: rationale, voter: judge.voter, source: .judge))
        }
        let failed = votes.isEmpty && outcome.overall.pairs.allSatisfy { $0.judgement == nil && !$0.flipped }
        return JudgeItemCompletion(
            itemId: item.id, status: failed ? .failed : .done, result: text, error: failed ? result.error : nil, votes: votes)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
