import SQLKit

extension Migration {
    /// Version 8: annotator attributes (issue 12).
    ///
    /// - `arenas.min_group_size`: the fewest annotators a group needs to be
    ///   shown on its own (default 5, 2…1000); smaller groups are merged into
    ///   "other".
    /// - `arena_attributes` / `arena_attribute_values`: what an arena asks its
    ///   annotators (e.g. `country`) and the values it allows, in order.
    /// - `annotator_attributes`: an annotator's answers, keyed by the
    ///   pseudonymous voter id stored with votes (a session pseudonym or
    ///   `invite:NAME`), never by a cookie or an invite token. A NULL value is
    ///   "prefer not to say" (the annotator skipped it). A non-NULL value must
    ///   be one the arena allows (composite foreign key), and leaves with it.
    /// - `invite_attributes`: values an admin set on an invite, copied to the
    ///   invited annotator's row the first time the invite is used.
    static let annotatorAttributes = Migration(version: 9, name: "annotator attributes") { database in
        try await database.raw(
            "ALTER TABLE arenas ADD COLUMN min_group_size BIGINT NOT NULL DEFAULT 5 CONSTRAINT arenas_min_group_size_check CHECK (min_group_size BETWEEN 2 AND 1000)"
        ).run()

        try await database.create(table: "arena_attributes")
            .column("arena_id", type: .bigint, .notNull)
            .column("name", type: .text, .notNull)
            .column("position", type: .bigint, .notNull)
            .primaryKey("arena_id", "name")
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "arena_attributes_arena_fkey")
            .check(SQLRaw("length(name) BETWEEN 1 AND 40"), named: "arena_attributes_name_check")
            .check(SQLRaw("position >= 0"), named: "arena_attributes_position_check")
            .run()

        try await database.create(table: "arena_attribute_values")
            .column("arena_id", type: .bigint, .notNull)
            .column("attribute", type: .text, .notNull)
            .column("value", type: .text, .notNull)
            .column("position", type: .bigint, .notNull)
            .primaryKey("arena_id", "attribute", "value")
            .foreignKey(
                ["arena_id", "attribute"], references: "arena_attributes", ["arena_id", "name"], onDelete: .cascade,
                named: "arena_attribute_values_attribute_fkey")
            .check(SQLRaw("length(value) BETWEEN 1 AND 100"), named: "arena_attribute_values_value_check")
            .check(SQLRaw("position >= 0"), named: "arena_attribute_values_position_check")
            .run()

        try await database.create(table: "annotator_attributes")
            .column("arena_id", type: .bigint, .notNull)
            .column("voter", type: .text, .notNull)
            .column("attribute", type: .text, .notNull)
            .column("value", type: .text)
            .column("updated_at", type: .double, .notNull)
            .primaryKey("arena_id", "voter", "attribute")
            .foreignKey(
                ["arena_id", "attribute"], references: "arena_attributes", ["arena_id", "name"], onDelete: .cascade,
                named: "annotator_attributes_attribute_fkey")
            .foreignKey(
                ["arena_id", "attribute", "value"], references: "arena_attribute_values", ["arena_id", "attribute", "value"],
                onDelete: .cascade, named: "annotator_attributes_value_fkey")
            .check(SQLRaw("length(voter) BETWEEN 1 AND 300"), named: "annotator_attributes_voter_check")
            .run()

        try await database.create(table: "invite_attributes")
            .column("invite_id", type: .bigint, .notNull)
            .column("arena_id", type: .bigint, .notNull)
            .column("attribute", type: .text, .notNull)
            .column("value", type: .text, .notNull)
            .primaryKey("invite_id", "attribute")
            .foreignKey(["invite_id"], references: "invites", ["id"], onDelete: .cascade, named: "invite_attributes_invite_fkey")
            .foreignKey(
                ["arena_id", "attribute", "value"], references: "arena_attribute_values", ["arena_id", "attribute", "value"],
                onDelete: .cascade, named: "invite_attributes_value_fkey")
            .run()
    }
}
