import SQLKit

extension Migration {
    /// Version 2: `store_changes`, the feed of changes to arenas that every
    /// process sharing the database reads to keep its caches in step
    /// (`PreferStore.changes(after:)`). Votes need no row here: their own
    /// ids, which grow in commit order, are their feed.
    ///
    /// Rows outlive their arena (no foreign key): a deletion is itself a change.
    static let changeFeed = Migration(version: 4, name: "change feed") { database in
        try await database.create(table: "store_changes")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("kind", type: .text, .notNull)
            .column("created_at", type: .double, .notNull)
            .check(
                SQLRaw("kind IN ('created', 'contents', 'decisions', 'votes_imported', 'deleted')"), named: "store_changes_kind_check")
            .run()
    }
}
