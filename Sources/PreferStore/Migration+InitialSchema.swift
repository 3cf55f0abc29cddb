import SQLKit

extension Migration {
    /// Version 1: arenas, contenders, prompts, outputs, votes, invites, settings.
    ///
    /// The rules of the data live here, not only in code: unique names per
    /// arena, one output per (prompt, contender), one vote per battle and per
    /// client vote id, allowed values as CHECKs. Contenders, prompts and
    /// outputs of a vote or output must belong to its arena: they are
    /// referenced by (arena_id, id) pairs. Ids are 64-bit and increase;
    /// reals and timestamps are 8-byte floats (timestamps: seconds since 1970).
    /// Deleting an arena deletes everything in it; a contender or prompt with
    /// votes cannot be deleted on its own.
    static let initialSchema = Migration(version: 1, name: "initial schema") { database in
        try await database.create(table: "arenas")
            .column("id", type: .bigint, .primaryKey)
            .column("name", type: .text, .notNull)
            .column("description", type: .text)
            .column("sampling", type: .text, .notNull)
            .column("criteria", type: .text, .notNull, .default("[]"))
            .column("min_play_ms", type: .bigint)
            .column("annotations_per_item", type: .bigint, .notNull, .default(1))
            .column("is_private", type: .boolean, .notNull, .default(false))
            .column("created_at", type: .double, .notNull)
            .unique("name", named: "arenas_name_unique")
            .check(SQLRaw("length(name) BETWEEN 1 AND 200"), named: "arenas_name_check")
            .check(SQLRaw("sampling IN ('uniform', 'weighted')"), named: "arenas_sampling_check")
            .check(SQLRaw("annotations_per_item >= 1"), named: "arenas_annotations_check")
            .check(SQLRaw("min_play_ms IS NULL OR min_play_ms >= 0"), named: "arenas_min_play_check")
            .run()

        try await database.create(table: "contenders")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("name", type: .text, .notNull)
            .column("weight", type: .double, .notNull, .default(1.0))
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "contenders_arena_fkey")
            .unique("arena_id", "name", named: "contenders_arena_name_unique")
            .unique("arena_id", "id", named: "contenders_arena_id_unique")
            .check(SQLRaw("length(name) BETWEEN 1 AND 1000"), named: "contenders_name_check")
            // NaN fails on both: SQLite stores it as NULL, PostgreSQL sorts it above every number.
            .check(SQLRaw("weight > 0 AND weight < 1e308"), named: "contenders_weight_check")
            .run()

        try await database.create(table: "prompts")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("text", type: .text, .notNull)
            // SHA-256 of the text, lowercase hex: prompts are unique by text, and a
            // PostgreSQL btree cannot hold a long text.
            .column("text_hash", type: .text, .notNull)
            .column("category", type: .text)
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "prompts_arena_fkey")
            .unique("arena_id", "text_hash", named: "prompts_arena_text_unique")
            .unique("arena_id", "id", named: "prompts_arena_id_unique")
            .check(SQLRaw("length(text_hash) = 64"), named: "prompts_text_hash_check")
            .run()

        try await database.create(table: "outputs")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("prompt_id", type: .bigint, .notNull)
            .column("contender_id", type: .bigint, .notNull)
            .column("content", type: .text, .notNull)
            .column("media", type: .text, .notNull, .default("text"))
            .column("url", type: .text)
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "outputs_arena_fkey")
            .foreignKey(
                ["arena_id", "prompt_id"], references: "prompts", ["arena_id", "id"], onDelete: .cascade,
                named: "outputs_prompt_fkey")
            .foreignKey(
                ["arena_id", "contender_id"], references: "contenders", ["arena_id", "id"], onDelete: .cascade,
                named: "outputs_contender_fkey")
            .unique("prompt_id", "contender_id", named: "outputs_prompt_contender_unique")
            .check(SQLRaw("media IN ('text', 'image', 'audio', 'video', 'model3d')"), named: "outputs_media_check")
            .check(SQLRaw("media = 'text' OR url IS NOT NULL"), named: "outputs_url_check")
            .run()
        try await database.create(index: "outputs_arena_idx").on("outputs").column("arena_id").column("id").run()
        try await database.create(index: "outputs_contender_idx").on("outputs").column("contender_id").run()

        try await database.create(table: "votes")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("battle", type: .text)
            .column("prompt_id", type: .bigint)
            .column("left_contender_id", type: .bigint, .notNull)
            .column("right_contender_id", type: .bigint, .notNull)
            .column("choice", type: .text, .notNull)
            .column("criteria", type: .text, .notNull, .default("{}"))
            .column("rationale", type: .text)
            .column("time_to_vote_ms", type: .bigint)
            .column("left_played_ms", type: .bigint)
            .column("right_played_ms", type: .bigint)
            .column("voter", type: .text)
            .column("client_vote_id", type: .text)
            .column("source", type: .text, .notNull)
            .column("created_at", type: .double, .notNull)
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "votes_arena_fkey")
            .foreignKey(
                ["arena_id", "left_contender_id"], references: "contenders", ["arena_id", "id"],
                named: "votes_left_contender_fkey")
            .foreignKey(
                ["arena_id", "right_contender_id"], references: "contenders", ["arena_id", "id"],
                named: "votes_right_contender_fkey")
            // MATCH SIMPLE (the default on both): a vote without a prompt is not checked.
            .foreignKey(["arena_id", "prompt_id"], references: "prompts", ["arena_id", "id"], named: "votes_prompt_fkey")
            .check(SQLRaw("left_contender_id <> right_contender_id"), named: "votes_distinct_sides_check")
            .check(SQLRaw("choice IN ('left', 'right', 'tie', 'both_bad')"), named: "votes_choice_check")
            .check(SQLRaw("source IN ('battle', 'import', 'judge')"), named: "votes_source_check")
            .check(
                SQLRaw(
                    "(time_to_vote_ms IS NULL OR time_to_vote_ms >= 0) AND (left_played_ms IS NULL OR left_played_ms >= 0) "
                        + "AND (right_played_ms IS NULL OR right_played_ms >= 0)"),
                named: "votes_times_check")
            .check(
                SQLRaw("length(battle) <= 256 AND length(client_vote_id) <= 256"), named: "votes_key_length_check")
            .run()
        // One vote per battle and per client vote id. Partial unique indexes: the
        // same rule as UNIQUE columns (NULLs never collide), without index entries
        // for the many votes that have neither (imported ones).
        try await database.raw(
            "CREATE UNIQUE INDEX votes_battle_unique ON votes (battle) WHERE battle IS NOT NULL"
        ).run()
        try await database.raw(
            "CREATE UNIQUE INDEX votes_client_vote_id_unique ON votes (client_vote_id) WHERE client_vote_id IS NOT NULL"
        ).run()
        // Paging an arena's votes in id order (export) and counting them.
        try await database.create(index: "votes_arena_idx").on("votes").column("arena_id").column("id").run()
        // Foreign keys are checked from the referenced side when a contender or prompt is deleted.
        try await database.create(index: "votes_left_idx").on("votes").column("left_contender_id").run()
        try await database.create(index: "votes_right_idx").on("votes").column("right_contender_id").run()
        try await database.raw("CREATE INDEX votes_prompt_idx ON votes (prompt_id) WHERE prompt_id IS NOT NULL").run()

        try await database.create(table: "invites")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("name", type: .text, .notNull)
            .column("token_hash", type: .text, .notNull)
            .column("created_at", type: .double, .notNull)
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "invites_arena_fkey")
            .unique("token_hash", named: "invites_token_hash_unique")
            .unique("arena_id", "name", named: "invites_arena_name_unique")
            .check(SQLRaw("length(name) BETWEEN 1 AND 200"), named: "invites_name_check")
            .check(SQLRaw("length(token_hash) BETWEEN 1 AND 256"), named: "invites_token_hash_check")
            .run()

        try await database.create(table: "settings")
            .column("key", type: .text, .primaryKey(autoIncrement: false))
            .column("value", type: .text, .notNull)
            .run()
    }
}
