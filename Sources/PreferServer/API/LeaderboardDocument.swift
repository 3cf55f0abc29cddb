import Foundation
import PreferCore

/// The body of `GET /api/arenas/{arena}/leaderboard`: the `prefer rank
/// --format json` contract (PreferCore's `Leaderboard`, without the pair
/// matrices) plus what only the server knows — the arena, when the board was
/// computed, how many votes are stored now and whether a refresh is under
/// way. The document's `Leaderboard` schema names this type
/// (`typeOverrides`), so the generated handler encodes it as is.
struct LeaderboardDocument: Codable, Hashable, Sendable {
    var arena: String
    var contenders: [Leaderboard.Entry]
    var method: Leaderboard.Method
    var warnings: [String]
    /// What the vote audit removed (absent when the votes carry no voters).
    var audit: AuditReport.Summary?
    var computedAt: Date
    /// Votes stored now; `method.votes` is how many the ratings used.
    var votesTotal: Int
    /// Votes stored since the board was computed are not in it yet, and a
    /// refresh that will add them is under way.
    var stale: Bool

    enum CodingKeys: String, CodingKey {
        case arena, contenders, method, warnings, audit, stale
        case computedAt = "computed_at"
        case votesTotal = "votes_total"
    }

    /// The board of `arena` as served: hidden contenders left out (their
    /// votes still count for the others), retired ones marked.
    init(arena index: ArenaIndex, board: Leaderboard, computedAt: Date, votesTotal: Int, stale: Bool) {
        self.init(arena: index.arena.name, board: index.shown(board), computedAt: computedAt, votesTotal: votesTotal, stale: stale)
    }

    init(arena: String, board: Leaderboard, computedAt: Date, votesTotal: Int, stale: Bool) {
        self.arena = arena
        contenders = board.contenders
        method = board.method
        warnings = board.warnings
        audit = board.audit
        self.computedAt = computedAt
        self.votesTotal = votesTotal
        self.stale = stale
    }
}
