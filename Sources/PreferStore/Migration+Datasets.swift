import SQLKit

extension Migration {
    /// Version 2: what imported preference datasets need besides votes.
    ///
    /// - `item_preferences`: comparisons of two outputs whose contenders are
    ///   unknown (TRL/HH-RLHF pairs, AdParaphrase): the texts inline, the
    ///   annotations as counts per side. They feed exports, agreement, driver
    ///   analyses and reward models, never a leaderboard (no contenders).
    /// - `ratings`: a score per (prompt, contender, aspect) — UltraFeedback's
    ///   per-aspect ratings — from which pairs are derived.
    /// - `vote_details`: what some imported votes carry beyond a choice: the
    ///   rating margin that made them, an importance weight.
    /// - `prompts.messages`, `outputs.messages`: the chat messages (JSON) of a
    ///   prompt or output given in TRL's conversational format; `text` and
    ///   `content` hold their plain rendering.
    /// - `votes_arena_prompt_idx`: exports read an arena's votes prompt by prompt.
    static let datasets = Migration(version: 5, name: "datasets: item preferences, ratings, vote details, chat messages") {
        database in
        try await database.raw("ALTER TABLE prompts ADD COLUMN messages TEXT").run()
        try await database.raw("ALTER TABLE outputs ADD COLUMN messages TEXT").run()

        try await database.create(table: "item_preferences")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("prompt_id", type: .bigint)
            .column("text_a", type: .text, .notNull)
            .column("text_b", type: .text, .notNull)
            .column("messages_a", type: .text)
            .column("messages_b", type: .text)
            .column("a_wins", type: .bigint, .notNull, .default(0))
            .column("b_wins", type: .bigint, .notNull, .default(0))
            .column("ties", type: .bigint, .notNull, .default(0))
            .column("both_bad", type: .bigint, .notNull, .default(0))
            .column("weight", type: .double, .notNull, .default(1.0))
            .column("margin", type: .double)
            .column("voter", type: .text)
            .column("category", type: .text)
            .column("rationale", type: .text)
            .column("source", type: .text, .notNull)
            .column("created_at", type: .double, .notNull)
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "item_preferences_arena_fkey")
            .foreignKey(
                ["arena_id", "prompt_id"], references: "prompts", ["arena_id", "id"], onDelete: .cascade,
                named: "item_preferences_prompt_fkey")
            .check(
                SQLRaw("a_wins >= 0 AND b_wins >= 0 AND ties >= 0 AND both_bad >= 0 AND a_wins + b_wins + ties + both_bad >= 1"),
                named: "item_preferences_counts_check")
            .check(SQLRaw("weight > 0 AND weight < 1e308"), named: "item_preferences_weight_check")
            .check(SQLRaw("source IN ('human', 'judge')"), named: "item_preferences_source_check")
            .run()
        try await database.create(index: "item_preferences_arena_prompt_idx").on("item_preferences")
            .column("arena_id").column("prompt_id").column("id").run()

        try await database.create(table: "ratings")
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
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "ratings_arena_fkey")
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
        try await database.create(index: "ratings_arena_prompt_idx").on("ratings").column("arena_id").column("prompt_id").run()
        try await database.create(index: "ratings_contender_idx").on("ratings").column("contender_id").run()

        try await database.create(table: "vote_details")
            .column("vote_id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("margin", type: .double)
            .column("weight", type: .double, .notNull, .default(1.0))
            .foreignKey(["vote_id"], references: "votes", ["id"], onDelete: .cascade, named: "vote_details_vote_fkey")
            .check(SQLRaw("weight > 0 AND weight < 1e308"), named: "vote_details_weight_check")
            .run()

        try await database.raw(
            "CREATE INDEX votes_arena_prompt_idx ON votes (arena_id, prompt_id, id) WHERE prompt_id IS NOT NULL"
        ).run()
    }
}
