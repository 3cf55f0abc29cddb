import Foundation
import Logging
import NIOPosix
import PreferCore
import PreferStore
import CoreMetrics
import ServiceLifecycle

/// Leaderboards computed from the stored votes, served from memory, and
/// kept fresh by a `Service`.
///
/// A request gets the latest computed leaderboard at once and never waits
/// for a fit, nor blocks voting; only the very first request for a
/// leaderboard waits for its computation. The service (`run()`) refreshes
/// every leaderboard asked for in the last `keepFresh` whose arena has new
/// votes — this server's, or another replica's as the change feed reports
/// them (`ChangeFollower`) — at most once per `minimumInterval` each, so
/// that replicas sharing a database serve the same board soon after the
/// votes stop, without a request having to come first.
///
/// Fits (the audit and the bootstrap, which spread their rounds over the
/// cores with `concurrentPerform` inside PreferCore) run on a `NIOThreadPool`
/// of one thread that this service owns: never on Swift's cooperative pool
/// (where a fit of a million votes would hold one of its few threads for
/// seconds, stalling requests and the vote writer) nor on an event loop.
/// One thread, so fits queue instead of competing with each other for the
/// same cores.
actor LeaderboardCache: Service {
    struct Key: Hashable {
        var arena: Int64
        var rounds: Int
        var seed: UInt64
        /// Keep the votes of voters the audit flags.
        var includeFlagged: Bool
        /// Whose votes: people's unless asked (judges' never mix in silently).
        var source: VoteSourceFilter = .human
        /// The judges (voters `judge:NAME`) whose votes a `source=all` board
        /// counts; nil: every judge's.
        var judges: [String]? = nil
        /// The whole board, style-controlled, or one slice.
        var variant: Variant = .plain
    }

    /// Which board of an arena's votes.
    enum Variant: Hashable, Sendable {
        /// Every vote: Bradley–Terry, or Plackett–Luce when K-way votes are in.
        case plain
        /// Style-controlled (`StyleControl`, the features `prefer rank --style-control` measures from texts).
        case style
        /// One slice: `category` (the prompts' category) or `criterion` (that criterion's choices).
        case slice(field: String, value: String)
        /// One annotator group (`?group=FIELD:VALUE`): the votes of annotators
        /// whose attribute `field` is `value` ("other": the small groups
        /// merged), groups under `minimum` annotators never shown alone.
        case group(field: String, value: String, minimum: Int)
        /// Every group of `field` with the disagreement report (`GET …/groups`).
        case groups(field: String, minimum: Int)
        /// The votes re-weighted by post-stratification on `field`
        /// (`?weights=`, `prefer rank --weights`): to target shares, or with
        /// every group shown (≥ `minimum` annotators) weighing the same.
        case weighted(field: String, target: PostStratification.Target, minimum: Int)
        /// No board: the mixture of preference types (`prefer rank --mixture`), attributes tabulated with groups ≥ `minimum`.
        case mixture(minimum: Int)
        /// No board: the cycle search (`prefer cycles`), with the model comparison when `models`.
        case cycles(models: Bool)
        /// No board: contested items (`prefer items`).
        case items
        /// Ratings over time (`prefer rank --over time --every EVERY [--window WINDOW]`); `every` may be "auto".
        case trajectory(every: String, window: String?)
        /// One board per criterion and the Pareto view across them (`prefer rank --by criterion`).
        case pareto

        /// Many fits per computation: refreshed at most every `heavyRefreshFactor` × the minimum interval.
        var isHeavy: Bool {
            switch self {
            case .trajectory, .pareto: true
            default: false
            }
        }
    }

    /// How much longer than `minimumInterval` a heavy variant (a trajectory,
    /// the Pareto view) waits between refreshes: each is many fits.
    static let heavyRefreshFactor = 15

    struct Entry: Sendable {
        var board: Leaderboard
        /// For a slice's board: the slice (its `board` left out).
        var slice: SliceBoard? = nil
        var votesUsed: Int
        var computedAt: Date
        /// The whole audit the board applied (every voter's scores and
        /// reasons), nil when the votes carry no voters or it could not run.
        var audit: AuditReport? = nil
        /// For a group's board: the groups of its attribute as shown.
        var group: GroupView? = nil
        /// For `.groups`: every group's board and the disagreement report.
        var groupReport: SliceReport.Groups? = nil
        /// For `.weighted`: the weighting (strata, effective sample size), its board left out.
        var weighting: SliceReport.Weighting? = nil
        /// The arena's annotator-attribute version the computation read
        /// (`attributesVersion`), for the variants that read attributes.
        var attributesRead: Int = 0
        /// For `.mixture`, `.cycles`, `.items`: the analysis as the CLI's JSON.
        var analysis: Data? = nil
        /// For a trajectory or the Pareto view: `prefer rank`'s report of it.
        var report: SliceReport? = nil
        /// The rows of the source's pairwise votes the board ranked, one
        /// flag per row (nil: every row), and the voters the audit left out
        /// (after the admins' decisions): what an active arena's pair table
        /// is fitted on (`ActivePairs.boardVotes`).
        var kept: [Bool]? = nil
        var flaggedVoters: Set<String> = []
    }

    let store: any PreferStore
    let directory: ArenaDirectory
    let minimumInterval: Duration
    /// How long after its last request a leaderboard is still refreshed by the service.
    let keepFresh: Duration
    let logger: Logger
    /// Where fits run (one thread; started and stopped by `run()`).
    private let fits: NIOThreadPool

    private var votes: [Int64: ArenaVotes] = [:]
    /// Style features of text outputs by output id (an output's text never changes), for style-controlled boards.
    private var measures: [Int64: [Double]] = [:]
    /// Admins' decisions about annotators, per arena, read with the votes.
    private var decisions: [Int64: [VoterDecision]] = [:]
    /// Bumped by every decision about an arena's annotators: a computation
    /// that began before one is done again, and decisions read before one
    /// are not kept.
    private var decisionVersion: [Int64: Int] = [:]
    /// Bumped when an arena's votes must be read again from the start
    /// (deleted, or votes imported in bulk): a read begun before is dropped.
    private var generation: [Int64: Int] = [:]
    private var dirty: Set<Int64> = []
    /// Arenas whose votes are being read again from the start after a bulk
    /// import elsewhere. Until that read ends (a million votes take seconds)
    /// the votes read before stay in `votes`, and requests are answered from
    /// them and the boards held, marked stale: they never wait for the read.
    private var rereading: Set<Int64> = []
    private var entries: [Key: Entry] = [:]
    private var computing: Set<Key> = []
    private var lastRefresh: [Key: ContinuousClock.Instant] = [:]
    private var lastRequest: [Key: ContinuousClock.Instant] = [:]
    /// The vote count a computation failed at: not tried again until votes change.
    private var failedAt: [Key: Int] = [:]
    /// The attributes version (`attributesVersion`) a failed computation read: not tried again until they change either.
    private var failedWithAttributes: [Key: Int] = [:]
    /// Per arena, a version per annotator attribute, bumped when an annotator
    /// who has voted changes it (and `anyAttribute` for any change): a board
    /// that read an older version is refreshed (`isCurrent`).
    var attributeVersions: [Int64: [String: Int]] = [:]
    /// Attribute changes this process is storing or has stored and applied
    /// (arena → voter → count) whose echo from the change feed is still to
    /// come: the echo is skipped, so that a change bumps the versions once.
    var ownAttributeChanges: [Int64: [String: Int]] = [:]
    /// Callers waiting for a computation of a key, with the vote count it must reach.
    private var waiters: [Key: [(votes: Int, reply: CheckedContinuation<Entry, any Error>)]] = [:]
    private var stopped = false
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// The pair tables of active arenas, read by the battle path.
    nonisolated let activePairs = ActivePairs()
    /// When each active arena's table was last made.
    private var lastPairsRefresh: [Int64: ContinuousClock.Instant] = [:]
    /// The vote count a table failed at (invalid settings): not tried again until votes change.
    private var pairsFailedAt: [Int64: Int] = [:]

    /// The seed of the published board's audit (its prompt down-sampling),
    /// for an active arena's pair table when no published board is cached.
    let boardSeed: UInt64

    init(
        store: any PreferStore, directory: ArenaDirectory, minimumInterval: Duration,
        keepFresh: Duration = .seconds(600), boardSeed: UInt64 = 42, logger: Logger
    ) {
        self.boardSeed = boardSeed
        self.store = store
        self.directory = directory
        self.minimumInterval = minimumInterval
        self.keepFresh = keepFresh
        self.logger = logger
        fits = NIOThreadPool(numberOfThreads: 1)
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: The service

    /// Refreshes stale leaderboards whenever votes change, until graceful
    /// shutdown; a fit under way then finishes, and the thread stops.
    nonisolated func run() async throws {
        fits.start()
        await cancelWhenGracefulShutdown {
            for await _ in self.wakes {
                while let wait = await self.refreshDue() {
                    if wait > .zero { try? await Task.sleep(for: wait) }
                    if Task.isCancelled { break }
                }
            }
        }
        await stop()
        try await fits.shutdownGracefully()
    }

    private func stop() {
        stopped = true
        for (_, list) in waiters { for waiter in list { waiter.reply.resume(throwing: PreferError.shuttingDown) } }
        waiters = [:]
    }

    /// Reads the new votes of the arenas asked about, then refreshes each
    /// stale leaderboard asked for lately whose `minimumInterval` has passed.
    /// Returns `.zero` to look again at once (something was refreshed, and
    /// votes may have come meanwhile), the time until the next throttled
    /// refresh is due, or nil when every leaderboard is fresh.
    private func refreshDue() async -> Duration? {
        let now = ContinuousClock.now
        let wanted = Set(lastRequest.filter { now - $0.value < keepFresh }.keys).union(waiters.keys)
        for arena in Set(wanted.map(\.arena)) where dirty.contains(arena) {
            do {
                try await sync(arena)
            } catch {
                logger.warning("Could not read new votes", metadata: ["arena": "\(arena)", "error": "\(error)"])
            }
        }
        var wait: Duration?
        var refreshed = false
        for key in wanted where !computing.contains(key) && votes[key.arena] != nil {
            let count = voteCount(arena: key.arena)
            // Up to date, or failed with these very votes: nothing to do until votes (or attributes) change.
            let upToDate = entries[key].map { isCurrent($0, key: key) } ?? true
            let failedHere = failedAt[key] == count && failedWithAttributes[key] == attributesVersion(key)
            if (entries[key]?.votesUsed == count && upToDate) || failedHere { continue }
            // Analyses (a mixture refit takes up to a minute on a million votes) and the heavy
            // variants (many fits each) share the one fit thread with the boards: they are
            // refreshed less often, so boards never wait long.
            let interval = key.variant.isAnalysis ? max(minimumInterval, Self.analysisInterval)
                : key.variant.isHeavy ? minimumInterval * Self.heavyRefreshFactor : minimumInterval
            if let last = lastRefresh[key], now - last < interval {
                let left = interval - (now - last)
                wait = min(wait ?? left, left)
                continue
            }
            await refresh(key)
            refreshed = true
        }
        // Active arenas drawn from lately: their pair tables.
        for arena in activePairs.wanted(within: keepFresh, now: now) {
            guard let index = try? await directory.index(id: arena), case .active = index.arena.samplingPolicy else { continue }
            if votes[arena] == nil || dirty.contains(arena) {
                do {
                    try await sync(arena)
                } catch {
                    logger.warning("Could not read new votes", metadata: ["arena": "\(arena)", "error": "\(error)"])
                }
            }
            let count = voteCount(arena: arena)
            let current = activePairs.prepared(arena)
            let sameShape = current?.indexVersion == index.version && current?.policy == index.arena.samplingPolicy
            if sameShape && current?.votesUsed == count { continue }
            if sameShape, pairsFailedAt[arena] == count { continue }
            // New votes wait for the interval; a new index or policy does not.
            if sameShape, let last = lastPairsRefresh[arena], now - last < minimumInterval {
                let left = minimumInterval - (now - last)
                wait = min(wait ?? left, left)
                continue
            }
            _ = try? await refreshPairs(arena: arena, index: index)
            refreshed = true
        }
        return refreshed ? .zero : wait
    }

    /// Makes `arena`'s pair table from the votes read so far, on the fits'
    /// thread, and installs it. The table is fitted on the votes the
    /// published board ranks (people's, without those the audit leaves out):
    /// the cached board's audit when there is one, else the audit run here.
    @discardableResult
    private func refreshPairs(arena: Int64, index: ArenaIndex) async throws -> ActivePairs.Prepared {
        lastPairsRefresh[arena] = .now
        let stored = votes[arena] ?? ArenaVotes()
        let read = stored.table.totalVotes
        let previous = activePairs.prepared(arena)?.sampler
        // The published board: people's votes, flagged voters left out, the whole board; the one with the most votes.
        let published = entries.filter { key, _ in
            key.arena == arena && key.variant == .plain && key.source == .human && !key.includeFlagged
        }.max { ($0.value.votesUsed, $0.key.rounds, $0.key.seed) < ($1.value.votesUsed, $1.key.rounds, $1.key.seed) }
        let board = published.map { ActivePairs.Board(kept: $0.value.kept, flaggedVoters: $0.value.flaggedVoters) }
        let seed = boardSeed
        do {
            let decided = try await decisions(arena)
            let prepared = try await fits.runIfActive {
                let table = ActivePairs.boardVotes(stored, board: board) { humans in
                    Self.audited(humans, table: humans.table, seed: seed, includeFlagged: false, decisions: decided)
                }
                return try ActivePairs.Prepared(index: index, table: table, votesRead: read, previous: previous)
            }
            pairsFailedAt[arena] = nil
            return activePairs.install(prepared, arena: arena)
        } catch {
            logger.error("active pair table failed", metadata: ["arena": "\(arena)", "error": "\(error)"])
            pairsFailedAt[arena] = read
            throw stopped ? PreferError.shuttingDown as any Error : error
        }
    }

    /// Called by the battle path of an active arena: keeps its pair table
    /// fresh from now on (a table missing, or made for another index or
    /// policy, is made at once). Never waits.
    nonisolated func activeArenaDrawn(_ arena: Int64, needsTable: Bool) {
        activePairs.drawn(arena)
        if needsTable { wake.yield() }
    }

    /// `arena`'s pair table made now from every vote stored so far: what a
    /// test awaits instead of polling for the background refresh.
    func freshPairs(arena: Int64) async throws -> ActivePairs.Prepared {
        activePairs.drawn(arena)
        try await sync(arena)
        guard let index = try await directory.index(id: arena) else { throw PreferError.unknownArena(String(arena)) }
        return try await refreshPairs(arena: arena, index: index)
    }

    // MARK: Requests

    /// Votes of `arena` read so far.
    func voteCount(arena: Int64) -> Int {
        votes[arena]?.table.totalVotes ?? 0
    }

    /// Votes of `arena` from `source` read so far.
    func voteCount(arena: Int64, source: VoteSourceFilter) -> Int {
        votes[arena]?.count(source) ?? 0
    }

    /// Stored votes of `source` per contender name (as read so far), before the audit.
    func votesByContender(arena: Int64, source: VoteSourceFilter = .human) -> [String: Int] {
        guard let table = votes[arena]?.only(source).table else { return [:] }
        var counts = [Int](repeating: 0, count: table.contenders.count)
        for (a, b) in zip(table.a, table.b) {
            counts[Int(a)] += 1
            counts[Int(b)] += 1
        }
        for candidate in table.kway.candidates { counts[Int(candidate)] += 1 }
        return Dictionary(uniqueKeysWithValues: zip(table.contenders, counts))
    }

    /// Called after votes are stored (here or, by the change feed, in
    /// another process): the service reads them and refreshes.
    func votesChanged(arena: Int64) {
        dirty.insert(arena)
        wake.yield()
    }

    /// Called when the change feed reports an arena deleted or votes
    /// imported in bulk: its votes are read again from the start.
    func arenaChanged(_ change: StoreChanges.ArenaChange) {
        switch change.kind {
        case .deleted, .votesImported:
            generation[change.arena, default: 0] += 1
            if change.kind == .votesImported, votes[change.arena] != nil {
                rereading.insert(change.arena)
            } else {
                votes[change.arena] = nil
            }
            if change.kind == .deleted {
                rereading.remove(change.arena)
                activePairs.forget(change.arena)
                entries = entries.filter { $0.key.arena != change.arena }
                lastRequest = lastRequest.filter { $0.key.arena != change.arena }
            }
            votesChanged(arena: change.arena)
        case .decisions:
            decisionsChanged(arena: change.arena)
        case .attributes:
            attributesChanged(change)
        case .created, .contents:
            break
        }
    }

    /// Called after an admin decided about an annotator: the boards of the
    /// arena are computed again on their next request.
    func decisionsChanged(arena: Int64) {
        decisions[arena] = nil
        decisionVersion[arena, default: 0] += 1
        entries = entries.filter { $0.key.arena != arena }
        votesChanged(arena: arena)
    }

    /// Whether `voter` has votes of `arena` among those read so far. O(voters).
    func hasVoted(arena: Int64, voter: String) -> Bool {
        guard let table = votes[arena]?.table else { return false }
        return table.voters?.values.contains(voter) == true || table.kway.voters?.values.contains(voter) == true
    }

    /// People's votes of `arena` read so far (nil before the first read).
    func peoplesVotes(arena: Int64) -> VoteTable? {
        votes[arena]?.only(.human).table
    }

    /// The least time between two background refreshes of an analysis (mixture, cycles, items).
    static let analysisInterval: Duration = .seconds(30)

    /// Drops the cached boards whose key matches (computed again on their next request).
    func forgetEntries(where matches: (Key) -> Bool) {
        entries = entries.filter { !matches($0.key) }
    }

    /// Drops a deleted arena.
    func forget(arena: Int64) {
        activePairs.forget(arena)
        votes[arena] = nil
        generation[arena, default: 0] += 1
        decisions[arena] = nil
        attributeVersions[arena] = nil
        dirty.remove(arena)
        rereading.remove(arena)
        entries = entries.filter { $0.key.arena != arena }
    }

    /// The leaderboard of `arena` with `rounds` bootstrap rounds and `seed`,
    /// and whether votes stored since are not yet in it.
    func leaderboard(
        arena: Int64, rounds: Int, seed: UInt64, includeFlagged: Bool, source: VoteSourceFilter = .human,
        variant: Variant = .plain, judges: [String]? = nil
    ) async throws -> (Entry, stale: Bool) {
        let key = Key(arena: arena, rounds: rounds, seed: seed, includeFlagged: includeFlagged, source: source,
                      judges: source == .human ? nil : judges, variant: variant)
        lastRequest[key] = .now
        if rereading.contains(arena) {
            // The service reads them; this request is answered from what is held.
            wake.yield()
        } else if votes[arena] == nil || dirty.contains(arena) {
            try await sync(arena)
        }
        let count = voteCount(arena: arena)
        if let entry = entries[key] {
            let stale = entry.votesUsed != count || !isCurrent(entry, key: key) || rereading.contains(arena)
            if stale { wake.yield() }
            return (entry, stale)
        }
        // No board yet: one holding the votes just read. (While this request read
        // them, the service may have fitted the key on none — that board is not
        // an answer to the first request.)
        let entry = try await computed(key, votes: count)
        return (entry, entry.votesUsed != voteCount(arena: arena))
    }

    /// The leaderboard once it holds at least `votes` votes — read when this
    /// server or the change feed reports them: what a test awaits instead of
    /// polling for a refresh.
    func computed(
        arena: Int64, rounds: Int, seed: UInt64, includeFlagged: Bool = false, source: VoteSourceFilter = .human,
        variant: Variant = .plain, judges: [String]? = nil, votes: Int
    ) async throws -> Entry {
        let key = Key(arena: arena, rounds: rounds, seed: seed, includeFlagged: includeFlagged, source: source,
                      judges: source == .human ? nil : judges, variant: variant)
        lastRequest[key] = .now
        return try await computed(key, votes: votes)
    }

    /// The leaderboard once it holds every vote stored so far (read from the
    /// store now).
    func fresh(arena: Int64, rounds: Int, seed: UInt64, includeFlagged: Bool = false, variant: Variant = .plain) async throws -> Entry {
        let key = Key(arena: arena, rounds: rounds, seed: seed, includeFlagged: includeFlagged, variant: variant)
        lastRequest[key] = .now
        try await sync(arena)
        return try await computed(key, votes: voteCount(arena: arena))
    }

    /// An entry for `key` holding at least `votes` votes: the cached one, or
    /// the next computation's — started here when none is under way.
    private func computed(_ key: Key, votes needed: Int) async throws -> Entry {
        if let entry = entries[key], entry.votesUsed >= needed, isCurrent(entry, key: key) { return entry }
        guard !stopped else { throw PreferError.shuttingDown }
        if computing.contains(key) || entries[key] != nil {
            // The service computes it (at once, or when the interval allows).
            return try await withCheckedThrowingContinuation { reply in
                waiters[key, default: []].append((needed, reply))
                wake.yield()
            }
        }
        let entry = try await refresh(key).get()
        if entry.votesUsed >= needed && isCurrent(entry, key: key) { return entry }
        return try await withCheckedThrowingContinuation { reply in
            waiters[key, default: []].append((needed, reply))
            wake.yield()
        }
    }

    // MARK: Reading votes and fitting

    /// Reads the votes of `arena` stored since the last read.
    /// The read runs off the actor (`ArenaVotes.sync` is nonisolated), so
    /// requests are answered while a long one goes on.
    private func sync(_ arena: Int64) async throws {
        dirty.remove(arena)
        let started = generation[arena, default: 0]
        let fromStart = rereading.contains(arena)
        var current = fromStart ? ArenaVotes() : votes[arena] ?? ArenaVotes()
        do {
            _ = try await current.sync(arena: arena, store: store, directory: directory)
            _ = try await decisions(arena)
        } catch {
            dirty.insert(arena)  // read again at the next refresh
            throw error
        }
        // Keep the longer of two reads that overlapped (both are prefixes of
        // the arena's votes in id order); drop one that began before a reset.
        guard generation[arena, default: 0] == started else { return }
        if fromStart {
            rereading.remove(arena)
        } else {
            guard current.lastId >= votes[arena]?.lastId ?? 0, current.lastKWayId >= votes[arena]?.lastKWayId ?? 0 else { return }
        }
        votes[arena] = current
    }

    /// Measures the style features of the text outputs `votes` shows that are not measured yet.
    private func measure(_ votes: ArenaVotes, arena: Int64) async throws {
        let missing = votes.unmeasured(measures)
        guard !missing.isEmpty else { return }
        var index = try await directory.index(id: arena)
        if missing.contains(where: { index?.outputs[$0] == nil }) { index = try await directory.reload(arena) }
        for id in missing {
            guard let output = index?.outputs[id], output.media == .text else { continue }
            measures[id] = StyleFeature.textFeatures.measure(output.content)
        }
    }

    /// The admins' decisions about `arena`'s annotators, read from the store
    /// when not held (and kept only if no decision was made meanwhile).
    private func decisions(_ arena: Int64) async throws -> [VoterDecision] {
        if let held = decisions[arena] { return held }
        let version = decisionVersion[arena, default: 0]
        let read = try await store.voterDecisions(arena: arena)
        if decisionVersion[arena, default: 0] == version { decisions[arena] = read }
        return read
    }

    /// Computes `key`'s leaderboard from the votes read so far, on the fits'
    /// thread — again if an admin decided about an annotator meanwhile, so
    /// that no board computed before a decision is kept after it.
    @discardableResult
    private func refresh(_ key: Key) async -> Result<Entry, any Error> {
        computing.insert(key)
        lastRefresh[key] = .now
        var current: ArenaVotes
        var result: Result<Entry, any Error>
        var version: Int
        var attributesRead = 0
        repeat {
            version = decisionVersion[key.arena, default: 0]
            current = votes[key.arena] ?? ArenaVotes()
            do {
                let decided = try await decisions(key.arena)
                var measured: [Int64: [Double]]?
                if key.variant == .style {
                    try await measure(current, arena: key.arena)
                    measured = measures
                }
                let counted = current
                attributesRead = attributesVersion(key)
                let attributes = try await annotatorAttributes(for: key)
                var computed = try await fits.runIfActive { [measured] in
                    try Self.computeBoard(counted, key: key, decisions: decided, measures: measured, attributes: attributes)
                }
                computed.attributesRead = attributesRead
                result = .success(computed)
            } catch {
                // The pool is stopped (or not yet started) only outside the service's run.
                result = .failure(stopped ? PreferError.shuttingDown as any Error : error)
            }
        } while decisionVersion[key.arena, default: 0] != version && !stopped
        computing.remove(key)
        switch result {
        case .success(let entry):
            entries[key] = entry
            failedAt[key] = nil
            ServerMetrics.leaderboardsComputed.increment()
            var left: [(votes: Int, reply: CheckedContinuation<Entry, any Error>)] = []
            // An annotator changed an attribute the board reads while it was computed: waiters wait for the next computation.
            let upToDate = isCurrent(entry, key: key)
            for waiter in waiters.removeValue(forKey: key) ?? [] {
                if entry.votesUsed >= waiter.votes && upToDate { waiter.reply.resume(returning: entry) } else { left.append(waiter) }
            }
            // Waiters for more votes than read so far (or newer attributes) wait for the next read.
            if !left.isEmpty { waiters[key] = left }
        case .failure(let error):
            logger.error("leaderboard refresh failed", metadata: ["arena": "\(key.arena)", "error": "\(error)"])
            failedAt[key] = current.table.totalVotes
            failedWithAttributes[key] = attributesRead
            for waiter in waiters.removeValue(forKey: key) ?? [] { waiter.reply.resume(throwing: error) }
        }
        return result
    }

    /// The leaderboard of the stored votes: when the votes carry voters, the
    /// audit runs first and (unless `includeFlagged`) the flagged voters'
    /// votes are left out, with each contender's `audit_shift` saying how far
    /// that moved its rating.
    static func compute(
        _ stored: ArenaVotes, key: Key, decisions: [VoterDecision] = [], measures: [Int64: [Double]]? = nil
    ) throws -> Leaderboard {
        try computeBoard(stored, key: key, decisions: decisions, measures: measures).board
    }

    /// `compute` as the cache keeps it: the board with, for a slice, the
    /// slice's summary, the whole audit report (for the audit page and `GET
    /// /api/arenas/{arena}/audit`), which the board keeps only the summary
    /// of, and what each variant adds.
    static func computeBoard(
        _ stored: ArenaVotes, key: Key, decisions: [VoterDecision] = [], measures: [Int64: [Double]]? = nil,
        attributes: [String: [String: String]]? = nil
    ) throws -> Entry {
        let votesUsed = stored.table.totalVotes
        // `votesUsed` counts every vote read; the board, those of its source.
        let votes = stored.only(key.source, judges: key.judges.map(Set.init))
        var kwayCategory: String?
        if case .slice("category", let value) = key.variant, !votes.table.kway.isEmpty { kwayCategory = value }
        let table: VoteTable
        if let fields = key.variant.attributeFields(attributes) {
            // The attributes as columns of the votes, joined by voter (never a cookie or token).
            table = votes.table.withAnnotatorAttributes(fields, attributes ?? [:])
        } else {
            table = key.variant == .plain ? votes.table : votes.enriched(measures: measures, kwayCategory: kwayCategory)
        }
        guard table.totalVotes > 0 else {
            if key.source == .judge {
                return Entry(board: .empty("No AI judge's votes yet: run a judge on this arena (POST /api/arenas/{arena}/judge-runs) and its board appears."), votesUsed: votesUsed, computedAt: Date())
            }
            return Entry(board: .empty("No votes yet: vote on a few battles and the leaderboard appears."), votesUsed: votesUsed, computedAt: Date())
        }
        let options = LeaderboardOptions(
            intervals: key.rounds >= 2 ? .bootstrap(rounds: key.rounds, seed: key.seed) : .none,
            onlineElo: OnlineElo(),
            // The pages draw the pairwise heatmap from these; O(n²), small beside the bootstrap.
            matrices: true
        )
        let audited = Self.audited(votes, table: table, seed: key.seed, includeFlagged: key.includeFlagged, decisions: decisions)
        let ranked = audited.ranked
        let audit = audited.audit
        var problems = audited.problems
        let fallback = audited.fallback
        if key.variant.isAnalysis {
            // Every voter counts in these, the audit's flagged ones too (counted per type in the mixture).
            let analysis = try Self.analysis(
                table, variant: key.variant, flagged: audit?.flaggedVoters, seed: key.seed,
                attributes: key.variant.attributeFields(attributes) ?? [])
            return Entry(board: .empty("An analysis, not a board."), votesUsed: votesUsed, computedAt: Date(), audit: audit?.report, analysis: analysis)
        }
        var (board, slice) = (Leaderboard.empty(""), SliceBoard?.none)
        var group: GroupView?
        var groupReport: SliceReport.Groups?
        var weighting: SliceReport.Weighting?
        var report: SliceReport?
        if case .weighted = key.variant {
            (board, slice, weighting) = try Self.weightedBoard(ranked, variant: key.variant, options: options)
        } else if key.variant.groupField != nil {
            (board, slice, group, groupReport) = try Self.groupBoard(ranked, variant: key.variant, options: options)
        } else if key.variant.isHeavy {
            (board, report) = try Self.modelsBoard(ranked, variant: key.variant, options: options)
        } else {
            (board, slice) = try Self.board(ranked, variant: key.variant, options: options)
        }
        if let fallback { board.warnings.append(fallback) }
        if table.hasKWayVotes {
            problems.append("The vote audit covers pairwise votes only: the \(table.kway.count) K-way vote\(table.kway.count == 1 ? " is" : "s are") ranked unaudited.")
        }
        if let audit {
            board.audit = audit.report.summary
            if !key.includeFlagged, fallback == nil, key.variant == .plain {
                do {
                    AuditShift.annotate(&board, with: try AuditShift.compute(table, keep: audit.keep, estimator: options.estimator))
                } catch {
                    problems.append("How far the audit moved each rating could not be computed (\(error)); audit_shift is left out.")
                }
            }
        }
        board.warnings += problems
        if slice != nil { slice?.board = nil }
        return Entry(
            board: board, slice: slice, votesUsed: votesUsed, computedAt: Date(), audit: audit?.report, group: group,
            groupReport: groupReport, weighting: weighting, report: report, kept: audited.kept, flaggedVoters: audited.flaggedVoters)
    }

    /// What a board ranks of `table` (the votes of `votes`, perhaps
    /// enriched): when the votes carry voters, the audit runs and, unless
    /// `includeFlagged`, the votes it removes (flagged voters, after the
    /// admins' `decisions`) are left out — but never all of them.
    static func audited(
        _ votes: ArenaVotes, table: VoteTable, seed: UInt64, includeFlagged: Bool, decisions: [VoterDecision]
    ) -> (ranked: VoteTable, audit: VoteAudit.Result?, kept: [Bool]?, flaggedVoters: Set<String>, fallback: String?, problems: [String]) {
        guard table.voters != nil else { return (table, nil, nil, [], nil, []) }
        var inputs = AuditInputs(table: table)
        inputs.characters = votes.characters
        var auditOptions = AuditOptions()
        auditOptions.downsampler?.seed = seed
        let screening: VoteAudit.Screening
        do {
            screening = try VoteAudit(options: auditOptions).screen(table, inputs: inputs, decisions: decisions, includeFlagged: includeFlagged)
        } catch {
            // Never hidden: the board then counts every vote, and says why.
            return (table, nil, nil, [], nil, ["The vote audit could not run (\(error)); this leaderboard counts every vote."])
        }
        // Never an empty leaderboard from stored votes: rank them all and say so.
        let fallback = screening.rankedAll
            ? "The audit flagged every voter, so this leaderboard keeps all \(table.count) votes rather than none (the audit's findings are in the JSON's audit field)."
            : nil
        return (screening.ranked, screening.result, screening.kept, screening.leftOut, fallback, [])
    }

    /// The board of `variant` on the votes to rank — through the code paths
    /// `prefer rank` takes: `LeaderboardBuilder`, `StyleControl` (as
    /// `--style-control` does on measured texts), `FieldSlicer` or
    /// `CriteriaSlicer` then `SliceRanker` (as `--by` does for each slice).
    static func board(_ ranked: VoteTable, variant: Variant, options: LeaderboardOptions) throws -> (Leaderboard, SliceBoard?) {
        switch variant {
        case .plain:
            return (try LeaderboardBuilder(options: options).build(ranked), nil)
        case .style:
            do {
                let control = StyleControl(features: StyleFeature.fromTexts(fieldA: "text_a", fieldB: "text_b"))
                return (try control.build(ranked, options: options), nil)
            } catch {
                throw PreferError.badRequest("Style control cannot rank these votes: \(error.message)", field: "style")
            }
        case .group, .groups, .weighted, .mixture, .cycles, .items:
            throw PreferError.badRequest("A group's board is made by groupBoard; an analysis by analysis.")
        case .trajectory, .pareto:
            return (try modelsBoard(ranked, variant: variant, options: options).board, nil)
        case .slice(let field, let value):
            var slice: VoteSlice?
            if field == "criterion" {
                do {
                    slice = try CriteriaSlicer.slice(ranked, criterion: value)
                } catch {
                    throw PreferError.badRequest(error.message, field: "slice")
                }
            } else {
                slice = FieldSlicer.slice(ranked, field: field, value: value)
                // K-way votes of the category are already the only ones in `ranked`.
                if slice == nil && ranked.hasKWayVotes { slice = VoteSlice(field: field, value: value, rows: []) }
            }
            guard let slice else {
                return (.empty("No votes in \(field) \"\(value)\" yet."), SliceBoard(
                    field: field, value: value, votes: 0, voters: nil, small: true, medianVotes: 0,
                    intervalWidthRatio: nil, notes: ["No votes in this slice yet."], board: nil))
            }
            var ranker = SliceRanker(builder: LeaderboardBuilder(options: options))
            ranker.provisionalVotes = 50
            var sliced = ranker.rank(ranked, slice).board
            // A slice listing its K-way votes (a criterion's picks) counts them; else all are in.
            sliced.votes = slice.count + (slice.kwayRows == nil ? ranked.kway.count : 0)
            let board = sliced.board ?? .empty("This slice could not be ranked: " + sliced.notes.joined(separator: " "))
            return (board, sliced)
        }
    }
}
