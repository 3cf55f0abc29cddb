import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore: KWayStore {
    public func arenaKs() async throws -> [Int64: Int] {
        try await connections.withConnection { database in
            var ks: [Int64: Int] = [:]
            for row in try await database.raw("SELECT id, k FROM arenas WHERE k <> 2").all() {
                ks[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "k", as: Int.self)
            }
            return ks
        }
    }

    public func arenaK(_ arena: Int64) async throws -> Int {
        try await connections.withConnection { database in
            try await database.select().column("k").from("arenas").where("id", .equal, arena)
                .first(decodingColumn: "k", as: Int.self) ?? 2
        }
    }

    public func setArenaK(_ arena: Int64, k: Int) async throws {
        guard (2...8).contains(k) else {
            throw StoreError.invalid("k must be 2 (pairwise) to 8; got \(k).", field: "k")
        }
        try await connections.write { database in
            let current = try await database.select().column("k").from("arenas").where("id", .equal, arena)
                .first(decodingColumn: "k", as: Int.self)
            guard let current else { throw StoreError.notFound("Arena \(arena)", field: "arena") }
            guard current != k else { return }
            let row = try await database.raw(
                """
                SELECT (SELECT COUNT(*) FROM votes WHERE arena_id = \(bind: arena))
                     + (SELECT COUNT(*) FROM kway_votes WHERE arena_id = \(bind: arena)) AS n
                """
            ).first()
            let votes = try row?.decode(column: "n", as: Int.self) ?? 0
            guard votes == 0 else {
                throw StoreError.invalid(
                    "k cannot change once an arena has votes (it has \(votes)): their battles showed \(current) outputs. Create a new arena for \(k)-way battles.",
                    field: "k")
            }
            try await database.update("arenas").set("k", to: k).where("id", .equal, arena).run()
            try await Self.recordChange(arena: arena, .contents, in: database)
        }
    }

    public func recordKWayVote(_ vote: NewKWayVote) async throws -> KWayVoteOutcome {
        if let problem = vote.problem { return .rejected(problem) }
        do {
            let stored: StoredKWayVote? = try await connections.write { database in
                guard let id = try await Self.insertKWayVote(vote, in: database) else { return nil }
                return StoredKWayVote(
                    id: id, arenaId: vote.arenaId, battle: vote.battle, promptId: vote.promptId, kind: vote.kind,
                    members: vote.members, criteria: vote.criteria, rationale: vote.rationale, timeToVoteMs: vote.timeToVoteMs, voter: vote.voter,
                    clientVoteId: vote.clientVoteId, source: vote.source,
                    createdAt: Date(timeIntervalSince1970: vote.createdAt.timeIntervalSince1970))
            }
            if let stored { return .stored(stored) }
        } catch let error as StoreError where error.kind == .notFound || error.kind == .invalid {
            return .rejected(error)
        }
        // Not stored: its client vote id or battle already has a vote.
        if let clientId = vote.clientVoteId, let existing = try await kwayVote(where: "client_vote_id", is: clientId) {
            return existing.battle == vote.battle ? .replayed(existing) : .conflict(existing: existing)
        }
        if let battle = vote.battle, let existing = try await kwayVote(battle: battle) {
            return .conflict(existing: existing)
        }
        throw StoreError.unavailable("A K-way vote was neither stored nor matched to a stored vote; try again.")
    }

    /// Inserts `vote` and its members in the transaction of `database`;
    /// nil when its battle or client vote id already has a vote. On
    /// PostgreSQL it first takes the K-way feed's lock (`kwayFeedLock`), held
    /// to the commit: ids then grow in commit order, as the change feed reads them.
    static func insertKWayVote(_ vote: NewKWayVote, in database: any SQLDatabase) async throws -> Int64? {
        if database.dialect.name == "postgresql" {
            try await database.raw("SELECT pg_advisory_xact_lock(\(literal: Self.kwayFeedLock))").run()
        }
        let row = try await database.raw(
            """
            INSERT INTO kway_votes (arena_id, battle, prompt_id, k, kind, rationale, time_to_vote_ms, voter,
                                    client_vote_id, source, created_at)
            VALUES (\(bind: vote.arenaId), \(bind: vote.battle), \(bind: vote.promptId), \(bind: vote.k),
                    \(bind: vote.kind.rawValue), \(bind: vote.rationale), \(bind: vote.timeToVoteMs),
                    \(bind: vote.voter), \(bind: vote.clientVoteId), \(bind: vote.source.rawValue),
                    \(bind: vote.createdAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING id
            """
        ).first()
        guard let row else { return nil }
        let id = try row.decode(column: "id", as: Int64.self)
        let insert = database.insert(into: "kway_vote_members")
            .columns("vote_id", "arena_id", "position", "contender_id", "output_id", "place")
        for member in vote.members {
            insert.values(id, vote.arenaId, member.position, member.contenderId, member.outputId, member.place)
        }
        try await insert.run()
        if !vote.criteria.isEmpty {
            let picks = database.insert(into: "kway_vote_criteria").columns("vote_id", "arena_id", "criterion", "position")
            for name in vote.criteria.keys.sorted() {
                picks.values(id, vote.arenaId, name, vote.criteria[name]!)
            }
            try await picks.run()
        }
        return id
    }

    public func kwayVotes(arena: Int64, after: Int64?, limit: Int) async throws -> [StoredKWayVote] {
        guard limit > 0 else { return [] }
        return try await connections.withConnection { database in
            let rows = try await database.select().column("*").from("kway_votes")
                .where("arena_id", .equal, arena)
                .where("id", .greaterThan, after ?? 0)
                .orderBy("id")
                .limit(limit)
                .all()
            return try await Self.kwayVotes(rows, in: database)
        }
    }

    public func kwayVote(battle: String) async throws -> StoredKWayVote? {
        try await kwayVote(where: "battle", is: battle)
    }

    public func kwayVoteCount(arena: Int64) async throws -> Int {
        try await connections.withConnection { database in
            let row = try await database.select()
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
                .from("kway_votes").where("arena_id", .equal, arena).first()
            return try row?.decode(column: "count", as: Int.self) ?? 0
        }
    }

    private func kwayVote(where column: String, is value: String) async throws -> StoredKWayVote? {
        try await connections.withConnection { database in
            let rows = try await database.select().column("*").from("kway_votes").where(SQLColumn(column), .equal, SQLBind(value))
                .all()
            return try await Self.kwayVotes(rows, in: database).first
        }
    }

    /// The votes of `rows` with their members (one query for the members of a page).
    private static func kwayVotes(_ rows: [any SQLRow], in database: any SQLDatabase) async throws -> [StoredKWayVote] {
        guard !rows.isEmpty else { return [] }
        var votes: [StoredKWayVote] = []
        votes.reserveCapacity(rows.count)
        for row in rows {
            let kind = try row.decode(column: "kind", as: String.self)
            let source = try row.decode(column: "source", as: String.self)
            guard let kwayKind = KWayKind(rawValue: kind), let voteSource = StoredVote.Source(rawValue: source) else {
                throw StoreError.invalid("The database holds a K-way vote of kind \"\(kind)\" from \"\(source)\", which this prefer does not know; upgrade prefer.")
            }
            votes.append(StoredKWayVote(
                id: try row.decode(column: "id", as: Int64.self),
                arenaId: try row.decode(column: "arena_id", as: Int64.self),
                battle: try row.decode(column: "battle", as: String?.self),
                promptId: try row.decode(column: "prompt_id", as: Int64?.self),
                kind: kwayKind, members: [],
                rationale: try row.decode(column: "rationale", as: String?.self),
                timeToVoteMs: try row.decode(column: "time_to_vote_ms", as: Int?.self),
                voter: try row.decode(column: "voter", as: String?.self),
                clientVoteId: try row.decode(column: "client_vote_id", as: String?.self),
                source: voteSource,
                createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self))))
        }
        var position: [Int64: Int] = [:]
        for (i, vote) in votes.enumerated() { position[vote.id] = i }
        for chunk in votes.map(\.id).chunks(of: VoteBatch.lookupChunk) {
            let members = try await database.select().column("*").from("kway_vote_members")
                .where("vote_id", .in, Array(chunk))
                .orderBy("vote_id").orderBy("position")
                .all()
            for row in members {
                let id = try row.decode(column: "vote_id", as: Int64.self)
                guard let i = position[id] else { continue }
                votes[i].members.append(KWayMember(
                    position: try row.decode(column: "position", as: Int.self),
                    contenderId: try row.decode(column: "contender_id", as: Int64.self),
                    outputId: try row.decode(column: "output_id", as: Int64?.self),
                    place: try row.decode(column: "place", as: Int.self)))
            }
            let picks = try await database.select().column("*").from("kway_vote_criteria")
                .where("vote_id", .in, Array(chunk))
                .all()
            for row in picks {
                let id = try row.decode(column: "vote_id", as: Int64.self)
                guard let i = position[id] else { continue }
                votes[i].criteria[try row.decode(column: "criterion", as: String.self)] = try row.decode(column: "position", as: Int.self)
            }
        }
        return votes
    }
}
