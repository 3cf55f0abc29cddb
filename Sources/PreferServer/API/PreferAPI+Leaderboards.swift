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
        let index = try await services.directory.index(input.path.arena)
        var variant = try Self.variant(style: input.query.style ?? false, slice: input.query.slice, index: index)
        if let group = input.query.group {
            if variant != .plain { throw PreferError.invalidField("group", "Ask for a group, a slice or style=true, one at a time.") }
            variant = try await groupVariant(group, index: index)
        }
        if let weights = input.query.weights {
            if variant != .plain { throw PreferError.invalidField("weights", "Ask for weights, a group, a slice or style=true, one at a time.") }
            variant = try await weightsVariant(weights, index: index)
        }
        let board = try await cachedBoard(
            index, rounds: rounds, seed: seed, includeFlagged: input.query.includeFlagged ?? false, source: source,
            variant: variant)
        return .ok(.init(body: .json(board.document)))
    }

    /// A board from the cache, as served to whoever is asking (who must be
    /// allowed to read the arena's board).
    func cachedBoard(
        _ index: ArenaIndex, rounds: Int, seed: UInt64, includeFlagged: Bool, source: VoteSourceFilter,
        variant: LeaderboardCache.Variant
    ) async throws -> (document: LeaderboardDocument, stamp: LeaderboardBytes.Stamp, index: ArenaIndex) {
        try ArenaAccess.requireReader(index.arena, RequestScope.identity)
        // Both kinds of votes: people's, and the validated judges' only.
        let judges = source == .all ? try await services.judges.boardJudges(arena: index.arena) : nil
        let (entry, stale) = try await services.leaderboards.leaderboard(
            arena: index.arena.id, rounds: rounds, seed: seed, includeFlagged: includeFlagged, source: source,
            variant: variant, judges: judges?.voters)
        let total = await services.leaderboards.voteCount(arena: index.arena.id, source: source)
        var document = LeaderboardDocument(
            arena: index, board: entry.board, computedAt: entry.computedAt, votesTotal: total, stale: stale)
        document.judges = judges?.document
        document.slice = entry.slice.map(LeaderboardDocument.Slice.init)
        document.group = entry.group
        document.weighting = entry.weighting.map(LeaderboardDocument.Weighting.init)
        let stamp = LeaderboardBytes.Stamp(indexVersion: index.version, computedAt: entry.computedAt, votesUsed: entry.votesUsed)
        return (document, stamp, index)
    }

    /// The leaderboard as everyone asks for it — no query, so the server's
    /// default rounds and seed, people's votes, flagged voters left out — served from bytes
    /// encoded once per computed board (`LeaderboardBytes`) instead of by the
    /// generated handler, which encodes the whole board per request. Any
    /// other request (a query, an unusual `Accept`, an escaped arena name)
    /// is passed on to the generated handler; both write the same
    /// bytes, as a test checks. Registered by `OperationRouter` in the same
    /// route group, so it is authenticated as the document says.
    func leaderboardShortcut(_ request: HTTPRequest, _ body: HTTPBody?, _ metadata: ServerRequestMetadata) async throws -> OperationRouter.ShortcutAnswer {
        guard let path = request.path, !Self.has(path, "?"),
            let reference = metadata.pathParameters["arena"], !Self.has(reference, "%")
        else { return .passed(body) }
        if let accept = request.headerFields[.accept], accept != "*/*", accept != "application/json" { return .passed(body) }
        let board = try await cachedBoard(
            try await services.directory.index(String(reference)), rounds: services.configuration.leaderboardRounds,
            seed: services.configuration.leaderboardSeed, includeFlagged: false, source: .human, variant: .plain)
        guard let bytes = services.leaderboardBytes.body(
            arena: board.index.arena.id, stamp: board.stamp, document: board.document,
            votesTotal: board.document.votesTotal, stale: board.document.stale)
        else { return .passed(body) }
        var response = HTTPResponse(status: .ok)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        return .answered(response, HTTPBody(bytes))
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
