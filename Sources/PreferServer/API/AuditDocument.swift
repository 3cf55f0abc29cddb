import Foundation
import PreferCore

/// The body of `GET /api/arenas/{arena}/audit`: the vote audit the arena's
/// leaderboard applied — PreferCore's `AuditReport` (the `prefer audit
/// --format json` contract: `voters`, `groups`, `summary`, `signals`) —
/// plus what only the server knows: the admins' decisions about annotators,
/// and the effect of leaving the flagged and excluded annotators out (each
/// contender's rank and rating with every vote and as published). The
/// document's `AuditReport` schema names this type (`typeOverrides`), so the
/// generated handler encodes it as is; the audit page renders the same value.
struct AuditDocument: Codable, Hashable, Sendable {
    /// One contender with and without the left-out annotators.
    struct EffectRow: Codable, Hashable, Sendable {
        var name: String
        /// Rank and rating as published (audit and decisions applied); absent
        /// when every vote of the contender was left out.
        var rank: Int?
        var rating: Double?
        /// Rank and rating from every vote.
        var rankAllVotes: Int?
        var ratingAllVotes: Double?
        /// Places gained by leaving the annotators out (positive: moved up).
        var rankChange: Int?
        /// Published rating minus the rating from every vote (`audit_shift`).
        var ratingChange: Double?

        enum CodingKeys: String, CodingKey {
            case name, rank, rating
            case rankAllVotes = "rank_all_votes"
            case ratingAllVotes = "rating_all_votes"
            case rankChange = "rank_change"
            case ratingChange = "rating_change"
        }
    }

    struct Effect: Codable, Hashable, Sendable {
        /// Votes the published board counts.
        var votesCounted: Int
        /// Votes stored when the boards were computed.
        var votesAll: Int
        var contenders: [EffectRow]

        enum CodingKeys: String, CodingKey {
            case votesCounted = "votes_counted"
            case votesAll = "votes_all"
            case contenders
        }
    }

    var arena: String
    /// Whether the audit ran: false when no vote carries a voter (then `note` says why).
    var available: Bool
    var note: String?
    /// The voters listed: "flagged" (flagged by the audit or decided about by
    /// an admin; the default) or "all".
    var votersListed: String
    var voters: [AuditReport.Voter]
    var groups: [AuditReport.Group]
    var summary: AuditReport.Summary?
    var signals: [String: String]
    var decisions: [Components.Schemas.VoterDecision]
    var effect: Effect
    var computedAt: Date
    /// Votes stored now; `summary.votes` is how many the audit read.
    var votesTotal: Int
    /// Votes stored since the audit ran are not in it yet (a refresh is under way).
    var stale: Bool

    enum CodingKeys: String, CodingKey {
        case arena, available, note, voters, groups, summary, signals, decisions, effect, stale
        case votersListed = "voters_listed"
        case computedAt = "computed_at"
        case votesTotal = "votes_total"
    }

    /// The decision an admin made about `voter`, if any.
    func decision(_ voter: String) -> Components.Schemas.VoterDecision? {
        decisions.last { $0.voter == voter }
    }
}
