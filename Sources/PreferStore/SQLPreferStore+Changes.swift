import Foundation
import SQLKit

extension SQLPreferStore {
    /// PostgreSQL advisory lock (transaction-scoped) under which votes take
    /// their ids and commit: ids then grow in commit order, so a reader that
    /// has seen vote `n` will never see a vote below `n` appear later ("prefer
    /// votes" in ASCII). SQLite needs none: it has one writer at a time.
    static let voteFeedLock: Int64 = 0x7072_6566_5F76
    /// The same for rows of `store_changes` ("prefer changes").
    static let changeFeedLock: Int64 = 0x7072_6566_5F63
    /// The same for K-way votes (`kway_votes`, "prefer kway"): their own
    /// lock, so that a K-way vote never waits for a batch of pairwise ones.
    static let kwayFeedLock: Int64 = 0x7072_6566_5F6B

    public func changeCursor() async throws -> ChangeCursor {
        try await connections.withConnection { database in
            let row = try await database.raw(
                """
                SELECT (SELECT COALESCE(MAX(id), 0) FROM votes) AS vote,
                       (SELECT COALESCE(MAX(id), 0) FROM store_changes) AS change,
                       (SELECT COALESCE(MAX(id), 0) FROM kway_votes) AS kway
                """
            ).first()
            return ChangeCursor(
                vote: try row?.decode(column: "vote", as: Int64.self) ?? 0,
                change: try row?.decode(column: "change", as: Int64.self) ?? 0,
                kway: try row?.decode(column: "kway", as: Int64.self) ?? 0)
        }
    }

    /// One statement (one snapshot, one round trip): the arenas with votes
    /// after the cursor, with their highest id — a range scan of the primary
    /// key over the new votes only — the same for K-way votes, and the rows
    /// of `store_changes` after it.
    public func changes(after cursor: ChangeCursor) async throws -> StoreChanges {
        try await connections.withConnection { database in
            let rows = try await database.raw(
                """
                SELECT 0 AS feed, arena_id, MAX(id) AS id, '' AS kind, CAST(NULL AS TEXT) AS voter FROM votes WHERE id > \(bind: cursor.vote) GROUP BY arena_id
                UNION ALL
                SELECT 1 AS feed, arena_id, id, kind, voter FROM store_changes WHERE id > \(bind: cursor.change)
                UNION ALL
                SELECT 2 AS feed, arena_id, MAX(id) AS id, '' AS kind, CAST(NULL AS TEXT) AS voter FROM kway_votes WHERE id > \(bind: cursor.kway) GROUP BY arena_id
                ORDER BY feed, id
                """
            ).all()
            var changes = StoreChanges(cursor: cursor)
            for row in rows {
                let arena = try row.decode(column: "arena_id", as: Int64.self)
                let id = try row.decode(column: "id", as: Int64.self)
                switch try row.decode(column: "feed", as: Int.self) {
                case 0:
                    changes.votes[arena] = id
                    changes.cursor.vote = max(changes.cursor.vote, id)
                case 2:
                    changes.kwayVotes[arena] = id
                    changes.cursor.kway = max(changes.cursor.kway, id)
                default:
                    let text = try row.decode(column: "kind", as: String.self)
                    // A kind this build does not know (a newer replica's) is safest read as "reload everything".
                    let kind = StoreChanges.Kind(rawValue: text) ?? .votesImported
                    let voter = kind == .attributes ? try row.decode(column: "voter", as: String?.self) : nil
                    changes.arenas.append(.init(arena: arena, kind: kind, voter: voter))
                    changes.cursor.change = max(changes.cursor.change, id)
                }
            }
            return changes
        }
    }

    /// Records a change of `arena` for the other processes: the last
    /// statement of a writing transaction, so that the lock it takes on
    /// PostgreSQL (rows of `store_changes` then get their ids in commit
    /// order) is held only until the commit that follows.
    static func recordChange(arena: Int64, _ kind: StoreChanges.Kind, in database: any SQLDatabase) async throws {
        try await lockChangeFeed(database)
        try await database.insert(into: "store_changes")
            .columns("arena_id", "kind", "created_at")
            .values(arena, kind.rawValue, Date().timeIntervalSince1970)
            .run()
    }

    /// Records that annotator attributes of `arena` changed — `voter`'s
    /// answers, or (nil) the arena's declaration or minimum group size — the
    /// same way: last in the transaction that wrote them.
    static func recordAttributesChange(arena: Int64, voter: String?, in database: any SQLDatabase) async throws {
        try await lockChangeFeed(database)
        try await database.insert(into: "store_changes")
            .columns("arena_id", "kind", "created_at", "voter")
            .values(SQLBind(arena), SQLBind(StoreChanges.Kind.attributes.rawValue), SQLBind(Date().timeIntervalSince1970),
                    voter.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
            .run()
    }

    private static func lockChangeFeed(_ database: any SQLDatabase) async throws {
        if database.dialect.name == "postgresql" {
            try await database.raw("SELECT pg_advisory_xact_lock(\(literal: changeFeedLock))").run()
        }
    }
}
