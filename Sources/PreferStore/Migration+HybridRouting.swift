import SQLKit

extension Migration {
    /// Live hybrid routing of an arena's new battles (`HybridRouting`): one
    /// row per arena that has settings, naming the judge that judges each
    /// candidate battle first, the share of battles people label and the
    /// random audit share within it. Named CHECKs keep the shares in range
    /// (`SchemaConstraint` turns a violation into an error naming the field);
    /// deleting the arena or the judge deletes the row.
    static let hybridRouting = Migration(version: 8, name: "hybrid routing of arenas") { database in
        try await database.create(table: "arena_routing")
            .column("arena_id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("judge_id", type: .bigint, .notNull)
            .column("enabled", type: .boolean, .notNull, .default(true))
            .column("human_share", type: .double, .notNull)
            .column("audit_share", type: .double, .notNull)
            .column("updated_at", type: .double, .notNull)
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "arena_routing_arena_fkey")
            .foreignKey(["judge_id"], references: "judges", ["id"], onDelete: .cascade, named: "arena_routing_judge_fkey")
            .check(SQLRaw("human_share >= 0 AND human_share <= 1"), named: "arena_routing_human_share_check")
            .check(SQLRaw("audit_share >= 0 AND audit_share <= human_share"), named: "arena_routing_audit_share_check")
            .run()
    }
}
