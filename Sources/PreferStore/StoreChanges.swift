/// A position in the store's change feed: the last vote id, the last K-way
/// vote id and the last change id read. Start from `PreferStore.changeCursor()`.
public struct ChangeCursor: Sendable, Hashable, Codable {
    public var vote: Int64
    public var change: Int64
    /// The last K-way vote (`kway_votes`) read.
    public var kway: Int64

    public init(vote: Int64 = 0, change: Int64 = 0, kway: Int64 = 0) {
        self.vote = vote
        self.change = change
        self.kway = kway
    }

    private enum CodingKeys: String, CodingKey { case vote, change, kway }

    /// A cursor written before K-way votes had a feed reads as having seen none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vote = try container.decode(Int64.self, forKey: .vote)
        change = try container.decode(Int64.self, forKey: .change)
        kway = try container.decodeIfPresent(Int64.self, forKey: .kway) ?? 0
    }
}

/// What other processes (and this one) wrote to the store since a cursor:
/// the arenas that have new votes, and the arenas created, filled, or
/// deleted — so that every process sharing a database can keep its caches
/// in step (`PreferStore.changes(after:)`).
///
/// Votes are told by their ids, which grow in commit order (SQLite has one
/// writer at a time; PostgreSQL votes take ids under a transaction-scoped
/// advisory lock held to their commit), so a reader that has seen vote `n`
/// has seen every vote below `n` that will ever commit. K-way votes
/// (`kway_votes`) are told the same way, by their own ids under a lock of
/// their own. Other changes are rows
/// of `store_changes`, written last in their transaction under a lock of
/// their own, in commit order too.
public struct StoreChanges: Sendable, Hashable {
    /// What happened to an arena.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The arena was created.
        case created
        /// Contenders, prompts or outputs were added or changed (renamed,
        /// retired, replaced, withdrawn), or the arena's settings changed.
        case contents
        /// An admin kept or excluded an annotator's votes: leaderboards are
        /// computed again.
        case decisions
        /// Votes were imported in bulk (their ids are older than the
        /// transaction's commit: re-read the arena's votes from the start).
        case votesImported = "votes_imported"
        /// The arena and everything in it were deleted.
        case deleted
        /// Annotator attributes changed: an annotator's answers (`voter`
        /// names them), or the arena's declaration or minimum group size
        /// (`voter` nil). The boards that read attributes are refreshed.
        case attributes
    }

    public struct ArenaChange: Sendable, Hashable {
        public var arena: Int64
        public var kind: Kind
        /// For `.attributes`: the annotator (pseudonymous voter id) whose
        /// answers changed; nil for every other change.
        public var voter: String?

        public init(arena: Int64, kind: Kind, voter: String? = nil) {
            self.arena = arena
            self.kind = kind
            self.voter = voter
        }
    }

    /// Arenas with votes stored since the cursor, each with its highest new vote id.
    public var votes: [Int64: Int64] = [:]
    /// Arenas with K-way votes stored since the cursor, each with its highest new K-way vote id.
    public var kwayVotes: [Int64: Int64] = [:]
    /// Arenas created, filled or deleted since the cursor, in commit order.
    public var arenas: [ArenaChange] = []
    /// Where to read from next time.
    public var cursor: ChangeCursor

    public init(votes: [Int64: Int64] = [:], kwayVotes: [Int64: Int64] = [:], arenas: [ArenaChange] = [], cursor: ChangeCursor) {
        self.votes = votes
        self.kwayVotes = kwayVotes
        self.arenas = arenas
        self.cursor = cursor
    }

    public var isEmpty: Bool { votes.isEmpty && kwayVotes.isEmpty && arenas.isEmpty }

    /// Arenas with new votes of either kind.
    public var arenasWithVotes: Set<Int64> { Set(votes.keys).union(kwayVotes.keys) }
}
