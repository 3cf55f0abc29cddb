import Foundation
import Hummingbird
import PreferCore

/// `GET /api/arenas/{arena}/leaderboard?bootstrap=N&seed=S`: public, served
/// from `LeaderboardCache`.
struct LeaderboardController<Context: RequestContext> {
    let services: PreferServices

    func register(_ routes: RouteTable<Context>) {
        routes.on(.get, "/api/arenas/:arena/leaderboard", use: leaderboard)
    }

    /// The leaderboard's JSON: the `prefer rank --format json` contract
    /// (`LeaderboardCache.BoardMembers`, encoded when the board was computed)
    /// plus `arena`, `votes_total` (votes stored now) and `stale` (true when
    /// votes stored since are not in it yet: a refresh is under way).
    static func body(arena: String, entry: LeaderboardCache.Entry, votesTotal: Int, stale: Bool) -> String {
        "{\"arena\":\(JSONWriter.quoted(arena)),\(entry.json),\"stale\":\(stale),\"votes_total\":\(votesTotal)}"
    }

    struct Query {
        var rounds: Int
        var seed: UInt64
        var includeFlagged = false
    }

    func query(_ request: Request) throws -> Query {
        var query = Query(rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed)
        if let text = request.uri.queryParameters["bootstrap"] {
            guard let n = Int(text), n == 0 || (2...10_000).contains(n) else {
                throw APIError.invalidField("bootstrap", "bootstrap must be 0 (no intervals) or 2 to 10000 rounds; got \"\(text)\".")
            }
            query.rounds = n
        }
        if let text = request.uri.queryParameters["seed"] {
            guard let s = UInt64(text) else {
                throw APIError.invalidField("seed", "seed must be a non-negative integer; got \"\(text)\".")
            }
            query.seed = s
        }
        if let text = request.uri.queryParameters["include_flagged"] {
            guard let flag = Bool(String(text)) else {
                throw APIError.invalidField("include_flagged", "include_flagged must be true or false; got \"\(text)\".")
            }
            query.includeFlagged = flag
        }
        return query
    }

    @Sendable func leaderboard(_ request: Request, context: Context) async throws -> Response {
        let arena = try await services.directory.arena(context.parameters.require("arena"))
        let q = try query(request)
        let (entry, stale) = try await services.leaderboards.leaderboard(
            arena: arena.id, rounds: q.rounds, seed: q.seed, includeFlagged: q.includeFlagged)
        let total = await services.leaderboards.voteCount(arena: arena.id)
        return JSONResponse.text(
            Self.body(arena: arena.name, entry: entry, votesTotal: total, stale: stale), headers: [.cacheControl: "no-cache"])
    }
}
