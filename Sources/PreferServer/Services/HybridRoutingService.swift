import AsyncHTTPClient
import Foundation
import Logging
import PreferCore
import PreferJudge
import PreferStore
import ServiceLifecycle
import Synchronization

/// Live hybrid routing of new battles (*Hybrid Preferences*, Miranda et al.,
/// 2024), as background work of the server: for each arena whose routing is
/// on, this `Service` draws candidate battles the way plain drawing does,
/// has the arena's judge judge each one first (off the request path, through
/// `JudgeEngine` and the judge cache, into a judge run of selection
/// `{"kind":"routing"}` so that answers, items and votes are stored as any
/// run's), and lets `HybridRouter.decide` place it:
///
/// - `judge`: the judge's verdict stands — its vote is stored (source
///   `judge`, voter `judge:NAME`) and no person sees the battle;
/// - `human` / `audit`: the battle waits in a small queue of the arena until
///   an annotator draws it (`take`). The judge's vote on it is stored too,
///   on the judge's side only, so that agreement keeps being measured (the
///   audit share is what keeps that measure unbiased); the annotator's battle
///   is an ordinary sealed battle that says nothing about the judge.
///
/// The risk is `DisagreementModel`'s, fitted on the arena's battles that have
/// both a human and this judge's vote (refitted when the votes change, at
/// most every `refitInterval`); before there are any, every risk is ½ and
/// routing is random at the budget. When the judge fails (endpoint down,
/// key missing) the arena falls back: annotators get plainly drawn battles
/// (never a wait or a 5xx), the state says why, and the service tries again
/// after a backoff (1 s doubling to 30 s).
actor HybridRoutingService: Service {
    let store: any PreferStore
    let directory: ArenaDirectory
    let leaderboards: LeaderboardCache
    let logger: Logger
    let environment: [String: String]
    /// Human-routed battles kept ready per arena.
    let queueSize: Int
    let refitInterval: Duration
    /// How often settings are read again from the store (other replicas may change them).
    let reloadInterval: Duration

    /// An arena's routing as it stands, for the API and the page.
    struct Status: Sendable, Hashable {
        enum State: String, Sendable, Hashable {
            /// Settings say off.
            case off
            /// On, nothing judged yet.
            case starting
            /// Battles are judged first and routed.
            case routing
            /// The judge failed: battles are drawn plainly until it answers again.
            case fallback
        }

        var state: State = .starting
        var message: String?
        /// Human-routed battles waiting for an annotator.
        var queued = 0
        var judged = 0
        var toPeople = 0
        var audits = 0
        var toJudge = 0
        /// Battles drawn plainly because no routed battle was ready.
        var plainDraws = 0
        var errors = 0
        var runId: Int64?
        /// Battles with both a human and the judge's vote the risk model was fitted on.
        var trainingBattles = 0
        var lastError: String?

        /// Share of routed battles that went to people, nil before any.
        var humanShare: Double? { judged > 0 ? Double(toPeople) / Double(judged) : nil }
    }

    struct Candidate: Sendable {
        var prompt: Int64
        var left: Output
        var right: Output
        var decision: HybridRouter.Decision
    }

    private struct ArenaState {
        var routing: StoredRouting
        var status = Status()
        var queue: [Candidate] = []
        /// The last candidates (at most 200), scored again by each new model:
        /// the online router compares a risk with the window's under the same model.
        var recent: [JudgedBattle] = []
        var model: DisagreementModel?
        var modelVotes = -1
        var modelAt: ContinuousClock.Instant?
        var generator: Xoshiro256
        var retryAt: ContinuousClock.Instant?
        var backoff: Duration = .seconds(1)
        var busy = false
        /// Candidates judged since an annotator last drew a battle: judging
        /// stops at `ahead` of them, so that the judge works as people do
        /// (with a small human share, or nobody drawing, it would never stop).
        var judgedSinceDraw = 0

        /// How many candidates may be judged ahead of the next draw: enough to fill the queue at the budget.
        func ahead(queueSize: Int) -> Int {
            queueSize + Int((Double(queueSize) / max(routing.settings.humanShare, 0.05)).rounded(.up))
        }

        init(routing: StoredRouting) {
            self.routing = routing
            generator = Xoshiro256(seed: UInt64(bitPattern: routing.arenaId), stream: 71)
        }
    }

    private var arenas: [Int64: ArenaState] = [:]
    private var lastReload: ContinuousClock.Instant?
    private var stopping = false
    /// Arenas whose routing is on: read without a hop onto the actor by every draw.
    private let routed = Mutex<Set<Int64>>([])
    /// The judges' HTTP client: made when the service runs, shut down when it stops
    /// (services built but never run, as in some tests and commands, hold none).
    private var client: HTTPClient?

    init(
        store: any PreferStore, directory: ArenaDirectory, leaderboards: LeaderboardCache, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment, queueSize: Int = 8,
        refitInterval: Duration = .seconds(30), reloadInterval: Duration = .seconds(2)
    ) {
        self.store = store
        self.directory = directory
        self.leaderboards = leaderboards
        self.logger = logger
        self.environment = environment
        self.queueSize = queueSize
        self.refitInterval = refitInterval
        self.reloadInterval = reloadInterval
    }

    private var routingStore: (any RoutingStore)? { store as? any RoutingStore }

    // MARK: The service

    nonisolated func run() async throws {
        let client = JudgeHTTPClient.make(connections: 16)
        await self.use(client)
        // On graceful shutdown the loop is cancelled, and with it any judging under way.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let worked = await self.tick()
                try await Task.sleep(for: worked ? .milliseconds(20) : .milliseconds(200))
            }
        }
        await stop()
        await finishRuns()
        try? await client.shutdown()
    }

    private func use(_ client: HTTPClient) {
        self.client = client
    }

    private func stop() {
        stopping = true
        client = nil
    }

    private func finishRuns() async {
        guard let judges = routingStore else { return }
        for state in arenas.values {
            if let id = state.status.runId {
                try? await judges.setJudgeRunStatus(runId: id, .cancelled, message: "routing stopped with the server; it resumes when the server starts")
            }
        }
    }

    /// One round: settings read again when due, then a batch of candidates judged per arena that needs them.
    /// Returns whether any arena did work (the loop then comes back sooner).
    func tick() async -> Bool {
        if lastReload.map({ ContinuousClock.now - $0 >= reloadInterval }) ?? true {
            await reload()
        }
        var worked = false
        await withTaskGroup(of: Bool.self) { group in
            for id in arenas.keys {
                guard let state = arenas[id], state.routing.settings.enabled, !state.busy, state.queue.count < queueSize,
                      state.judgedSinceDraw < state.ahead(queueSize: queueSize) else { continue }
                if let retry = state.retryAt, ContinuousClock.now < retry { continue }
                arenas[id]?.busy = true
                group.addTask { await self.fill(id) }
            }
            for await did in group { worked = worked || did }
        }
        return worked
    }

    /// Reads every arena's settings from the store.
    func reload() async {
        lastReload = .now
        guard let judges = routingStore else { return }
        do {
            let all = try await judges.arenaRoutings()
            var seen = Set<Int64>()
            for routing in all {
                seen.insert(routing.arenaId)
                if var state = arenas[routing.arenaId] {
                    if state.routing != routing {
                        // New judge or shares: what was queued and learnt no longer holds.
                        if state.routing.judgeId != routing.judgeId || !routing.settings.enabled {
                            state.queue = []
                            state.model = nil
                            state.modelVotes = -1
                            state.recent = []
                            state.status.runId = nil
                        }
                        state.routing = routing
                        state.retryAt = nil
                        state.backoff = .seconds(1)
                        state.status.state = routing.settings.enabled ? .starting : .off
                        state.status.message = nil
                    }
                    arenas[routing.arenaId] = state
                } else {
                    var state = ArenaState(routing: routing)
                    state.status.state = routing.settings.enabled ? .starting : .off
                    arenas[routing.arenaId] = state
                }
            }
            for id in arenas.keys where !seen.contains(id) { arenas[id] = nil }
            let on = Set(arenas.values.filter { $0.routing.settings.enabled }.map(\.routing.arenaId))
            routed.withLock { $0 = on }
        } catch {
            logger.warning("could not read the arenas' routing settings", metadata: ["error": "\(error)"])
        }
    }

    /// Judges a batch of candidates for the arena and routes them.
    private func fill(_ arenaId: Int64) async -> Bool {
        defer { arenas[arenaId]?.busy = false }
        guard let judges = routingStore, let state = arenas[arenaId], let client else { return false }
        let routing = state.routing
        do {
            guard let index = try await directory.index(id: arenaId), !index.arena.isArchived, !index.isKWay,
                  !index.battlePrompts.isEmpty else {
                fail(arenaId, "the arena has no battles to route (archived, K-way, or no prompt with outputs from two contenders)")
                return false
            }
            guard let judge = try await judges.judge(id: routing.judgeId) else {
                fail(arenaId, "judge \"\(routing.settings.judge)\" no longer exists")
                return false
            }
            let endpoint: JudgeEndpoint
            do {
                endpoint = try JudgeEndpoint(configuration: judge.configuration, client: client, environment: environment, logger: logger)
            } catch {
                fail(arenaId, error.message)
                return false
            }
            let job = JudgeRunJob(store: judges, judge: judge, arena: index.arena, endpoint: endpoint, logger: logger)
            let runId = try await self.runId(arenaId, judge: judge, store: judges)
            try await refit(arenaId, index: index, judge: judge, job: job)
            let width = max(1, min(judge.configuration.limits.concurrency, 8))
            var draws: [(BattleSampler.Draw, JudgeRunItem, JudgePlan)] = []
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<width {
                guard let draw = try? BattleSampler().draw(from: index, using: &rng) else { continue }
                let (lo, hi) = draw.left.contenderId < draw.right.contenderId ? (draw.left, draw.right) : (draw.right, draw.left)
                guard let prompt = index.prompts[draw.prompt] else { continue }
                let plan = try JudgePlan(judge.configuration, item: JudgeItem(prompt: prompt.text, outputs: [lo, hi].map {
                    JudgeContent(output: $0.content, media: $0.media, url: $0.url)
                }))
                let item = try await judges.addJudgeRunItem(
                    runId: runId,
                    NewJudgeRunItem(itemKey: "p\(draw.prompt):\(lo.contenderId):\(hi.contenderId)", promptId: draw.prompt, contenders: [lo.contenderId, hi.contenderId]))
                draws.append((draw, item, plan))
            }
            let cache = StoreAnswerCache(store: judges)
            let outcomes = try await withThrowingTaskGroup(of: (Int, JudgeEngine.ItemOutcome).self) { group in
                for (k, entry) in draws.enumerated() {
                    group.addTask { (k, try await job.engine.judge(entry.2, cache: cache, runId: runId)) }
                }
                var all = [JudgeEngine.ItemOutcome?](repeating: nil, count: draws.count)
                for try await (k, outcome) in group { all[k] = outcome }
                return all.compactMap { $0 }
            }
            var answers: [JudgeAnswerRecord] = []
            var failures: [JudgeFailureRecord] = []
            var completions: [JudgeItemCompletion] = []
            var counters = JudgeRunCounters()
            var routedNow: [Candidate] = []
            var endpointError: String?
            for ((draw, item, _), outcome) in zip(draws, outcomes) {
                answers += outcome.answers
                failures += outcome.failures
                counters += outcome.counters
                guard let pair = outcome.overall.pair else { continue }
                if pair.judgement == nil && !pair.flipped && !outcome.failures.isEmpty {
                    // The endpoint failed (after its retries): nothing to route on.
                    endpointError = outcome.failures.last?.error ?? outcome.overall.error ?? "the judge endpoint failed"
                    continue
                }
                let completion = try job.completion(item, outcome)
                if item.status == .pending { completions.append(completion) }
                let decision = decide(arenaId, candidate(index: index, draw: draw, pair: pair))
                routedNow.append(Candidate(prompt: draw.prompt, left: draw.left, right: draw.right, decision: decision))
            }
            if !answers.isEmpty || !failures.isEmpty || !completions.isEmpty || counters != JudgeRunCounters() {
                try await judges.recordJudgeProgress(
                    runId: runId, answers: answers, failures: failures, completions: completions, counters: counters)
            }
            if completions.contains(where: { !$0.votes.isEmpty }) { await leaderboards.votesChanged(arena: arenaId) }
            guard var current = arenas[arenaId], current.routing == routing else { return true }
            current.judgedSinceDraw += draws.count
            for candidate in routedNow {
                current.status.judged += 1
                switch candidate.decision {
                case .judge: current.status.toJudge += 1
                case .human: current.status.toPeople += 1
                case .audit:
                    current.status.toPeople += 1
                    current.status.audits += 1
                }
                if candidate.decision.toPeople { current.queue.append(candidate) }
            }
            current.status.queued = current.queue.count
            if let endpointError, routedNow.isEmpty {
                current.status.errors += 1
                arenas[arenaId] = current
                fail(arenaId, "the judge endpoint failed: \(endpointError)")
                return true
            }
            current.status.state = .routing
            current.status.message = nil
            current.retryAt = nil
            current.backoff = .seconds(1)
            arenas[arenaId] = current
            return true
        } catch {
            fail(arenaId, String(describing: error))
            return false
        }
    }

    /// Marks the arena fallen back, and waits before trying the judge again.
    private func fail(_ arenaId: Int64, _ message: String) {
        guard var state = arenas[arenaId] else { return }
        state.status.state = .fallback
        state.status.lastError = message
        state.status.message = "\(message); battles are drawn plainly until the judge answers again (next try in \(Int(state.backoff.components.seconds)) s)"
        state.retryAt = .now + state.backoff
        state.backoff = min(state.backoff * 2, .seconds(30))
        arenas[arenaId] = state
        logger.warning("hybrid routing fell back to plain drawing", metadata: ["arena": "\(arenaId)", "reason": "\(message)"])
    }

    /// The arena's routing run: the unfinished one of this judge, else a new one.
    private func runId(_ arenaId: Int64, judge: StoredJudge, store judges: any RoutingStore) async throws -> Int64 {
        if let id = arenas[arenaId]?.status.runId { return id }
        let selection = Self.selection
        let run: JudgeRun
        if let existing = try await judges.resumableJudgeRun(judgeId: judge.id, arenaId: arenaId, selection: selection) {
            run = existing
        } else {
            run = try await judges.createJudgeRun(judgeId: judge.id, arenaId: arenaId, selection: selection, items: [])
        }
        try await judges.setJudgeRunStatus(runId: run.id, .running, message: "hybrid routing: each new battle is judged first")
        arenas[arenaId]?.status.runId = run.id
        return run.id
    }

    /// The stored selection of routing runs.
    static let selection = #"{"kind":"routing"}"#

    /// Fits the risk model again when the arena's votes changed and the last fit is old enough.
    private func refit(_ arenaId: Int64, index: ArenaIndex, judge: StoredJudge, job: JudgeRunJob) async throws {
        guard let state = arenas[arenaId] else { return }
        let votes = try await store.voteCount(arena: arenaId)
        if state.modelVotes == votes { return }
        if let at = state.modelAt, ContinuousClock.now - at < refitInterval { return }
        let material = try await JudgeAgreementService(store: job.store).material(arena: index.arena, judge: judge)
        let battles = material.battles.filter { $0.criterion == nil }
        let model = DisagreementModel.fit(battles)
        arenas[arenaId]?.model = model
        arenas[arenaId]?.modelVotes = votes
        arenas[arenaId]?.modelAt = .now
        arenas[arenaId]?.status.trainingBattles = battles.count
    }

    /// What the risk model reads of a candidate (people's verdict unknown: the features do not use it);
    /// nil when the judge gave no verdict (unparseable twice, or a flip dropped by setting).
    private func candidate(index: ArenaIndex, draw: BattleSampler.Draw, pair: JudgePlan.PairOutcome) -> JudgedBattle? {
        guard let judgement = pair.judgement else { return nil }
        let (lo, hi) = draw.left.contenderId < draw.right.contenderId ? (draw.left, draw.right) : (draw.right, draw.left)
        return JudgedBattle(
            first: "", second: "", human: .tie, judge: judgement.winner, judgeStrength: judgement.strength,
            judgeConsistent: pair.consistent, category: index.prompts[draw.prompt]?.category,
            firstLength: lo.content.count, secondLength: hi.content.count)
    }

    /// Where a candidate goes: people when the judge gave no verdict; else
    /// `HybridRouter.decide` on its risk (the arena's model, ½ without one)
    /// against the last candidates' risks under the same model.
    private func decide(_ arenaId: Int64, _ battle: JudgedBattle?) -> HybridRouter.Decision {
        guard var state = arenas[arenaId] else { return .human }
        defer { arenas[arenaId] = state }
        let settings = state.routing.settings
        let u1 = Double.random(in: 0..<1, using: &state.generator)
        let u2 = Double.random(in: 0..<1, using: &state.generator)
        guard let battle else { return .human }
        state.recent.append(battle)
        if state.recent.count > 200 { state.recent.removeFirst(state.recent.count - 200) }
        let model = state.model
        func risk(_ b: JudgedBattle) -> Double { model?.probability(b) ?? 0.5 }
        let router = HybridRouter(humanShare: settings.humanShare, auditShare: settings.auditShare)
        return router.decide(risk: risk(battle), recent: state.recent.map(risk), u1: u1, u2: u2)
    }

    // MARK: Drawing

    /// Whether the arena routes (a lock-protected read, no hop onto the actor).
    nonisolated func isRouted(_ arenaId: Int64) -> Bool {
        routed.withLock { $0.contains(arenaId) }
    }

    /// A human-routed battle of the arena, if one is ready and still current in `index`;
    /// nil (counted as a plain draw) when none is.
    func take(_ arenaId: Int64, index: ArenaIndex) -> Candidate? {
        guard var state = arenas[arenaId], state.routing.settings.enabled else { return nil }
        defer { arenas[arenaId] = state }
        state.judgedSinceDraw = 0
        while !state.queue.isEmpty {
            let candidate = state.queue.removeFirst()
            state.status.queued = state.queue.count
            // Outputs replaced or withdrawn since: skip.
            if index.outputs[candidate.left.id] != nil, index.outputs[candidate.right.id] != nil { return candidate }
        }
        state.status.plainDraws += 1
        return nil
    }

    /// The arena's routing state now; nil when it has no settings.
    func status(_ arenaId: Int64) -> Status? {
        arenas[arenaId]?.status
    }

    /// Called after settings change through this server: applies them now.
    func settingsChanged() async {
        await reload()
    }
}
