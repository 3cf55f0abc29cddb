import PreferCore
import PreferCore

// Leaderboards, served from `LeaderboardCache`.

extension PreferAPI {
    /// `GET /api/arenas/{arena}/leaderboard?bootstrap=N&seed=S&include_flagged=B&source=human|judge|all`.
    func leaderboard(_ input: Operations.Leaderboard.Input) async throws -> Operations.Leaderboard.Output {
        let index = try await services.directory.index(input.path.arena)
        let arena = index.arena
        try ArenaAccess.requireReader(arena, RequestScope.identity)
        var rounds = services.configuration.leaderboardRounds
        if let n = input.query.bootstrap {
            guard n == 0 || (2...10_000).contains(n) else {
                throw PreferError.invalidField("bootstrap", "bootstrap must be 0 (no intervals) or 2 to 10000 rounds; got \(n).")
            }
            rounds = n
        }
        var seed = services.configuration.leaderboardSeed
        if let s = input.query.seed {
            guard s >= 0 else { throw PreferError.invalidField("seed", "seed must be a non-negative integer; got \(s).") }
            seed = UInt64(s)
        }
        // People's votes unless asked: a judge's never enter the people's board silently.
        let source = VoteSourceFilter(rawValue: input.query.source?.rawValue ?? "human") ?? .human
        let (entry, stale) = try await services.leaderboards.leaderboard(
            arena: arena.id, rounds: rounds, seed: seed, includeFlagged: input.query.includeFlagged ?? false, source: source)
        let total = await services.leaderboards.voteCount(arena: arena.id, source: source)
        return .ok(.init(body: .json(LeaderboardDocument(
            arena: index, board: entry.board, computedAt: entry.computedAt, votesTotal: total, stale: stale))))
    }
}

