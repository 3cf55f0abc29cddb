import SQLKit

extension Migration {
    /// Version 6: K-way arenas and their votes (issue 11).
    ///
    /// - `arenas.k`: how many outputs a battle shows, 2 (pairwise, as before)
    ///   to 8. Pairwise arenas keep every vote in `votes`, unchanged.
    /// - `kway_votes`: one row per vote on a K-way battle — one vote per
    ///   battle and per client vote id (partial unique indexes, as for
    ///   `votes`), `kind` `best` (pick the best of K) or `ranking` (full or
    ///   partial, best first).
    /// - `kway_vote_members`: the K candidates of each vote, in the order
    ///   shown (`position` 1…K: left to right, key 1…K), each with its
    ///   contender, output and `place` (1 = best, 0 = unranked). A contender
    ///   appears once per vote; a place above 0 is given once per vote
    ///   (partial unique index); a best-of-K vote places exactly one
    ///   candidate, first — the server checks the rest (place ≤ number
    ///   ranked, positions 1…K without gaps) before writing.
    ///
    /// Members reference contenders and outputs by (arena_id, id), so a vote
    /// cannot name another arena's; deleting an arena deletes its K-way votes.
    static let kway = Migration(version: 7, name: "k-way arenas and votes") { database in
        try await database.raw(
            "ALTER TABLE arenas ADD COLUMN k BIGINT NOT NULL DEFAULT 2 CONSTRAINT arenas_k_check CHECK (k BETWEEN 2 AND 8)"
        ).run()

        try await database.create(table: "kway_votes")
            .column("id", type: .bigint, .primaryKey)
            .column("arena_id", type: .bigint, .notNull)
            .column("battle", type: .text)
            .column("prompt_id", type: .bigint)
            .column("k", type: .bigint, .notNull)
            .column("kind", type: .text, .notNull)
            .column("rationale", type: .text)
            .column("time_to_vote_ms", type: .bigint)
            .column("voter", type: .text)
            .column("client_vote_id", type: .text)
            .column("source", type: .text, .notNull)
            .column("created_at", type: .double, .notNull)
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "kway_votes_arena_fkey")
            .foreignKey(["arena_id", "prompt_id"], references: "prompts", ["arena_id", "id"], named: "kway_votes_prompt_fkey")
            .unique("arena_id", "id", named: "kway_votes_arena_id_unique")
            .check(SQLRaw("k BETWEEN 2 AND 8"), named: "kway_votes_k_check")
            .check(SQLRaw("kind IN ('best', 'ranking')"), named: "kway_votes_kind_check")
            .check(SQLRaw("source IN ('battle', 'import', 'judge')"), named: "kway_votes_source_check")
            .check(SQLRaw("time_to_vote_ms IS NULL OR time_to_vote_ms >= 0"), named: "kway_votes_time_check")
            .check(SQLRaw("length(battle) <= 256 AND length(client_vote_id) <= 256"), named: "kway_votes_key_length_check")
            .run()
        try await database.raw(
            "CREATE UNIQUE INDEX kway_votes_battle_unique ON kway_votes (battle) WHERE battle IS NOT NULL"
        ).run()
        try await database.raw(
            "CREATE UNIQUE INDEX kway_votes_client_vote_id_unique ON kway_votes (client_vote_id) WHERE client_vote_id IS NOT NULL"
        ).run()
        try await database.create(index: "kway_votes_arena_idx").on("kway_votes").column("arena_id").column("id").run()

        try await database.create(table: "kway_vote_members")
            .column("vote_id", type: .bigint, .notNull)
            .column("arena_id", type: .bigint, .notNull)
            .column("position", type: .bigint, .notNull)
            .column("contender_id", type: .bigint, .notNull)
            .column("output_id", type: .bigint)
            .column("place", type: .bigint, .notNull)
            .primaryKey("vote_id", "position")
            // Deleting an arena deletes its members directly (as its votes), not only through
            // kway_votes: PostgreSQL checks the contender key before a second-level cascade.
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "kway_vote_members_arena_fkey")
            .foreignKey(
                ["arena_id", "vote_id"], references: "kway_votes", ["arena_id", "id"], onDelete: .cascade,
                named: "kway_vote_members_vote_fkey")
            .foreignKey(
                ["arena_id", "contender_id"], references: "contenders", ["arena_id", "id"],
                named: "kway_vote_members_contender_fkey")
            .unique("vote_id", "contender_id", named: "kway_vote_members_contender_unique")
            .check(SQLRaw("position BETWEEN 1 AND 8"), named: "kway_vote_members_position_check")
            .check(SQLRaw("place BETWEEN 0 AND 8"), named: "kway_vote_members_place_check")
            .run()
        try await database.raw(
            "CREATE UNIQUE INDEX kway_vote_members_place_unique ON kway_vote_members (vote_id, place) WHERE place > 0"
        ).run()
        try await database.create(index: "kway_vote_members_contender_idx").on("kway_vote_members").column("contender_id").run()
    }
}
