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

    init(choice: String, clientVoteId: String? = nil, criteria: [String: String]? = nil, rationale: String? = nil,
         timeToVoteMs: Int? = nil, leftPlayedMs: Int? = nil, rightPlayedMs: Int? = nil) {
        self.choice = choice
        self.clientVoteId = clientVoteId
        self.criteria = criteria
        self.rationale = rationale
        self.timeToVoteMs = timeToVoteMs
        self.leftPlayedMs = leftPlayedMs
        self.rightPlayedMs = rightPlayedMs
    }

    static func read(_ object: [String: Any]) throws -> VoteRequest? {
        VoteRequest(
            choice: try RequestDecoding.string(object, "choice", required: true)!,
            clientVoteId: try RequestDecoding.string(object, "client_vote_id"),
            criteria: try RequestDecoding.stringMap(object, "criteria"),
            rationale: try RequestDecoding.string(object, "rationale"),
            timeToVoteMs: try RequestDecoding.integer(object, "time_to_vote_ms"),
            leftPlayedMs: try RequestDecoding.integer(object, "left_played_ms"),
            rightPlayedMs: try RequestDecoding.integer(object, "right_played_ms")
        )
    }
}
