import Foundation
import OpenAPIRuntime
import PreferCore

// The analyses of issue 12 on an arena's votes — mixture of preference
// types, intransitive cycles, contested items — served from
// `LeaderboardCache` as the CLI's JSON.

extension PreferAPI {
    /// `GET /api/arenas/{arena}/mixture`.
    func mixture(_ input: Operations.Mixture.Input) async throws -> Operations.Mixture.Output {
        let index = try await services.directory.index(input.path.arena)
        let minimum = try await services.attributes.minimumGroupSize(arena: index.arena.id)
        return .ok(.init(body: .json(try await analysis(index, .mixture(minimum: minimum)))))
    }

    /// `GET /api/arenas/{arena}/cycles?models=true|false`.
    func cycles(_ input: Operations.Cycles.Input) async throws -> Operations.Cycles.Output {
        let index = try await services.directory.index(input.path.arena)
        return .ok(.init(body: .json(try await analysis(index, .cycles(models: input.query.models ?? true)))))
    }

    /// `GET /api/arenas/{arena}/items`.
    func items(_ input: Operations.Items.Input) async throws -> Operations.Items.Output {
        let index = try await services.directory.index(input.path.arena)
        return .ok(.init(body: .json(try await analysis(index, .items))))
    }

    /// The analysis's JSON from the cache, for a reader of the arena's board.
    private func analysis(_ index: ArenaIndex, _ variant: LeaderboardCache.Variant) async throws -> OpenAPIObjectContainer {
        try ArenaAccess.requireReader(index.arena, RequestScope.identity)
        let data = try await services.leaderboards.analysis(
            arena: index.arena.id, variant: variant, seed: services.configuration.leaderboardSeed)
        return try JSONDecoder().decode(OpenAPIObjectContainer.self, from: data)
    }
}

extension LeaderboardCache {
    /// The analysis `variant` of `arena`'s people's votes (cached; computed
    /// on the fit thread the first time), as the CLI's JSON.
    func analysis(arena: Int64, variant: Variant, seed: UInt64) async throws -> Data {
        let (entry, _) = try await leaderboard(
            arena: arena, rounds: 0, seed: seed, includeFlagged: true, source: .human, variant: variant)
        guard let data = entry.analysis else {
            throw PreferError(.conflict, code: "not_enough_votes", "No votes yet: vote on a few battles and this analysis appears.")
        }
        return data
    }
}
