import Foundation
import PreferCore
import SQLKit
import SQLiteKit

/// One `recordVotes` call, worked out with a fixed number of statements
/// whatever the batch size — in the common case one `INSERT`, which commits
/// by itself (no `BEGIN` … `COMMIT` around it: nothing before it writes,
/// and what follows it only reads committed rows):
///
/// 1. rules that need no database (two different contenders, no negative
///    times, short keys) — a vote that breaks one is `.rejected`;
/// 2. only when `checkReferences` (see `SQLPreferStore.recordVotes`): one
///    query for the contenders and prompts named, which must be in the vote's
///    arena — the schema's foreign keys would fail the whole batch instead;
/// 3. in order, a vote whose battle or client vote id an earlier vote of the
///    batch already claims is left for step 5: the first vote for a battle wins;
/// 4. one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING id, battle,
///    client_vote_id` for the rest: a row whose battle or client vote id is
///    already stored (or is being stored by a concurrent transaction) is
///    skipped by the database; the stored votes are the ones sent, with
///    their new ids;
/// 5. the votes not stored are answered from the stored vote for their client
///    vote id or battle — a replay or a conflict — read in one query if the
///    batch did not store it itself.
struct VoteBatch {
    let votes: [NewVote]
    let database: any SQLDatabase
    /// On SQLite, the connection under `database`: the INSERT goes to it
    /// directly (SQLKit's query builder costs more than the INSERT itself).
    let sqlite: SQLiteConnection?
    /// Whether to check that contenders and prompts are in the vote's arena
    /// before inserting (and reject the votes whose are not).
    let checkReferences: Bool

    /// Rows per INSERT statement: 17 parameters each, well under SQLite's
    /// 32,766 and PostgreSQL's 65,535.
    static let insertChunk = 1000
    /// Values per IN list.
    static let lookupChunk = 1000

    static let columns = [
        "arena_id", "battle", "prompt_id", "left_contender_id", "right_contender_id", "choice", "criteria",
        "rationale", "time_to_vote_ms", "left_played_ms", "right_played_ms", "voter", "client_vote_id", "source",
        "created_at", "left_output_id", "right_output_id",
    ]

    /// Longest battle or client vote id (the schema checks it too).
    static let maxKeyLength = 256

    private var byBattle: [String: StoredVote] = [:]
    private var byClient: [String: StoredVote] = [:]

    init(votes: [NewVote], database: any SQLDatabase, sqlite: SQLiteConnection? = nil, checkReferences: Bool) {
        self.votes = votes
        self.database = database
        self.sqlite = sqlite
        self.checkReferences = checkReferences
    }

    mutating func record() async throws -> [VoteOutcome] {
        var outcomes = [VoteOutcome?](repeating: nil, count: votes.count)
        for (index, vote) in votes.enumerated() {
            if let problem = Self.problem(with: vote) { outcomes[index] = .rejected(problem) }
        }
        if checkReferences {
            try await rejectUnknownReferences(&outcomes)
        }

        var battles = Set<String>()
        var clientIds = Set<String>()
        var toInsert: [Int] = []
        for index in outcomes.indices where outcomes[index] == nil {
            let vote = votes[index]
            if let battle = vote.battle, battles.contains(battle) { continue }
            if let clientId = vote.clientVoteId, clientIds.contains(clientId) { continue }
            if let battle = vote.battle { battles.insert(battle) }
            if let clientId = vote.clientVoteId { clientIds.insert(clientId) }
            toInsert.append(index)
        }
        // Rows go in in battle order (then client id; votes with neither keep
        // their order, last): concurrent batches then take the unique index
        // entries in one order and cannot deadlock on them.
        toInsert.sort { first, second in
            let (a, b) = (Self.insertionKey(votes[first]), Self.insertionKey(votes[second]))
            return (a.rank, a.battle, a.clientId, first) < (b.rank, b.battle, b.clientId, second)
        }
        for chunk in toInsert.chunks(of: Self.insertChunk) {
            for (index, stored) in try await insert(Array(chunk)) {
                outcomes[index] = .stored(stored)
                remember(stored)
            }
        }

        // The rest are replays or conflicts: of a vote this batch stored, or of
        // one stored before (or by a concurrent transaction, committed by now).
        let unresolved = outcomes.indices.filter { outcomes[$0] == nil }
        try await loadStored(
            battles: unresolved.compactMap { votes[$0].battle }.filter { byBattle[$0] == nil },
            clientIds: unresolved.compactMap { votes[$0].clientVoteId }.filter { byClient[$0] == nil })
        for index in unresolved {
            guard let outcome = answer(votes[index]) else {
                throw StoreError.unavailable(
                    "A vote was neither stored nor matched to a stored vote (its battle's vote was deleted meanwhile); try again.")
            }
            outcomes[index] = outcome
        }
        return outcomes.map { $0! }
    }

    /// The order of rows in the INSERT: keyed votes by battle, then client id;
    /// the others after them, in their order.
    private static func insertionKey(_ vote: NewVote) -> (rank: Int, battle: String, clientId: String) {
        if vote.battle == nil && vote.clientVoteId == nil { return (1, "", "") }
        return (0, vote.battle ?? "", vote.clientVoteId ?? "")
    }

    /// What a vote breaks that can be seen without the database.
    static func problem(with vote: NewVote) -> StoreError? {
        if vote.leftContenderId == vote.rightContenderId {
            return .invalid(
                "A vote must compare two different contenders; both sides are contender \(vote.leftContenderId).",
                field: "rightContenderId")
        }
        for (field, value) in [
            ("timeToVoteMs", vote.timeToVoteMs), ("leftPlayedMs", vote.leftPlayedMs),
            ("rightPlayedMs", vote.rightPlayedMs),
        ] {
            if let value, value < 0 { return .invalid("\(field) must not be negative (it is \(value)).", field: field) }
        }
        if let battle = vote.battle, battle.count > maxKeyLength {
            return .invalid("A battle id is at most \(maxKeyLength) characters.", field: "battle")
        }
        if let clientId = vote.clientVoteId, clientId.count > maxKeyLength {
            return .invalid("A client vote id is at most \(maxKeyLength) characters.", field: "clientVoteId")
        }
        return nil
    }

    /// Rejects votes whose contenders or prompt are not in the vote's arena (or do not exist).
    private func rejectUnknownReferences(_ outcomes: inout [VoteOutcome?]) async throws {
        let pending = outcomes.indices.filter { outcomes[$0] == nil }
        let contenderIds = Array(Set(pending.flatMap { [votes[$0].leftContenderId, votes[$0].rightContenderId] }))
        let promptIds = Array(Set(pending.compactMap { votes[$0].promptId }))
        var contenderArena: [Int64: Int64] = [:]
        var promptArena: [Int64: Int64] = [:]
        let contenderChunks = contenderIds.chunks(of: Self.lookupChunk)
        let promptChunks = promptIds.chunks(of: Self.lookupChunk)
        for part in 0..<max(contenderChunks.count, promptChunks.count) {
            var selects: [SQLQueryString] = []
            if part < contenderChunks.count {
                let ids = contenderChunks[part].map { $0 as any Encodable & Sendable }
                selects.append("SELECT 0 AS kind, id, arena_id FROM contenders WHERE id IN (\(binds: ids))")
            }
            if part < promptChunks.count {
                let ids = promptChunks[part].map { $0 as any Encodable & Sendable }
                selects.append("SELECT 1 AS kind, id, arena_id FROM prompts WHERE id IN (\(binds: ids))")
            }
            for row in try await database.raw(selects.joined(separator: " UNION ALL ")).all() {
                let id = try row.decode(column: "id", as: Int64.self)
                let arena = try row.decode(column: "arena_id", as: Int64.self)
                if try row.decode(column: "kind", as: Int.self) == 0 {
                    contenderArena[id] = arena
                } else {
                    promptArena[id] = arena
                }
            }
        }
        for index in pending {
            let vote = votes[index]
            for (field, id) in [("leftContenderId", vote.leftContenderId), ("rightContenderId", vote.rightContenderId)]
            where contenderArena[id] != vote.arenaId {
                outcomes[index] = .rejected(.notFound("Contender \(id) in arena \(vote.arenaId)", field: field))
                break
            }
            if outcomes[index] == nil, let prompt = vote.promptId, promptArena[prompt] != vote.arenaId {
                outcomes[index] = .rejected(.notFound("Prompt \(prompt) in arena \(vote.arenaId)", field: "promptId"))
            }
        }
    }

    /// Reads the stored votes with these battles or client ids into the maps.
    private mutating func loadStored(battles: [String], clientIds: [String]) async throws {
        let battleChunks = Array(Set(battles)).chunks(of: Self.lookupChunk)
        let clientChunks = Array(Set(clientIds)).chunks(of: Self.lookupChunk)
        for part in 0..<max(battleChunks.count, clientChunks.count) {
            let query = database.select().column("*").from("votes")
            if part < battleChunks.count {
                query.where("battle", .in, Array(battleChunks[part]))
            }
            if part < clientChunks.count {
                if part < battleChunks.count {
                    query.orWhere("client_vote_id", .in, Array(clientChunks[part]))
                } else {
                    query.where("client_vote_id", .in, Array(clientChunks[part]))
                }
            }
            for row in try await query.all() {
                remember(try StoreRecords.vote(row))
            }
        }
    }

    private mutating func remember(_ vote: StoredVote) {
        if let battle = vote.battle { byBattle[battle] = vote }
        if let clientId = vote.clientVoteId { byClient[clientId] = vote }
    }

    /// A vote that was not stored, answered from the vote stored for its client id or battle.
    private func answer(_ vote: NewVote) -> VoteOutcome? {
        if let clientId = vote.clientVoteId, let stored = byClient[clientId] {
            return stored.battle == vote.battle ? .replayed(stored) : .conflict(existing: stored)
        }
        if let battle = vote.battle, let stored = byBattle[battle] {
            return .conflict(existing: stored)
        }
        return nil
    }

    /// Inserts the votes at `indices` in one statement; returns the stored
    /// vote of each that was stored (the others lost their battle or client
    /// id to a concurrent transaction).
    private func insert(_ indices: [Int]) async throws -> [(Int, StoredVote)] {
        // Only the keys come back; the rest of each stored vote is what was
        // sent (created_at as the database keeps it, seconds in a double).
        let returned: [InsertedRow]
        if let sqlite {
            returned = try await insertSQLite(indices, on: sqlite)
        } else {
            returned = try await insertSQL(indices)
        }

        // Match rows to votes: by battle or client id where the vote has one
        // (unique within `indices`), else in id order — ids are assigned in
        // VALUES order, and votes without keys never conflict.
        var indexOfBattle: [String: Int] = [:]
        var indexOfClient: [String: Int] = [:]
        var keyless: [Int] = []
        for index in indices {
            let vote = votes[index]
            if let battle = vote.battle {
                indexOfBattle[battle] = index
            } else if let clientId = vote.clientVoteId {
                indexOfClient[clientId] = index
            } else {
                keyless.append(index)
            }
        }
        var matched: [(Int, StoredVote)] = []
        var keylessRows: [Int64] = []
        for row in returned {
            if let battle = row.battle, let index = indexOfBattle[battle] {
                matched.append((index, stored(votes[index], id: row.id)))
            } else if row.battle == nil, let clientId = row.clientId, let index = indexOfClient[clientId] {
                matched.append((index, stored(votes[index], id: row.id)))
            } else if row.battle == nil && row.clientId == nil {
                keylessRows.append(row.id)
            }
        }
        guard keylessRows.count == keyless.count else {
            throw StoreError.unavailable("The database returned \(keylessRows.count) of \(keyless.count) new votes; try again.")
        }
        keylessRows.sort()
        matched.append(contentsOf: zip(keyless, keylessRows).map { ($0, stored(votes[$0], id: $1)) })
        return matched
    }

    typealias InsertedRow = (id: Int64, battle: String?, clientId: String?)

    static let returning = ["id", "battle", "client_vote_id"]

    /// A value of an inserted row, before either database's binding of it.
    enum Value {
        case integer(Int64?)
        case text(String?)
        case real(Double)

        var bind: SQLBind {
            switch self {
            case .integer(let value): SQLBind(value)
            case .text(let value): SQLBind(value)
            case .real(let value): SQLBind(value)
            }
        }

        var encodable: any Encodable & Sendable {
            switch self {
            case .integer(let value): value
            case .text(let value): value
            case .real(let value): value
            }
        }

        var sqlite: SQLiteData {
            switch self {
            case .integer(let value): value.map { .integer(Int($0)) } ?? .null
            case .text(let value): value.map { .text($0) } ?? .null
            case .real(let value): .float(value)
            }
        }
    }

    /// A vote's values in the order of `columns`.
    static func values(_ vote: NewVote) throws -> [Value] {
        [
            .integer(vote.arenaId), .text(vote.battle), .integer(vote.promptId), .integer(vote.leftContenderId),
            .integer(vote.rightContenderId), .text(vote.choice.rawValue), .text(try StoreRecords.criteriaText(vote.criteria)),
            .text(vote.rationale), .integer(vote.timeToVoteMs.map(Int64.init)), .integer(vote.leftPlayedMs.map(Int64.init)),
            .integer(vote.rightPlayedMs.map(Int64.init)), .text(vote.voter), .text(vote.clientVoteId),
            .text(vote.source.rawValue), .real(vote.createdAt.timeIntervalSince1970),
            .integer(vote.leftOutputId), .integer(vote.rightOutputId),
        ]
    }

    /// PostgreSQL types of `columns`, for the casts of the VALUES list.
    static let postgresTypes = [
        "bigint", "text", "bigint", "bigint", "bigint", "text", "text", "text", "bigint", "bigint", "bigint", "text",
        "text", "text", "double precision", "bigint", "bigint",
    ]

    /// The INSERT on PostgreSQL, under the vote feed's advisory lock
    /// (`SQLPreferStore.voteFeedLock`), still one statement that commits by
    /// itself: the lock is taken in a materialized CTE that every inserted row
    /// joins, so before any row draws its id from the sequence, and held to
    /// the commit. Ids then grow in commit order across every process
    /// sharing the database, which is what lets the others read new votes by
    /// id (`PreferStore.changes(after:)`) without missing one that committed
    /// late. Rows keep their VALUES order (a cross join with one row).
    private func insertSQL(_ indices: [Int]) async throws -> [InsertedRow] {
        let columns = Self.columns.joined(separator: ", ")
        let head: String =
            "WITH feed_lock AS MATERIALIZED (SELECT 1 AS locked FROM pg_advisory_xact_lock(\(SQLPreferStore.voteFeedLock))) "
            + "INSERT INTO votes (\(columns)) SELECT v.* FROM feed_lock CROSS JOIN (VALUES "
        var query = SQLQueryString(head)
        for (row, index) in indices.enumerated() {
            query.appendLiteral(row == 0 ? "(" : ",(")
            let values = try Self.values(votes[index])
            assert(values.count == Self.postgresTypes.count, "a type for every column")
            for (column, (value, type)) in zip(values, Self.postgresTypes).enumerated() {
                if column > 0 { query.appendLiteral(",") }
                query.appendInterpolation(bind: value.encodable)
                query.appendLiteral("::" + type)
            }
            query.appendLiteral(")")
        }
        query.appendLiteral(") AS v(\(columns)) ON CONFLICT DO NOTHING RETURNING \(Self.returning.joined(separator: ", "))")
        return try await database.raw(query)
            .all()
            .map { row in
                (id: try row.decode(column: "id", as: Int64.self),
                 battle: try row.decode(column: "battle", as: String?.self),
                 clientId: try row.decode(column: "client_vote_id", as: String?.self))
            }
    }

    /// The same INSERT, written out and bound by hand on the SQLite connection.
    private func insertSQLite(_ indices: [Int], on connection: SQLiteConnection) async throws -> [InsertedRow] {
        let placeholders = "(" + Array(repeating: "?", count: Self.columns.count).joined(separator: ",") + ")"
        let sql = "INSERT INTO votes (\(Self.columns.joined(separator: ", "))) VALUES "
            + Array(repeating: placeholders, count: indices.count).joined(separator: ",")
            + " ON CONFLICT DO NOTHING RETURNING \(Self.returning.joined(separator: ", "))"
        var binds: [SQLiteData] = []
        binds.reserveCapacity(indices.count * Self.columns.count)
        for index in indices { binds += try Self.values(votes[index]).map(\.sqlite) }
        return try await connection.query(sql, binds).map { row in
            guard let id = row.column("id")?.integer else {
                throw StoreError.unavailable("The database returned a vote without an id; try again.")
            }
            return (id: Int64(id), battle: row.column("battle")?.string, clientId: row.column("client_vote_id")?.string)
        }
    }

    /// The vote as stored under `id`.
    private func stored(_ vote: NewVote, id: Int64) -> StoredVote {
        StoredVote(
            id: id, arenaId: vote.arenaId, battle: vote.battle, promptId: vote.promptId,
            leftContenderId: vote.leftContenderId, rightContenderId: vote.rightContenderId, choice: vote.choice,
            criteria: vote.criteria, rationale: vote.rationale, timeToVoteMs: vote.timeToVoteMs,
            leftPlayedMs: vote.leftPlayedMs, rightPlayedMs: vote.rightPlayedMs, voter: vote.voter,
            clientVoteId: vote.clientVoteId, source: vote.source,
            createdAt: Date(timeIntervalSince1970: vote.createdAt.timeIntervalSince1970),
            leftOutputId: vote.leftOutputId, rightOutputId: vote.rightOutputId)
    }
}
