import Foundation
import Logging
import PreferCore
import PreferStore
import CoreMetrics

/// Leaderboards computed from the stored votes, served from memory.
///
/// A request gets the latest computed leaderboard at once; if votes have
/// arrived since, a refresh starts in the background (at most one per
/// leaderboard at a time, and no more often than `minimumInterval`), so
/// reading a leaderboard never waits for a fit and never blocks voting. Only
/// the very first request for a leaderboard waits for its computation.
actor LeaderboardCache {
    struct Key: Hashable {
        var arena: Int64
        var rounds: Int
        var seed: UInt64
        /// Keep the votes of voters the audit flags.
        var includeFlagged: Bool
    }

    struct Entry: Sendable {
        var board: Leaderboard
        var votesUsed: Int
        var computedAt: Date
    }

    let store: any PreferStore
    let directory: ArenaDirectory
    let minimumInterval: Duration
    let logger: Logger
    private var votes: [Int64: ArenaVotes] = [:]
    /// Admins' decisions about annotators, per arena, read with the votes.
    private var decisions: [Int64: [VoterDecision]] = [:]
    private var dirty: Set<Int64> = []
    private var entries: [Key: Entry] = [:]
    private var refreshing: [Key: Task<Entry, any Error>] = [:]
    private var lastRefresh: [Key: ContinuousClock.Instant] = [:]

    init(store: any PreferStore, directory: ArenaDirectory, minimumInterval: Duration, logger: Logger) {
        self.store = store
        self.directory = directory
        self.minimumInterval = minimumInterval
        self.logger = logger
    }

    /// Votes of `arena` read so far.
    func voteCount(arena: Int64) -> Int {
        votes[arena]?.table.count ?? 0
    }

    /// Called after votes are stored: the next request refreshes.
    func votesChanged(arena: Int64) {
        dirty.insert(arena)
    }

    /// Called after an admin decided about an annotator: the boards of the
    /// arena are computed again on their next request.
    func decisionsChanged(arena: Int64) {
        decisions[arena] = nil
        entries = entries.filter { $0.key.arena != arena }
    }

    /// Drops a deleted arena.
    func forget(arena: Int64) {
        votes[arena] = nil
        decisions[arena] = nil
        dirty.remove(arena)
        entries = entries.filter { $0.key.arena != arena }
    }

    /// The leaderboard of `arena` with `rounds` bootstrap rounds and `seed`,
    /// and whether votes stored since are not yet in it.
    func leaderboard(arena: Int64, rounds: Int, seed: UInt64, includeFlagged: Bool) async throws -> (Entry, stale: Bool) {
        let key = Key(arena: arena, rounds: rounds, seed: seed, includeFlagged: includeFlagged)
        if votes[arena] == nil || dirty.contains(arena) {
            dirty.remove(arena)
            var current = votes[arena] ?? ArenaVotes()
            _ = try await current.sync(arena: arena, store: store, directory: directory)
            votes[arena] = current
        }
        if decisions[arena] == nil {
            decisions[arena] = try await store.voterDecisions(arena: arena)
        }
        let count = voteCount(arena: arena)
        if let entry = entries[key] {
            let stale = entry.votesUsed != count
            if stale && refreshing[key] == nil {
                let now = ContinuousClock.now
                if let last = lastRefresh[key], now - last < minimumInterval {
                    return (entry, true)
                }
                _ = startRefresh(key)
            }
            return (entry, stale)
        }
        let task = refreshing[key] ?? startRefresh(key)
        let entry = try await task.value
        return (entry, entry.votesUsed != voteCount(arena: arena))
    }

    private func startRefresh(_ key: Key) -> Task<Entry, any Error> {
        let current = votes[key.arena] ?? ArenaVotes()
        let decided = decisions[key.arena] ?? []
        lastRefresh[key] = .now
        let task = Task.detached(priority: .utility) { () throws -> Entry in
            let board = try Self.compute(current, key: key, decisions: decided)
            return Entry(board: board, votesUsed: current.table.count, computedAt: Date())
        }
        refreshing[key] = task
        Task {
            let result = await task.result
            self.finish(key, result)
        }
        return task
    }

    private func finish(_ key: Key, _ result: Result<Entry, any Error>) {
        refreshing[key] = nil
        switch result {
        case .success(let entry):
            entries[key] = entry
            ServerMetrics.leaderboardsComputed.increment()
        case .failure(let error):
            logger.error("leaderboard refresh failed", metadata: ["arena": "\(key.arena)", "error": "\(error)"])
        }
    }

    /// The leaderboard of the stored votes: when the votes carry voters, the
    /// audit runs first and (unless `includeFlagged`) the flagged voters'
    /// votes are left out, with each contender's `audit_shift` saying how far
    /// that moved its rating.
    static func compute(_ votes: ArenaVotes, key: Key, decisions: [VoterDecision] = []) throws -> Leaderboard {
        let table = votes.table
        guard !table.isEmpty else {
            return .empty("No votes yet: vote on a few battles and the leaderboard appears.")
        }
        let options = LeaderboardOptions(
            intervals: key.rounds >= 2 ? .bootstrap(rounds: key.rounds, seed: key.seed) : .none,
            onlineElo: OnlineElo(),
            // The pages draw the pairwise heatmap from these; O(n²), small beside the bootstrap.
            matrices: true
        )
        var ranked = table
        var audit: VoteAudit.Result?
        if table.voters != nil {
            var inputs = AuditInputs(table: table)
            inputs.characters = votes.characters
            var auditOptions = AuditOptions()
            auditOptions.downsampler?.seed = key.seed
            audit = try? VoteAudit(options: auditOptions).run(table, inputs: inputs)
            if var result = audit {
                result.keep = result.keep(table, applying: decisions)
                audit = result
                if !key.includeFlagged { ranked = result.cleaned(table) }
            }
        }
        var fallback: String?
        if ranked.isEmpty {
            // Never an empty leaderboard from stored votes: rank them all and say so.
            fallback = "The audit flagged every voter, so this leaderboard keeps all \(table.count) votes; see the audit summary."
            ranked = table
        }
        var board = try LeaderboardBuilder(options: options).build(ranked)
        if let fallback { board.warnings.append(fallback) }
        if let audit {
            board.audit = audit.report.summary
            if !key.includeFlagged, fallback == nil, let shifts = try? AuditShift.compute(table, keep: audit.keep, estimator: options.estimator) {
                AuditShift.annotate(&board, with: shifts)
            }
        }
        return board
    }
}
