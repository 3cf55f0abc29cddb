import SQLKit

extension Migration {
    /// Version 13: annotator attributes in the change feed. `store_changes`
    /// takes a new kind, `attributes` — an annotator set or declined
    /// attributes (the vote page's form, `PUT …/attributes`, an invite's
    /// values adopted), or an arena's declaration or minimum group size
    /// changed — and a `voter` column naming the annotator (the pseudonymous
    /// voter id stored with votes; NULL for the others), so that every
    /// replica refreshes the boards that read attributes (groups, weighted,
    /// mixture) without waiting for the next vote.
    ///
    /// The kind's CHECK must change. PostgreSQL drops and re-adds the named
    /// constraint. SQLite cannot alter a CHECK, so the table is rebuilt:
    /// every row is copied with its id (a rowid: the next is the largest
    /// plus one, as before), so a cursor read before the migration stays
    /// valid. Nothing references `store_changes` and it has no index besides
    /// its primary key.
    static let attributeChanges = Migration(version: 13, name: "attribute changes in the change feed") { database in
        let kinds = "kind IN ('created', 'contents', 'decisions', 'votes_imported', 'deleted', 'attributes')"
        let voterCheck = "voter IS NULL OR kind = 'attributes'"
        if database.dialect.name == "sqlite" {
            try await database.create(table: "store_changes_v2")
                .column("id", type: .bigint, .primaryKey)
                .column("arena_id", type: .bigint, .notNull)
                .column("kind", type: .text, .notNull)
                .column("created_at", type: .double, .notNull)
                .column("voter", type: .text)
                .check(SQLRaw(kinds), named: "store_changes_kind_check")
                .check(SQLRaw(voterCheck), named: "store_changes_voter_check")
                .run()
            try await database.raw(
                "INSERT INTO store_changes_v2 (id, arena_id, kind, created_at) SELECT id, arena_id, kind, created_at FROM store_changes"
            ).run()
            try await database.raw("DROP TABLE store_changes").run()
            try await database.raw("ALTER TABLE store_changes_v2 RENAME TO store_changes").run()
        } else {
            try await database.raw("ALTER TABLE store_changes DROP CONSTRAINT store_changes_kind_check").run()
            try await database.raw(SQLQueryString("ALTER TABLE store_changes ADD CONSTRAINT store_changes_kind_check CHECK (\(unsafeRaw: kinds))")).run()
            try await database.raw("ALTER TABLE store_changes ADD COLUMN voter TEXT").run()
            try await database.raw(SQLQueryString("ALTER TABLE store_changes ADD CONSTRAINT store_changes_voter_check CHECK (\(unsafeRaw: voterCheck))")).run()
        }
    }
}

extension SQLPreferStore {
    /// Applies the schema's steps up to `version` only: what a test needs to
    /// build a database as an older prefer left it, then migrate the rest.
    func migrate(through version: Int) async throws {
        try await Migration.migrate(connections, through: version)
    }
}
