import SQLKit

extension Migration {
    /// Fewer foreign-key checks per imported row, the same rules.
    ///
    /// An item preference with a prompt already names its arena twice: by
    /// `item_preferences_prompt_fkey`, (arena_id, prompt_id) → prompts
    /// (arena_id, id) — the prompt exists *in this arena*, and the prompt's
    /// own key says the arena exists — and again by
    /// `item_preferences_arena_fkey`, arena_id → arenas. PostgreSQL checks
    /// every foreign key of every inserted row with its own query (`SELECT
    /// … FOR KEY SHARE`), and those checks were 39% of the server's time on
    /// a million-pair import. So the arena key now covers only the rows the
    /// prompt key does not: it references a generated column,
    /// `arena_without_prompt` = arena_id when prompt_id IS NULL, else NULL,
    /// and a foreign key with a NULL column is not checked (MATCH SIMPLE, on
    /// both databases). Every row still names an existing arena, and
    /// deleting an arena still deletes all its item preferences (those with a
    /// prompt through their prompt, the others through this key; a partial
    /// index finds those). One check per row instead of two.
    ///
    /// `ratings` had the same redundant key: `ratings_prompt_fkey` and
    /// `ratings_contender_fkey` (prompt and contender NOT NULL) both imply
    /// the arena, and both cascade from it; `ratings_arena_fkey` is dropped.
    /// (`outputs` keeps its arena key: K-way vote members reference outputs,
    /// and PostgreSQL checks their key before a second-level cascade; votes
    /// keep theirs: it is their only cascade from the arena.)
    ///
    /// PostgreSQL: `prompts.text_hash` compares bytewise (`COLLATE "C"`):
    /// it is a hex digest, and under a linguistic default collation every
    /// insert into `prompts_arena_text_unique` — a random key — compared
    /// with `strcoll`. (SQLite already compares texts bytewise.)
    ///
    /// SQLite cannot drop or add a table constraint: both tables are rebuilt,
    /// every row copied with its id, their indexes created again. Nothing
    /// references either table by foreign key.
    static let importForeignKeys = Migration(version: 15, name: "one foreign-key check per imported item preference") {
        database in
        let withoutPrompt = "CASE WHEN prompt_id IS NULL THEN arena_id END"
        if database.dialect.name == "sqlite" {
            try await database.raw(
                SQLQueryString(
                    """
                    CREATE TABLE item_preferences_v2 (
                        id INTEGER PRIMARY KEY, arena_id INTEGER NOT NULL, prompt_id INTEGER,
                        text_a TEXT NOT NULL, text_b TEXT NOT NULL, messages_a TEXT, messages_b TEXT,
                        a_wins INTEGER NOT NULL DEFAULT 0, b_wins INTEGER NOT NULL DEFAULT 0,
                        ties INTEGER NOT NULL DEFAULT 0, both_bad INTEGER NOT NULL DEFAULT 0,
                        weight DOUBLE PRECISION NOT NULL DEFAULT 1.0, margin DOUBLE PRECISION,
                        voter TEXT, category TEXT, rationale TEXT, source TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                        arena_without_prompt INTEGER GENERATED ALWAYS AS (\(unsafeRaw: withoutPrompt)) STORED,
                        CONSTRAINT item_preferences_arena_fkey FOREIGN KEY (arena_without_prompt) REFERENCES arenas (id) ON DELETE CASCADE,
                        CONSTRAINT item_preferences_prompt_fkey FOREIGN KEY (arena_id, prompt_id) REFERENCES prompts (arena_id, id) ON DELETE CASCADE,
                        CONSTRAINT item_preferences_counts_check CHECK (a_wins >= 0 AND b_wins >= 0 AND ties >= 0 AND both_bad >= 0 AND a_wins + b_wins + ties + both_bad >= 1),
                        CONSTRAINT item_preferences_weight_check CHECK (weight > 0 AND weight < 1e308),
                        CONSTRAINT item_preferences_source_check CHECK (source IN ('human', 'judge'))
                    )
                    """)
            ).run()
            let itemColumns =
                "id, arena_id, prompt_id, text_a, text_b, messages_a, messages_b, a_wins, b_wins, ties, both_bad, weight, margin, "
                + "voter, category, rationale, source, created_at"
            try await database.raw(
                SQLQueryString("INSERT INTO item_preferences_v2 (\(unsafeRaw: itemColumns)) SELECT \(unsafeRaw: itemColumns) FROM item_preferences")
            ).run()
            try await database.raw("DROP TABLE item_preferences").run()
            try await database.raw("ALTER TABLE item_preferences_v2 RENAME TO item_preferences").run()
            try await database.create(index: "item_preferences_arena_prompt_idx").on("item_preferences")
                .column("arena_id").column("prompt_id").column("id").run()

            try await database.create(table: "ratings_v2")
                .column("id", type: .bigint, .primaryKey)
                .column("arena_id", type: .bigint, .notNull)
                .column("prompt_id", type: .bigint, .notNull)
                .column("contender_id", type: .bigint, .notNull)
                .column("aspect", type: .text, .notNull)
                .column("score", type: .double, .notNull)
                .column("rationale", type: .text)
                .column("voter", type: .text)
                .column("source", type: .text, .notNull)
                .column("created_at", type: .double, .notNull)
                .foreignKey(
                    ["arena_id", "prompt_id"], references: "prompts", ["arena_id", "id"], onDelete: .cascade,
                    named: "ratings_prompt_fkey")
                .foreignKey(
                    ["arena_id", "contender_id"], references: "contenders", ["arena_id", "id"], onDelete: .cascade,
                    named: "ratings_contender_fkey")
                .check(SQLRaw("length(aspect) BETWEEN 1 AND 200"), named: "ratings_aspect_check")
                .check(SQLRaw("score > -1e308 AND score < 1e308"), named: "ratings_score_check")
                .check(SQLRaw("source IN ('human', 'judge')"), named: "ratings_source_check")
                .run()
            let ratingColumns = "id, arena_id, prompt_id, contender_id, aspect, score, rationale, voter, source, created_at"
            try await database.raw(
                SQLQueryString("INSERT INTO ratings_v2 (\(unsafeRaw: ratingColumns)) SELECT \(unsafeRaw: ratingColumns) FROM ratings")
            ).run()
            try await database.raw("DROP TABLE ratings").run()
            try await database.raw("ALTER TABLE ratings_v2 RENAME TO ratings").run()
            try await database.create(index: "ratings_arena_prompt_idx").on("ratings").column("arena_id").column("prompt_id").run()
            try await database.create(index: "ratings_contender_idx").on("ratings").column("contender_id").run()
        } else {
            try await database.raw(
                SQLQueryString(
                    "ALTER TABLE item_preferences ADD COLUMN arena_without_prompt BIGINT GENERATED ALWAYS AS (\(unsafeRaw: withoutPrompt)) STORED"
                )
            ).run()
            try await database.raw("ALTER TABLE item_preferences DROP CONSTRAINT item_preferences_arena_fkey").run()
            try await database.raw(
                """
                ALTER TABLE item_preferences ADD CONSTRAINT item_preferences_arena_fkey
                    FOREIGN KEY (arena_without_prompt) REFERENCES arenas (id) ON DELETE CASCADE
                """
            ).run()
            try await database.raw("ALTER TABLE ratings DROP CONSTRAINT ratings_arena_fkey").run()
            try await database.raw(#"ALTER TABLE prompts ALTER COLUMN text_hash TYPE TEXT COLLATE "C""#).run()
        }
        // Deleting an arena finds its item preferences without a prompt (few, or none) by this index.
        try await database.raw(
            """
            CREATE INDEX item_preferences_without_prompt_idx ON item_preferences (arena_without_prompt)
                WHERE arena_without_prompt IS NOT NULL
            """
        ).run()
    }
}
