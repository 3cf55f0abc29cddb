import Foundation
import OpenAPIRuntime
import PreferCore

// Ratings over time and the Pareto view across criteria, served from
// `LeaderboardCache` like the other boards of an arena's votes.

extension PreferAPI {
    /// `GET /api/arenas/{arena}/trajectory?every=SPAN&window=SPAN&bootstrap=N&seed=S&include_flagged=B&source=…`.
    func trajectory(_ input: Operations.Trajectory.Input) async throws -> Operations.Trajectory.Output {
        let (rounds, seed) = try boardParameters(bootstrap: input.query.bootstrap, seed: input.query.seed)
        let source = VoteSourceFilter(rawValue: input.query.source?.rawValue ?? "human") ?? .human
        let index = try await services.directory.index(input.path.arena)
        try ArenaAccess.requireReader(index.arena, RequestScope.identity)
        let variant = try Self.trajectoryVariant(every: input.query.every, window: input.query.window, index: index)
        let (entry, stale) = try await services.leaderboards.leaderboard(
            arena: index.arena.id, rounds: rounds, seed: seed, includeFlagged: input.query.includeFlagged ?? false,
            source: source, variant: variant)
        let total = await services.leaderboards.voteCount(arena: index.arena.id, source: source)
        let document = TrajectoryDocument(
            arena: index, trajectory: entry.report?.trajectory, warnings: entry.board.warnings,
            computedAt: entry.computedAt, votesTotal: total, stale: stale)
        return .ok(.init(body: .json(document)))
    }

    /// `GET /api/arenas/{arena}/pareto?bootstrap=N&seed=S&include_flagged=B&source=…`.
    func pareto(_ input: Operations.Pareto.Input) async throws -> Operations.Pareto.Output {
        let (rounds, seed) = try boardParameters(bootstrap: input.query.bootstrap, seed: input.query.seed)
        let source = VoteSourceFilter(rawValue: input.query.source?.rawValue ?? "human") ?? .human
        let index = try await services.directory.index(input.path.arena)
        try ArenaAccess.requireReader(index.arena, RequestScope.identity)
        try Self.requireCriteria(index)
        let (entry, stale) = try await services.leaderboards.leaderboard(
            arena: index.arena.id, rounds: rounds, seed: seed, includeFlagged: input.query.includeFlagged ?? false,
            source: source, variant: .pareto)
        let total = await services.leaderboards.voteCount(arena: index.arena.id, source: source)
        let document = ParetoDocument(
            arena: index, report: entry.report ?? SliceReport(), warnings: entry.board.warnings,
            computedAt: entry.computedAt, votesTotal: total, stale: stale)
        return .ok(.init(body: .json(document)))
    }

    /// Bootstrap rounds and seed as the leaderboard takes them.
    func boardParameters(bootstrap: Int?, seed: Int64?) throws -> (rounds: Int, seed: UInt64) {
        var rounds = services.configuration.leaderboardRounds
        if let n = bootstrap {
            guard n == 0 || (2...10_000).contains(n) else {
                throw PreferError.invalidField("bootstrap", "bootstrap must be 0 (no intervals) or 2 to 10000 rounds; got \(n).")
            }
            rounds = n
        }
        var chosen = services.configuration.leaderboardSeed
        if let s = seed {
            guard s >= 0 else { throw PreferError.invalidField("seed", "seed must be a non-negative integer; got \(s).") }
            chosen = UInt64(s)
        }
        return (rounds, chosen)
    }

    /// The trajectory asked for: `every` a span or "auto" (the default),
    /// `window` a span; pairwise arenas (Bradley–Terry) and K-way arenas
    /// (Plackett–Luce) alike. How many points it gives is checked on the
    /// votes, when it is computed.
    static func trajectoryVariant(every: String?, window: String?, index: ArenaIndex) throws -> LeaderboardCache.Variant {
        let every = every ?? "auto"
        guard every == "auto" || TrajectorySpan(parsing: every) != nil else {
            throw PreferError.invalidField("every", "every takes auto or a span such as 12h, 1d, 1w or 10000votes; got \"\(every.prefix(100))\".")
        }
        if let window, TrajectorySpan(parsing: window) == nil {
            throw PreferError.invalidField("window", "window takes a span such as 7d, 4w or 50000votes; got \"\(window.prefix(100))\".")
        }
        return .trajectory(every: every, window: window)
    }

    /// The Pareto view compares boards per criterion: the arena must ask some.
    static func requireCriteria(_ index: ArenaIndex) throws {
        guard !index.arena.criteria.isEmpty else {
            throw PreferError.invalidField("arena", "This arena asks no criteria, so there is no board per criterion to compare. Give the arena criteria (PATCH /api/arenas/{arena} with \"criteria\") before votes come in.")
        }
    }
}
