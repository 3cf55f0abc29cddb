import Foundation

/// `POST /api/battles/{battle}/vote`
struct VoteRequest: StrictRequestBody {
    static let fields = ["choice", "client_vote_id", "criteria", "rationale", "time_to_vote_ms", "left_played_ms", "right_played_ms"]
    var choice: String
    var clientVoteId: String?
    var criteria: [String: String]?
    var rationale: String?
    var timeToVoteMs: Int?
    var leftPlayedMs: Int?
    var rightPlayedMs: Int?
}
