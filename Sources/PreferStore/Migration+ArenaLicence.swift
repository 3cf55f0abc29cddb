import SQLKit

extension Migration {
    /// Version 8: an arena's licence (`license`), the terms its data is
    /// released under: `prefer release` and `POST /api/arenas/{arena}/releases`
    /// write it into the dataset card unless told otherwise, and the
    /// leaderboard page shows it. NULL: none set. Free text (an SPDX
    /// identifier such as `CC-BY-4.0` is the usual choice), 1 to 200
    /// characters, under a named CHECK so a violation names the field.
    static let arenaLicence = Migration(version: 11, name: "licence of an arena's data") { database in
        try await database.raw(SQLQueryString(
            "ALTER TABLE arenas ADD COLUMN license TEXT CONSTRAINT arenas_license_check "
                + "CHECK (license IS NULL OR (length(license) BETWEEN 1 AND 200))")).run()
    }
}
