import SQLKit

extension Migration {
    /// Version 8: the rest of active pair selection's settings (`explore`,
    /// `max_pair_share`, `sharpness`, `design_iterations`), one column each
    /// beside those of version 6. NULL is `ActiveSampling`'s default; for
    /// `active_max_pair_share` that default is the automatic cap, which scales
    /// with the number of pairs (`ActiveSampling.automaticMaxPairShare`).
    /// Each column carries a named CHECK with the limits of
    /// `ActiveSampling.validate()` (`SchemaConstraint` names the field).
    static let activeSamplingSettings = Migration(version: 10, name: "more active sampling settings of arenas") { database in
        let columns = [
            "active_explore DOUBLE PRECISION CONSTRAINT arenas_active_explore_check "
                + "CHECK (active_explore IS NULL OR (active_explore >= 0 AND active_explore <= 1))",
            "active_max_pair_share DOUBLE PRECISION CONSTRAINT arenas_active_max_pair_share_check "
                + "CHECK (active_max_pair_share IS NULL OR (active_max_pair_share > 0 AND active_max_pair_share <= 1))",
            "active_sharpness DOUBLE PRECISION CONSTRAINT arenas_active_sharpness_check "
                + "CHECK (active_sharpness IS NULL OR (active_sharpness > 0 AND active_sharpness <= 16))",
            "active_design_iterations BIGINT CONSTRAINT arenas_active_design_iterations_check "
                + "CHECK (active_design_iterations IS NULL OR active_design_iterations BETWEEN 1 AND 1000)",
        ]
        for column in columns {
            try await database.raw(SQLQueryString("ALTER TABLE arenas ADD COLUMN \(unsafeRaw: column)")).run()
        }
    }
}
