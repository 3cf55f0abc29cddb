import Foundation
import PreferCore

/// What K-way arenas keep beyond pairwise ones: each arena's K (how many
/// outputs a battle shows) and the votes on K-way battles, each with its K
/// candidates in the order shown and the place the voter gave each.
/// `SQLPreferStore` implements it (SQLite and PostgreSQL alike); pairwise
/// votes stay in `PreferStore.recordVotes` and friends, untouched.
public protocol KWayStore: PreferStore {
    /// Every arena's K that is not 2, by arena id.
    func arenaKs() async throws -> [Int64: Int]
    /// An arena's K (2 when the arena has no K-way setting).
    func arenaK(_ arena: Int64) async throws -> Int
    /// Sets an arena's K (2…8); refused (`.invalid`, field `k`) once the arena
    /// holds votes of either kind, whose battles were drawn with the old K.
    func setArenaK(_ arena: Int64, k: Int) async throws
    /// Stores one K-way vote in one transaction: `.stored`; `.replayed` when
    /// a vote with its client vote id is stored for the same battle;
    /// `.conflict` when the battle has a vote, or the client vote id answers
    /// another battle; `.rejected` when it breaks a rule of the data.
    func recordKWayVote(_ vote: NewKWayVote) async throws -> KWayVoteOutcome
    /// K-way votes of an arena in id order, `limit` at a time after `after`.
    func kwayVotes(arena: Int64, after: Int64?, limit: Int) async throws -> [StoredKWayVote]
    /// The K-way vote on `battle`, if it has one.
    func kwayVote(battle: String) async throws -> StoredKWayVote?
    func kwayVoteCount(arena: Int64) async throws -> Int
}

/// One candidate of a K-way vote: who was shown at which position (1…K, in
/// the order shown), which output, and the place the voter gave it (1 =
/// best, 0 = unranked).
public struct KWayMember: Sendable, Hashable, Codable {
    public var position: Int
    public var contenderId: Int64
    public var outputId: Int64?
    public var place: Int

    public init(position: Int, contenderId: Int64, outputId: Int64?, place: Int) {
        self.position = position
        self.contenderId = contenderId
        self.outputId = outputId
        self.place = place
    }
}

/// What a K-way vote says: the best of K, or a ranking (full or partial).
public enum KWayKind: String, Sendable, Hashable, Codable, CaseIterable {
    case best
    case ranking
}

/// A K-way vote to store.
public struct NewKWayVote: Sendable, Hashable {
    public var arenaId: Int64
    public var battle: String?
    public var promptId: Int64?
    public var kind: KWayKind
    /// In position order, 1…K.
    public var members: [KWayMember]
    /// Per criterion answered, the position (1…K) picked best on it.
    public var criteria: [String: Int]
    public var rationale: String?
    public var timeToVoteMs: Int?
    public var voter: String?
    public var clientVoteId: String?
    public var source: StoredVote.Source
    public var createdAt: Date

    public init(
        arenaId: Int64, battle: String?, promptId: Int64?, kind: KWayKind, members: [KWayMember],
        criteria: [String: Int] = [:],
        rationale: String? = nil, timeToVoteMs: Int? = nil, voter: String? = nil, clientVoteId: String? = nil,
        source: StoredVote.Source = .battle, createdAt: Date = Date()
    ) {
        self.arenaId = arenaId
        self.battle = battle
        self.promptId = promptId
        self.kind = kind
        self.members = members
        self.criteria = criteria
        self.rationale = rationale
        self.timeToVoteMs = timeToVoteMs
        self.voter = voter
        self.clientVoteId = clientVoteId
        self.source = source
        self.createdAt = createdAt
    }

    /// K, the number of candidates.
    public var k: Int { members.count }

    /// What breaks the rules of a K-way vote, or nil: 2…8 candidates at
    /// positions 1…K, distinct contenders, places 0…K given once each and
    /// without gaps (1, 2, … r), a best-of-K vote placing exactly one.
    public var problem: StoreError? {
        guard (2...8).contains(members.count) else {
            return .invalid("A K-way vote has 2 to 8 candidates, not \(members.count).", field: "members")
        }
        guard members.map(\.position) == Array(1...members.count) else {
            return .invalid("A K-way vote's candidates are at positions 1…\(members.count), in order.", field: "position")
        }
        guard Set(members.map(\.contenderId)).count == members.count else {
            return .invalid("A K-way vote shows each contender once.", field: "contender")
        }
        let places = members.map(\.place).filter { $0 > 0 }.sorted()
        guard !places.isEmpty, places == Array(1...places.count) else {
            return .invalid("A K-way vote places candidates 1, 2, … once each (at least the best).", field: "ranking")
        }
        if kind == .best && places.count != 1 {
            return .invalid("A best-of-K vote places exactly one candidate.", field: "best")
        }
        for name in criteria.keys.sorted() {
            guard (1...100).contains(name.count) else {
                return .invalid("A criterion's name is 1 to 100 characters.", field: "criteria")
            }
            let position = criteria[name]!
            guard (1...members.count).contains(position) else {
                return .invalid("criteria.\(name) picks position \(position); the vote shows positions 1…\(members.count).", field: "criteria.\(name)")
            }
        }
        for (field, value) in [("time_to_vote_ms", timeToVoteMs)] {
            if let value, value < 0 { return .invalid("\(field) must not be negative (it is \(value)).", field: field) }
        }
        if let battle, battle.count > VoteBatch.maxKeyLength {
            return .invalid("A battle id is at most \(VoteBatch.maxKeyLength) characters.", field: "battle")
        }
        if let clientVoteId, clientVoteId.count > VoteBatch.maxKeyLength {
            return .invalid("A client vote id is at most \(VoteBatch.maxKeyLength) characters.", field: "client_vote_id")
        }
        return nil
    }
}

/// A K-way vote as stored.
public struct StoredKWayVote: Sendable, Hashable {
    public var id: Int64
    public var arenaId: Int64
    public var battle: String?
    public var promptId: Int64?
    public var kind: KWayKind
    /// In position order.
    public var members: [KWayMember]
    /// Per criterion answered, the position (1…K) picked best on it.
    public var criteria: [String: Int]
    public var rationale: String?
    public var timeToVoteMs: Int?
    public var voter: String?
    public var clientVoteId: String?
    public var source: StoredVote.Source
    public var createdAt: Date

    public init(
        id: Int64, arenaId: Int64, battle: String?, promptId: Int64?, kind: KWayKind, members: [KWayMember],
        criteria: [String: Int] = [:],
        rationale: String?, timeToVoteMs: Int?, voter: String?, clientVoteId: String?, source: StoredVote.Source,
        createdAt: Date
    ) {
        self.id = id
        self.arenaId = arenaId
        self.battle = battle
        self.promptId = promptId
        self.kind = kind
        self.members = members
        self.criteria = criteria
        self.rationale = rationale
        self.timeToVoteMs = timeToVoteMs
        self.voter = voter
        self.clientVoteId = clientVoteId
        self.source = source
        self.createdAt = createdAt
    }

    public var k: Int { members.count }

    /// The positions placed, best first (1-based).
    public var ranking: [Int] {
        members.filter { $0.place > 0 }.sorted { $0.place < $1.place }.map(\.position)
    }
}

/// What happened to a K-way vote.
public enum KWayVoteOutcome: Sendable, Hashable {
    case stored(StoredKWayVote)
    case replayed(StoredKWayVote)
    case conflict(existing: StoredKWayVote)
    case rejected(StoreError)
}
