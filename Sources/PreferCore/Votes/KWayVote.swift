/// One judgement over K ≥ 2 candidates: the voter picked the best ("pick the
/// best of K") or ranked some or all of them, best first.
///
/// `candidates` are in the order they were shown (position 0 = first shown:
/// left, top or key 1). `ranking` lists the candidates the voter placed,
/// best first; the others are unranked, below every ranked one. A top-1
/// vote has a ranking of one name; a full ranking may leave out the last
/// candidate, which is implied.
public struct KWayVote: Sendable, Hashable {
    /// The contenders shown, in the order shown.
    public var candidates: [String]
    /// The ranked candidates, best first (at least one).
    public var ranking: [String]
    /// How much the vote counts in a fit (1 unless reweighted).
    public var weight: Double
    /// Who voted: an annotator's pseudonym, an invite name or a judge's name.
    public var voter: String?
    /// When the vote was cast, in seconds since 1970.
    public var timestamp: Double?
    /// The prompt's category, for per-category leaderboards.
    public var category: String?
    /// Any other fields the vote carried, as text.
    public var attributes: [String: String]

    /// A checked vote: at least two distinct candidates, a non-empty ranking of
    /// distinct candidates, and a positive finite weight.
    public init(
        candidates: [String],
        ranking: [String],
        weight: Double = 1,
        voter: String? = nil,
        timestamp: Double? = nil,
        category: String? = nil,
        attributes: [String: String] = [:]
    ) throws(KWayVoteError) {
        try Self.check(candidates: candidates, ranking: ranking)
        guard weight > 0, weight.isFinite else { throw .badWeight(weight) }
        self.candidates = candidates
        self.ranking = ranking
        self.weight = weight
        self.voter = voter
        self.timestamp = timestamp
        self.category = category
        self.attributes = attributes
    }

    /// "Pick the best of K": `best` among `candidates`.
    public init(
        candidates: [String],
        best: String,
        weight: Double = 1,
        voter: String? = nil,
        timestamp: Double? = nil,
        category: String? = nil,
        attributes: [String: String] = [:]
    ) throws(KWayVoteError) {
        guard candidates.contains(best) else { throw .winnerNotACandidate(best) }
        try self.init(
            candidates: candidates, ranking: [best], weight: weight, voter: voter,
            timestamp: timestamp, category: category, attributes: attributes)
    }

    /// A vote from columns that were checked when they were filled.
    init(checkedCandidates candidates: [String], ranking: [String], weight: Double) {
        self.candidates = candidates
        self.ranking = ranking
        self.weight = weight
        voter = nil
        timestamp = nil
        category = nil
        attributes = [:]
    }

    /// K, the number of candidates.
    public var k: Int { candidates.count }

    /// The best candidate.
    public var best: String { ranking[0] }

    /// Each candidate's place in the ranking (1 = best), or 0 if unranked,
    /// indexed like `candidates`.
    public var places: [Int] {
        candidates.map { name in ranking.firstIndex(of: name).map { $0 + 1 } ?? 0 }
    }

    static func check(candidates: [String], ranking: [String]) throws(KWayVoteError) {
        guard candidates.count >= 2 else { throw .tooFewCandidates(candidates.count) }
        guard candidates.count <= KWayVotes.maximumCandidates else { throw .tooManyCandidates(candidates.count) }
        var seen = Set<String>()
        for name in candidates {
            guard !name.isEmpty else { throw .emptyName }
            guard seen.insert(name).inserted else { throw .repeatedCandidate(name) }
        }
        guard !ranking.isEmpty else { throw .emptyRanking }
        var ranked = Set<String>()
        for name in ranking {
            guard seen.contains(name) else { throw .rankedNotACandidate(name) }
            guard ranked.insert(name).inserted else { throw .repeatedInRanking(name) }
        }
    }
}

/// What is wrong with a K-way vote, with a message that says what to fix.
public struct KWayVoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending field of a vote file row (`candidates`, `ranking`, `winner`, `weight`).
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }

    public static func tooFewCandidates(_ count: Int) -> KWayVoteError {
        KWayVoteError(field: "candidates", message: "a K-way vote needs at least 2 candidates, got \(count)")
    }

    public static func tooManyCandidates(_ count: Int) -> KWayVoteError {
        KWayVoteError(field: "candidates", message: "a K-way vote may have at most \(KWayVotes.maximumCandidates) candidates, got \(count)")
    }

    public static let emptyName = KWayVoteError(field: "candidates", message: "candidates must not contain an empty name")

    public static func repeatedCandidate(_ name: String) -> KWayVoteError {
        KWayVoteError(field: "candidates", message: "candidates lists \"\(name)\" more than once")
    }

    public static let emptyRanking = KWayVoteError(field: "ranking", message: "ranking must name at least one candidate, best first")

    public static func rankedNotACandidate(_ name: String) -> KWayVoteError {
        KWayVoteError(field: "ranking", message: "ranking names \"\(name)\", which is not among the candidates")
    }

    public static func repeatedInRanking(_ name: String) -> KWayVoteError {
        KWayVoteError(field: "ranking", message: "ranking lists \"\(name)\" more than once; a ranking places each candidate once")
    }

    public static func winnerNotACandidate(_ name: String) -> KWayVoteError {
        KWayVoteError(field: "winner", message: "winner \"\(name)\" is not among the candidates")
    }

    public static func badWeight(_ weight: Double) -> KWayVoteError {
        KWayVoteError(field: "weight", message: "weight must be a number > 0, got \(weight)")
    }
}
