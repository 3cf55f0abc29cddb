import Foundation
import HTTPTypes
import OpenAPIRuntime
import PreferCore

// Leaderboards, served from `LeaderboardCache`.

extension PreferAPI {
    /// `GET /api/arenas/{arena}/leaderboard?bootstrap=N&seed=S&include_flagged=B&source=human|judge|all`.
    func leaderboard(_ input: Operations.Leaderboard.Input) async throws -> Operations.Leaderboard.Output {
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
        let board = try await cachedBoard(
            input.path.arena, rounds: rounds, seed: seed, includeFlagged: input.query.includeFlagged ?? false, source: source)
        return .ok(.init(body: .json(board.document)))
    }

    /// A board from the cache, as served to whoever is asking (who must be
    /// allowed to read the arena's board).
    private func cachedBoard(
        _ reference: String, rounds: Int, seed: UInt64, includeFlagged: Bool, source: VoteSourceFilter
    ) async throws -> (document: LeaderboardDocument, stamp: LeaderboardBytes.Stamp, index: ArenaIndex) {
        let index = try await services.directory.index(reference)
        try ArenaAccess.requireReader(index.arena, RequestScope.identity)
        let (entry, stale) = try await services.leaderboards.leaderboard(
            arena: index.arena.id, rounds: rounds, seed: seed, includeFlagged: includeFlagged, source: source)
        let total = await services.leaderboards.voteCount(arena: index.arena.id, source: source)
        let document = LeaderboardDocument(
            arena: index, board: entry.board, computedAt: entry.computedAt, votesTotal: total, stale: stale)
        let stamp = LeaderboardBytes.Stamp(indexVersion: index.version, computedAt: entry.computedAt, votesUsed: entry.votesUsed)
        return (document, stamp, index)
    }

    /// The leaderboard as everyone asks for it — no query, so the server's
    /// default rounds and seed, people's votes, flagged voters left out — served from bytes
    /// encoded once per computed board (`LeaderboardBytes`) instead of by the
    /// generated handler, which encodes the whole board per request. Any
    /// other request (a query, an unusual `Accept`, an escaped arena name)
    /// returns nil and goes to the generated handler; both write the same
    /// bytes, as a test checks. Registered by `OperationRouter` in the same
    /// route group, so it is authenticated as the document says.
    func leaderboardShortcut(_ request: HTTPRequest, _ metadata: ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)? {
        guard let path = request.path, !path.contains("?"),
            let reference = metadata.pathParameters["arena"], !reference.contains("%")
        else { return nil }
        if let accept = request.headerFields[.accept], accept != "*/*", accept != "application/json" { return nil }
        let board = try await cachedBoard(
            String(reference), rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed,
            includeFlagged: false, source: .human)
        let body = try services.leaderboardBytes.body(
            arena: board.index.arena.id, stamp: board.stamp, document: board.document,
            votesTotal: board.document.votesTotal, stale: board.document.stale)
        var response = HTTPResponse(status: .ok)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        return (response, HTTPBody(body))
    }
}
