import SQLKit

extension Migration {
    /// Version 6: active pair selection (`"sampling": "active"`).
    ///
    /// An arena samples actively when `active_rule` is set; the other
    /// `active_*` columns are its settings (NULL: the default of
    /// `ActiveSampling`). `sampling` then holds 'uniform': what the arena
    /// falls back to before its first fit. Each column carries a named CHECK
    /// (`SchemaConstraint` turns a violation into an error naming the field);
    /// columns are added one by one, since SQLite's ALTER TABLE adds one column
    /// per statement and cannot add a table constraint.
    static let activeSampling = Migration(version: 6, name: "active sampling settings of arenas") { database in
        let columns = [
            "active_rule TEXT CONSTRAINT arenas_active_rule_check "
                + "CHECK (active_rule IS NULL OR active_rule IN ('width', 'lmarena', 'top-k', 'info-gain'))",
            "active_top_k BIGINT CONSTRAINT arenas_active_top_k_check "
                + "CHECK (active_top_k IS NULL OR active_top_k BETWEEN 1 AND 1000)",
            "active_floor_share DOUBLE PRECISION CONSTRAINT arenas_active_floor_share_check "
                + "CHECK (active_floor_share IS NULL OR (active_floor_share >= 0 AND active_floor_share <= 1))",
            "active_burst_votes BIGINT CONSTRAINT arenas_active_burst_votes_check "
                + "CHECK (active_burst_votes IS NULL OR active_burst_votes BETWEEN 0 AND 1000000)",
            "active_burst_multiple DOUBLE PRECISION CONSTRAINT arenas_active_burst_multiple_check "
                + "CHECK (active_burst_multiple IS NULL OR (active_burst_multiple >= 1 AND active_burst_multiple <= 100))",
        ]
        for column in columns {
            try await database.raw(SQLQueryString("ALTER TABLE arenas ADD COLUMN \(unsafeRaw: column)")).run()
        }
    }
}
