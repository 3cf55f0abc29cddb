import SQLKit

extension Migration {
    /// AI judges: their configurations, the answers they gave (also the
    /// cache that makes a rerun free), the failures, the runs over an arena
    /// with one row per item judged, and each arena's rule for validating a
    /// judge against people.
    ///
    /// An API key is never stored: a judge's configuration names the
    /// environment variable that holds it. A judge's votes go to `votes`
    /// with source 'judge', battle 'judge:<judge id>:p<prompt>:<left>:<right>'
    /// (so a judge votes once on a prompt and pair, whatever the run) and
    /// the judge's name as voter.
    static let judges = Migration(version: 3, name: "judges") { database in
        try await database.create(table: "judges")
            .column("id", type: .bigint, .primaryKey)
            .column("name", type: .text, .notNull)
            .column("configuration", type: .text, .notNull)
            .column("created_at", type: .double, .notNull)
            .column("updated_at", type: .double, .notNull)
            .unique("name", named: "judges_name_unique")
            .check(SQLRaw("length(name) BETWEEN 1 AND 200"), named: "judges_name_check")
            .run()

        // One row per distinct request ever answered: the cache key is the
        // SHA-256 of the endpoint and the exact request body (model, sampling,
        // messages), so the same question is never paid for twice.
        try await database.create(table: "judge_answers")
            .column("id", type: .bigint, .primaryKey)
            .column("cache_key", type: .text, .notNull)
            .column("prompt_hash", type: .text, .notNull)
            .column("judge_id", type: .bigint)
            .column("answer", type: .text, .notNull)
            .column("verdict", type: .text)
            .column("unparseable", type: .text)
            .column("prompt_tokens", type: .bigint, .notNull, .default(0))
            .column("completion_tokens", type: .bigint, .notNull, .default(0))
            .column("latency_ms", type: .double, .notNull, .default(0))
            .column("attempts", type: .bigint, .notNull, .default(1))
            .column("created_at", type: .double, .notNull)
            .foreignKey(["judge_id"], references: "judges", ["id"], onDelete: .setNull, named: "judge_answers_judge_fkey")
            .unique("cache_key", named: "judge_answers_cache_key_unique")
            .check(SQLRaw("length(cache_key) = 64 AND length(prompt_hash) = 64"), named: "judge_answers_hash_check")
            .run()

        try await database.create(table: "judge_runs")
            .column("id", type: .bigint, .primaryKey)
            .column("judge_id", type: .bigint, .notNull)
            .column("arena_id", type: .bigint, .notNull)
            .column("selection", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("total_items", type: .bigint, .notNull, .default(0))
            .column("done_items", type: .bigint, .notNull, .default(0))
            .column("failed_items", type: .bigint, .notNull, .default(0))
            .column("requests", type: .bigint, .notNull, .default(0))
            .column("cached", type: .bigint, .notNull, .default(0))
            .column("prompt_tokens", type: .bigint, .notNull, .default(0))
            .column("completion_tokens", type: .bigint, .notNull, .default(0))
            .column("errors", type: .bigint, .notNull, .default(0))
            .column("unparseable", type: .bigint, .notNull, .default(0))
            .column("consistent", type: .bigint, .notNull, .default(0))
            .column("inconsistent", type: .bigint, .notNull, .default(0))
            .column("message", type: .text)
            .column("cancel_requested", type: .boolean, .notNull, .default(false))
            .column("created_at", type: .double, .notNull)
            .column("updated_at", type: .double, .notNull)
            .foreignKey(["judge_id"], references: "judges", ["id"], onDelete: .cascade, named: "judge_runs_judge_fkey")
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "judge_runs_arena_fkey")
            .check(
                SQLRaw("status IN ('pending', 'running', 'completed', 'cancelled', 'failed')"), named: "judge_runs_status_check")
            .run()
        try await database.create(index: "judge_runs_arena_idx").on("judge_runs").column("arena_id").column("judge_id").run()

        try await database.create(table: "judge_run_items")
            .column("id", type: .bigint, .primaryKey)
            .column("run_id", type: .bigint, .notNull)
            .column("item_key", type: .text, .notNull)
            .column("prompt_id", type: .bigint, .notNull)
            .column("contenders", type: .text, .notNull)
            .column("human_vote_id", type: .bigint)
            .column("status", type: .text, .notNull, .default("pending"))
            .column("result", type: .text)
            .column("error", type: .text)
            .foreignKey(["run_id"], references: "judge_runs", ["id"], onDelete: .cascade, named: "judge_run_items_run_fkey")
            .unique("run_id", "item_key", named: "judge_run_items_key_unique")
            .check(SQLRaw("status IN ('pending', 'done', 'failed')"), named: "judge_run_items_status_check")
            .run()
        try await database.create(index: "judge_run_items_pending_idx").on("judge_run_items")
            .column("run_id").column("status").column("id").run()

        // Every request that failed after its retries (timeouts, 429s, 5xx, bad JSON).
        try await database.create(table: "judge_failures")
            .column("id", type: .bigint, .primaryKey)
            .column("judge_id", type: .bigint)
            .column("run_id", type: .bigint)
            .column("cache_key", type: .text, .notNull)
            .column("prompt_hash", type: .text, .notNull)
            .column("error", type: .text, .notNull)
            .column("attempts", type: .bigint, .notNull)
            .column("latency_ms", type: .double, .notNull)
            .column("created_at", type: .double, .notNull)
            .foreignKey(["judge_id"], references: "judges", ["id"], onDelete: .setNull, named: "judge_failures_judge_fkey")
            .foreignKey(["run_id"], references: "judge_runs", ["id"], onDelete: .cascade, named: "judge_failures_run_fkey")
            .run()

        try await database.create(table: "judge_validation_rules")
            .column("arena_id", type: .bigint, .notNull)
            .column("judge_id", type: .bigint, .notNull)
            .column("threshold", type: .double, .notNull)
            .column("min_battles", type: .bigint, .notNull)
            .column("updated_at", type: .double, .notNull)
            .primaryKey("arena_id", "judge_id")
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "judge_validation_arena_fkey")
            .foreignKey(["judge_id"], references: "judges", ["id"], onDelete: .cascade, named: "judge_validation_judge_fkey")
            .check(SQLRaw("threshold >= 0 AND threshold <= 1 AND min_battles >= 1"), named: "judge_validation_check")
            .run()
    }
}
