import Foundation

/// A vote as stored: which contenders were shown on which side, the choice,
/// and what the voter added.
public struct StoredVote: Sendable, Hashable, Codable {
    /// Where a vote came from.
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// Cast on a battle served by this server (page or API).
        case battle
        /// Loaded from a battle file with `prefer import battles`.
        case imported = "import"
        /// Cast by an AI judge.
        case judge
    }

    public var id: Int64
    public var arenaId: Int64
    /// The battle it answers; nil for imported votes.
    public var battle: String?
    public var promptId: Int64?
    /// Contender shown on the left (LMArena's model_a).
    public var leftContenderId: Int64
    /// Contender shown on the right (model_b).
    public var rightContenderId: Int64
    public var choice: Choice
    /// Per-criterion choices, by criterion name.
    public var criteria: [String: Choice]
    public var rationale: String?
    public var timeToVoteMs: Int?
    /// How long each side's audio/video played before the vote.
    public var leftPlayedMs: Int?
    public var rightPlayedMs: Int?
    /// Pseudonymous voter id (a session, an invite name, a judge's name).
    public var voter: String?
    /// The client's idempotency key: a retry with it returns this vote.
    public var clientVoteId: String?
    public var source: Source
    public var createdAt: Date
    /// The outputs shown on each side, for votes on battles (an output may
    /// since have been withdrawn or replaced: the vote keeps naming it).
    public var leftOutputId: Int64?
    public var rightOutputId: Int64?

    public init(
        id: Int64, arenaId: Int64, battle: String?, promptId: Int64?,
        leftContenderId: Int64, rightContenderId: Int64, choice: Choice,
        criteria: [String: Choice] = [:], rationale: String? = nil, timeToVoteMs: Int? = nil,
        leftPlayedMs: Int? = nil, rightPlayedMs: Int? = nil, voter: String? = nil,
        clientVoteId: String? = nil, source: Source = .battle, createdAt: Date = Date(),
        leftOutputId: Int64? = nil, rightOutputId: Int64? = nil
    ) {
        self.leftOutputId = leftOutputId
        self.rightOutputId = rightOutputId
        self.id = id
        self.arenaId = arenaId
        self.battle = battle
        self.promptId = promptId
        self.leftContenderId = leftContenderId
        self.rightContenderId = rightContenderId
        self.choice = choice
        self.criteria = criteria
        self.rationale = rationale
        self.timeToVoteMs = timeToVoteMs
        self.leftPlayedMs = leftPlayedMs
        self.rightPlayedMs = rightPlayedMs
        self.voter = voter
        self.clientVoteId = clientVoteId
        self.source = source
        self.createdAt = createdAt
    }
}
