import PreferCore

/// A named constraint of the schema and the `StoreError` that a violation of
/// it means to the user.
///
/// PostgreSQL reports a violated constraint by name; SQLite names a violated
/// CHECK constraint too, but reports a UNIQUE violation by its columns
/// (`UNIQUE constraint failed: contenders.arena_id, contenders.name`), so each
/// unique constraint also lists its columns as SQLite spells them.
struct SchemaConstraint: Sendable {
    /// The constraint's name in the schema.
    let name: String
    /// For a unique constraint, its columns as SQLite's message lists them.
    let sqliteColumns: String?
    /// What the violation means.
    let error: StoreError

    /// Every constraint whose violation a caller can cause.
    static let all: [SchemaConstraint] = [
        unique("arenas_name_unique", "arenas.name", .duplicate("An arena with this name", field: "name")),
        check("arenas_name_check", .invalid("An arena needs a name of at most 200 characters.", field: "name")),
        check("arenas_sampling_check", .invalid("Sampling must be uniform or weighted.", field: "sampling")),
        check(
            "arenas_active_rule_check",
            .invalid("The active sampling rule must be one of width, lmarena, top-k, info-gain.", field: "active_sampling.rule")),
        check("arenas_active_top_k_check", .invalid("top_k must be between 1 and 1000.", field: "active_sampling.top_k")),
        check(
            "arenas_active_floor_share_check",
            .invalid("floor_share must be between 0 and 1.", field: "active_sampling.floor_share")),
        check(
            "arenas_active_burst_votes_check",
            .invalid("burst_votes must be between 0 and 1000000.", field: "active_sampling.burst_votes")),
        check(
            "arenas_active_burst_multiple_check",
            .invalid("burst_multiple must be between 1 and 100.", field: "active_sampling.burst_multiple")),
        check("arenas_active_explore_check", .invalid("explore must be between 0 and 1.", field: "active_sampling.explore")),
        check(
            "arenas_active_max_pair_share_check",
            .invalid("max_pair_share must be above 0 and at most 1.", field: "active_sampling.max_pair_share")),
        check(
            "arenas_active_sharpness_check",
            .invalid("sharpness must be above 0 and at most 16.", field: "active_sampling.sharpness")),
        check(
            "arenas_active_design_iterations_check",
            .invalid("design_iterations must be between 1 and 1000.", field: "active_sampling.design_iterations")),
        check(
            "arenas_annotations_check",
            .invalid("annotationsPerItem must be at least 1.", field: "annotationsPerItem")),
        check("arenas_min_play_check", .invalid("minPlayMs must not be negative.", field: "minPlayMs")),
        check("arenas_license_check", .invalid("A licence must be 1 to 200 characters (e.g. CC-BY-4.0).", field: "license")),
        unique(
            "contenders_arena_name_unique", "contenders.arena_id, contenders.name",
            .duplicate("A contender with this name in this arena", field: "name")),
        check(
            "contenders_name_check", .invalid("A contender needs a name of at most 1000 characters.", field: "name")),
        check(
            "contenders_weight_check",
            .invalid("A contender's weight must be a finite number above 0.", field: "weight")),
        unique(
            "prompts_arena_text_unique", "prompts.arena_id, prompts.text_hash",
            .duplicate("A prompt with this text in this arena", field: "text", advice: "a prompt's text is unique within its arena")),
        check("prompts_text_hash_check", .invalid("A prompt's text hash must be 64 hex digits.", field: "text")),
        unique(
            "outputs_current_unique", "outputs.prompt_id, outputs.contender_id",
            .duplicate("This contender's output for this prompt", field: "contender", advice: "replace or withdraw the current one first")),
        check(
            "outputs_media_check",
            .invalid("Media must be one of text, image, audio, video, model3d.", field: "media")),
        check("outputs_url_check", .invalid("An image, audio, video or 3D output needs a url.", field: "url")),
        unique("votes_battle_unique", "votes.battle", .duplicate("A vote for this battle", field: "battle")),
        unique(
            "votes_client_vote_id_unique", "votes.client_vote_id",
            .duplicate("A vote with this client vote id", field: "client_vote_id", advice: "use a fresh id per vote")),
        check(
            "votes_distinct_sides_check",
            .invalid("A vote must compare two different contenders.", field: "rightContenderId")),
        check("votes_choice_check", .invalid("A choice must be one of \(Choice.spellings).", field: "choice")),
        check("votes_source_check", .invalid("A vote's source must be battle, import or judge.", field: "source")),
        check("votes_times_check", .invalid("Times and play times must not be negative.", field: "timeToVoteMs")),
        check(
            "votes_key_length_check",
            .invalid("A battle id and a client vote id are at most 256 characters.", field: "battle")),
        unique(
            "invites_token_hash_unique", "invites.token_hash",
            .duplicate("An invite with this token", field: "tokenHash")),
        unique(
            "invites_arena_name_unique", "invites.arena_id, invites.name",
            .duplicate("An invite with this name in this arena", field: "name")),
        check("invites_name_check", .invalid("An invite needs a name of at most 200 characters.", field: "name")),
        check("invites_token_hash_check", .invalid("A token hash is 1 to 256 characters.", field: "tokenHash")),
        check(
            "arena_routing_human_share_check",
            .invalid("routing.human_share must be between 0 and 1.", field: "routing.human_share")),
        check(
            "arena_routing_audit_share_check",
            .invalid("routing.audit_share must be between 0 and routing.human_share.", field: "routing.audit_share")),
    ]

    /// The constraint with this name, if the catalog has it.
    static func named(_ name: String) -> SchemaConstraint? {
        all.first { $0.name == name }
    }

    /// The unique constraint over these columns, as SQLite lists them.
    static func unique(sqliteColumns columns: String) -> SchemaConstraint? {
        all.first { $0.sqliteColumns == columns }
    }

    private static func unique(_ name: String, _ columns: String, _ error: StoreError) -> SchemaConstraint {
        SchemaConstraint(name: name, sqliteColumns: columns, error: error)
    }

    private static func check(_ name: String, _ error: StoreError) -> SchemaConstraint {
        SchemaConstraint(name: name, sqliteColumns: nil, error: error)
    }
}
