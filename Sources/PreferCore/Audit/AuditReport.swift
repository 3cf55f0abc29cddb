/// The result of a vote audit: every voter's scores, flags and verdict, the
/// groups found, and a summary. Its JSON form (snake_case keys) is the
/// contract of `prefer audit --format json` and of the server's audit
/// endpoint: `{"voters": [{"voter", "votes", "flagged", "verdict",
/// "reasons": [...], "scores": {...}}], "groups": [...], "summary": {...},
/// "signals": {...}}`. A signal without its data says `"available": false`
/// and why, never a made-up number.
public struct AuditReport: Sendable, Codable, Hashable {
    public struct Voter: Sendable, Codable, Hashable {
        public var voter: String
        public var votes: Int
        public var flagged: Bool
        /// "flagged", "authentic", or "too few votes" (kept: fewer than the
        /// minimum for the statistical signals, and no rule broken).
        public var verdict: String
        /// Why the voter is flagged, in plain words (empty when kept).
        public var reasons: [String]
        public var scores: Scores
        /// The signals that flagged the voter, one per reason and in the
        /// same order (`flagged_by` of the summary counts them); absent
        /// when the voter is kept.
        public var flaggedBy: [String]? = nil

        enum CodingKeys: String, CodingKey {
            case voter, votes, flagged, verdict, reasons, scores
            case flaggedBy = "flagged_by"
        }
    }

    public struct Scores: Sendable, Codable, Hashable {
        public var consensus: Consensus
        public var sequential: Sequential
        public var position: Position
        public var speed: Speed
        public var volume: Volume
        public var gold: Gold
        public var favouritism: Favouritism
        /// The smallest statistical p-value divided by its weight — its
        /// weight within its family times the family's share of the level
        /// (`VoteAudit.Family`): a valid p-value for "some signal fires",
        /// used to rank voters.
        public var combinedPValue: Double?

        enum CodingKeys: String, CodingKey {
            case consensus, sequential, position, speed, volume, gold, favouritism
            case combinedPValue = "combined_p_value"
        }
    }

    public struct Consensus: Sendable, Codable, Hashable {
        public var available: Bool
        public var note: String?
        public var pValue: Double?
        public var pValueAllVotes: Double?
        public var pValueWithout: Double?
        public var slope: Double?
        /// L = log of how much likelier the choices are from someone ignoring
        /// the outputs than from the consensus.
        public var likelihoodRatio: Double?
        public var leftOut: String?

        enum CodingKeys: String, CodingKey {
            case available, note
            case pValue = "p_value"
            case pValueAllVotes = "p_value_all_votes"
            case pValueWithout = "p_value_without"
            case slope
            case likelihoodRatio = "log_likelihood_ratio"
            case leftOut = "left_out"
        }
    }

    public struct Sequential: Sendable, Codable, Hashable {
        public var available: Bool
        public var note: String?
        public var votesTested: Int?
        public var maxLog10M: Double?
        public var flaggedAt: Int?
        public var lmarenaFlag: Bool?

        enum CodingKeys: String, CodingKey {
            case available, note
            case votesTested = "votes_tested"
            case maxLog10M = "max_log10_m"
            case flaggedAt = "flagged_at"
            case lmarenaFlag = "lmarena_flag"
        }
    }

    public struct Position: Sendable, Codable, Hashable {
        public var available: Bool
        public var note: String?
        public var left: Int?
        public var right: Int?
        public var ties: Int?
        public var expectedLeft: Double?
        public var pValue: Double?

        enum CodingKeys: String, CodingKey {
            case available, note, left, right, ties
            case expectedLeft = "expected_left"
            case pValue = "p_value"
        }
    }

    public struct Speed: Sendable, Codable, Hashable {
        public var available: Bool
        public var note: String?
        public var timedVotes: Int?
        public var fastVotes: Int?
        public var fastShare: Double?
        public var medianMs: Double?

        enum CodingKeys: String, CodingKey {
            case available, note
            case timedVotes = "timed_votes"
            case fastVotes = "fast_votes"
            case fastShare = "fast_share"
            case medianMs = "median_ms"
        }
    }

    public struct Volume: Sendable, Codable, Hashable {
        /// Daily volume needs timestamps; concentration is always computed.
        public var dailyAvailable: Bool
        public var note: String?
        public var busiestDay: String?
        public var votesThatDay: Int?
        public var topContender: String?
        public var topContenderVotes: Int?
        public var topContenderExpected: Double?
        public var concentrationPValue: Double?

        enum CodingKeys: String, CodingKey {
            case dailyAvailable = "daily_available"
            case note
            case busiestDay = "busiest_day"
            case votesThatDay = "votes_that_day"
            case topContender = "top_contender"
            case topContenderVotes = "top_contender_votes"
            case topContenderExpected = "top_contender_expected"
            case concentrationPValue = "concentration_p_value"
        }
    }

    public struct Gold: Sendable, Codable, Hashable {
        public var available: Bool
        public var note: String?
        public var battles: Int?
        public var correct: Int?
        public var accuracy: Double?
        public var reference: Double?
        public var pValue: Double?

        enum CodingKeys: String, CodingKey {
            case available, note, battles, correct, accuracy, reference
            case pValue = "p_value"
        }
    }

    public struct Favouritism: Sendable, Codable, Hashable {
        public var available: Bool
        public var note: String?
        /// The contender the voter leans on most (smallest p either way).
        public var contender: String?
        public var direction: String?
        public var votes: Int?
        public var score: Double?
        public var expected: Double?
        public var pValue: Double?
        /// Set when the lean is shared by a group (see `groups`).
        public var group: Int?

        enum CodingKeys: String, CodingKey {
            case available, note, contender, direction, votes, score, expected
            case pValue = "p_value"
            case group
        }
    }

    public struct Group: Sendable, Codable, Hashable {
        public var id: Int
        public var contender: String
        /// "boosting" or "sinking".
        public var direction: String
        public var voters: [String]
    }

    public struct Summary: Sendable, Codable, Hashable {
        public var voters: Int
        public var votersFlagged: Int
        public var shareAuthentic: Double
        public var votes: Int
        public var votesWithoutVoter: Int
        public var votesByFlaggedVoters: Int
        public var votesFilteredByContent: [String: Int]
        public var votesDownsampled: Int
        public var votesRemoved: Int
        public var votesKept: Int
        /// Voters flagged by each signal (a voter may count under several).
        public var flaggedBy: [String: Int]
        /// Voters LMArena's sequential test would flag (reported, not used).
        public var lmarenaSequentialFlags: Int
        public var falseDiscoveryRate: Double
        public var passes: Int
        /// How often the consensus signal's "voter who ignores the outputs"
        /// ties: learnt from the random-looking voters flagged in the
        /// previous pass, nil for as often as the crowd.
        public var clickerTieShare: Double?

        enum CodingKeys: String, CodingKey {
            case voters
            case votersFlagged = "voters_flagged"
            case shareAuthentic = "share_authentic"
            case votes
            case votesWithoutVoter = "votes_without_voter"
            case votesByFlaggedVoters = "votes_by_flagged_voters"
            case votesFilteredByContent = "votes_filtered_by_content"
            case votesDownsampled = "votes_downsampled"
            case votesRemoved = "votes_removed"
            case votesKept = "votes_kept"
            case flaggedBy = "flagged_by"
            case lmarenaSequentialFlags = "lmarena_sequential_flags"
            case falseDiscoveryRate = "false_discovery_rate"
            case passes
            case clickerTieShare = "clicker_tie_share"
        }
    }

    public var voters: [Voter]
    public var groups: [Group]
    public var summary: Summary
    /// Per signal: "available", or "not available: why".
    public var signals: [String: String]

    public func voter(named name: String) -> Voter? {
        voters.first { $0.voter == name }
    }
}
