import PreferCore

// Leaderboards, served from `LeaderboardCache`.

extension PreferAPI {
    /// `GET /api/arenas/{arena}/leaderboard?bootstrap=N&seed=S&include_flagged=B`.
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
        let variant = try Self.variant(style: input.query.style ?? false, slice: input.query.slice, index: index)
        let (entry, stale) = try await services.leaderboards.leaderboard(
            arena: arena.id, rounds: rounds, seed: seed, includeFlagged: input.query.includeFlagged ?? false, variant: variant)
        let total = await services.leaderboards.voteCount(arena: arena.id)
        var document = LeaderboardDocument(
            arena: index, board: entry.board, computedAt: entry.computedAt, votesTotal: total, stale: stale)
        document.slice = entry.slice.map(LeaderboardDocument.Slice.init)
        return .ok(.init(body: .json(document)))
    }

    /// The board asked for: `?style=true` (pairwise arenas), or
    /// `?slice=category:NAME` / `?slice=criterion:NAME` naming a category of
    /// the arena's prompts or one of its criteria.
    static func variant(style: Bool, slice: String?, index: ArenaIndex) throws -> LeaderboardCache.Variant {
        if style && slice != nil {
            throw PreferError.invalidField("slice", "Ask for style=true or for a slice, not both at once.")
        }
        if style {
            if index.isKWay {
                throw PreferError.invalidField("style", "Style control compares the two sides of pairwise votes; this arena's battles are \(index.k)-way. Leave style out.")
            }
            return .style
        }
        guard let slice else { return .plain }
        let categories = Set(index.prompts.values.compactMap(\.category)).sorted()
        let parts = slice.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["category", "criterion"].contains(parts[0]), !parts[1].isEmpty else {
            throw PreferError.invalidField("slice", "slice must be category:NAME or criterion:NAME; got \"\(slice.prefix(100))\".")
        }
        let (field, value) = (parts[0], parts[1])
        let known = field == "category" ? categories : index.arena.criteria
        guard known.contains(value) else {
            let list = known.isEmpty ? "this arena has none" : "this arena has " + known.prefix(50).joined(separator: ", ")
            throw PreferError.invalidField("slice", "No \(field) \"\(value.prefix(100))\": \(list).")
        }
        return .slice(field: field, value: value)
    }
}

