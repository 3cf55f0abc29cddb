import SQLKit

extension Migration {
    /// Version 2: what administration needs — arenas archived or with a
    /// public leaderboard, contenders retired or hidden, outputs withdrawn or
    /// replaced (a replacement is a new row; votes keep naming the outputs
    /// they were cast on), invites revoked, named API keys with roles, the
    /// log of admin actions, and the admin's decisions about annotators the
    /// audit flagged.
    ///
    /// One output per (prompt, contender) becomes one *current* output: the
    /// table-level UNIQUE gives way to a partial unique index over the
    /// outputs not withdrawn. SQLite cannot drop a table constraint, so there
    /// the table is rebuilt (nothing references outputs by foreign key).
    static let administration = Migration(version: 2, name: "administration") { database in
        let sqlite = database.dialect.name == "sqlite"

        try await database.alter(table: "arenas").column("archived_at", type: .double).run()
        try await database.raw("ALTER TABLE arenas ADD COLUMN leaderboard_public BOOLEAN NOT NULL DEFAULT FALSE").run()

        try await database.alter(table: "contenders").column("retired_at", type: .double).run()
        try await database.raw("ALTER TABLE contenders ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE").run()

        try await database.alter(table: "invites").column("revoked_at", type: .double).run()

        // Which outputs a battle's vote was cast on.
        try await database.alter(table: "votes").column("left_output_id", type: .bigint).run()
        try await database.alter(table: "votes").column("right_output_id", type: .bigint).run()

        if sqlite {
            try await database.create(table: "outputs_v2")
                .column("id", type: .bigint, .primaryKey)
                .column("arena_id", type: .bigint, .notNull)
                .column("prompt_id", type: .bigint, .notNull)
                .column("contender_id", type: .bigint, .notNull)
                .column("content", type: .text, .notNull)
                .column("media", type: .text, .notNull, .default("text"))
                .column("url", type: .text)
                .column("withdrawn_at", type: .double)
                .column("replaced_by", type: .bigint)
                .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "outputs_arena_fkey")
                .foreignKey(
                    ["arena_id", "prompt_id"], references: "prompts", ["arena_id", "id"], onDelete: .cascade,
                    named: "outputs_prompt_fkey")
                .foreignKey(
                    ["arena_id", "contender_id"], references: "contenders", ["arena_id", "id"], onDelete: .cascade,
                    named: "outputs_contender_fkey")
                .check(SQLRaw("media IN ('text', 'image', 'audio', 'video', 'model3d')"), named: "outputs_media_check")
                .check(SQLRaw("media = 'text' OR url IS NOT NULL"), named: "outputs_url_check")
                .run()
            try await database.raw(
                "INSERT INTO outputs_v2 (id, arena_id, prompt_id, contender_id, content, media, url) "
                    + "SELECT id, arena_id, prompt_id, contender_id, content, media, url FROM outputs"
            ).run()
            try await database.raw("DROP TABLE outputs").run()
            try await database.raw("ALTER TABLE outputs_v2 RENAME TO outputs").run()
            try await database.create(index: "outputs_arena_idx").on("outputs").column("arena_id").column("id").run()
            try await database.create(index: "outputs_contender_idx").on("outputs").column("contender_id").run()
        } else {
            try await database.alter(table: "outputs").column("withdrawn_at", type: .double).run()
            try await database.alter(table: "outputs").column("replaced_by", type: .bigint).run()
            try await database.raw("ALTER TABLE outputs DROP CONSTRAINT outputs_prompt_contender_unique").run()
        }
        try await database.raw(
            "CREATE UNIQUE INDEX outputs_current_unique ON outputs (prompt_id, contender_id) WHERE withdrawn_at IS NULL"
        ).run()

        try await database.create(table: "api_keys")
            .column("id", type: .bigint, .primaryKey)
            .column("name", type: .text, .notNull)
            .column("role", type: .text, .notNull)
            .column("key_hash", type: .text, .notNull)
            .column("created_at", type: .double, .notNull)
            .column("revoked_at", type: .double)
            .unique("name", named: "api_keys_name_unique")
            .unique("key_hash", named: "api_keys_hash_unique")
            .check(SQLRaw("role IN ('viewer', 'admin', 'owner')"), named: "api_keys_role_check")
            .check(SQLRaw("length(name) BETWEEN 1 AND 100"), named: "api_keys_name_check")
            .check(SQLRaw("length(key_hash) = 64"), named: "api_keys_hash_check")
            .run()

        try await database.create(table: "audit_log")
            .column("id", type: .bigint, .primaryKey)
            .column("at", type: .double, .notNull)
            .column("actor", type: .text, .notNull)
            .column("operation", type: .text, .notNull)
            .column("method", type: .text, .notNull)
            .column("path", type: .text, .notNull)
            .column("status", type: .bigint, .notNull)
            .column("detail", type: .text)
            .run()

        try await database.create(table: "voter_decisions")
            .column("arena_id", type: .bigint, .notNull)
            .column("voter", type: .text, .notNull)
            .column("decision", type: .text, .notNull)
            .column("decided_at", type: .double, .notNull)
            .column("actor", type: .text, .notNull)
            .column("note", type: .text)
            .primaryKey("arena_id", "voter")
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "voter_decisions_arena_fkey")
            .check(SQLRaw("decision IN ('keep', 'exclude')"), named: "voter_decisions_decision_check")
            .run()
    }
}
