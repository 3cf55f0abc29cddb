import Logging
import PreferStore
import ServiceLifecycle
import CoreMetrics

/// Keeps this process's in-memory views — arenas (`ArenaDirectory`), votes
/// and leaderboards (`LeaderboardCache`), items' annotators
/// (`ItemCoverage`) — in step with what every process sharing the database
/// writes, by reading the store's change feed every `interval`.
///
/// Polling, not PostgreSQL's LISTEN/NOTIFY: one code path for both
/// databases (a second process on the same SQLite file converges too), no
/// connection held per replica, and nothing lost while a connection is down
/// (a notification sent then is gone; a cursor is not). Each poll is one
/// query that scans only what is new, so a short interval costs little.
/// A `Service`: it stops at graceful shutdown.
struct ChangeFollower: Service {
    let store: any PreferStore
    let directory: ArenaDirectory
    let leaderboards: LeaderboardCache
    let coverage: ItemCoverage
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var cursor: ChangeCursor?
            while !Task.isCancelled {
                do {
                    if let current = cursor {
                        let changes = try await store.changes(after: current)
                        await apply(changes)
                        cursor = changes.cursor
                    } else {
                        // Where the feed stands at start: what was written before is read on first use anyway.
                        cursor = try await store.changeCursor()
                    }
                } catch {
                    logger.warning("Could not read the store's change feed; trying again", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Brings the in-memory views up to date with `changes`.
    func apply(_ changes: StoreChanges) async {
        guard !changes.isEmpty else { return }
        ServerMetrics.changesRead.increment(by: changes.votes.count + changes.kwayVotes.count + changes.arenas.count)
        for change in changes.arenas {
            // Attributes are read from the store, not held by the arena's index.
            if change.kind != .attributes { await directory.forget(change.arena) }
            if change.kind == .deleted || change.kind == .votesImported { await coverage.forget(change.arena) }
            await leaderboards.arenaChanged(change)
        }
        for arena in changes.votes.keys {
            await leaderboards.votesChanged(arena: arena)
            await coverage.votesChanged(arena: arena)
        }
        // K-way votes: boards only (items' annotators count pairwise battles).
        for arena in changes.kwayVotes.keys where changes.votes[arena] == nil {
            await leaderboards.votesChanged(arena: arena)
        }
    }
}
