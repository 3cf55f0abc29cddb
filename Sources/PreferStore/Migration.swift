import Foundation
import Logging
import SQLKit

/// One numbered step of the schema. Steps run in order, each in its own
/// transaction together with its row in `schema_migrations`, so a step is
/// either applied and recorded or neither.
///
/// A step once released is never edited: a change to the schema is a new
/// step with the next number.
struct Migration: Sendable {
    let version: Int
    let name: String
    let apply: @Sendable (any SQLDatabase) async throws -> Void

    /// Every step, in order; versions count up from 1 without gaps.
    static let all: [Migration] = [
        initialSchema, administration, judges, changeFeed, datasets, activeSampling, kway, hybridRouting, annotatorAttributes,
        activeSamplingSettings, arenaLicence, voteIndexes, attributeChanges, kwayCriteria, importForeignKeys,
    ]

    /// The version a fully migrated database records.
    static var latestVersion: Int { all.last?.version ?? 0 }

    /// Brings `connections`' database to `latestVersion` (or to `last`, for tests). Safe to run again,
    /// and from several processes at once (PostgreSQL: an advisory lock;
    /// SQLite: the write lock).
    static func migrate(_ connections: StoreConnections, through last: Int = .max) async throws {
        try await whileBusy {
            try await connections.write { database in
                try await lockOutOtherMigrators(database)
                try await database.create(table: "schema_migrations")
                    .ifNotExists()
                    .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                    .column("name", type: .text, .notNull)
                    .column("applied_at", type: .double, .notNull)
                    .run()
            }
        }
        for migration in all where migration.version <= last {
            try await whileBusy { try await apply(migration, connections) }
        }
    }

    /// Applies one step in its own transaction unless it is recorded already.
    private static func apply(_ migration: Migration, _ connections: StoreConnections) async throws {
        try await connections.write { database in
            try await lockOutOtherMigrators(database)
            let newest = try await recordedVersion(database)
            guard newest <= latestVersion else {
                throw StoreError.unavailable(
                    "The database is at schema version \(newest), newer than this prefer knows (\(latestVersion)); "
                        + "upgrade prefer.")
            }
            let applied = try await database.select().column("version").from("schema_migrations")
                .where("version", .equal, migration.version).first()
            guard applied == nil else { return }
            try await migration.apply(database)
            try await database.insert(into: "schema_migrations")
                .columns("version", "name", "applied_at")
                .values(migration.version, migration.name, Date().timeIntervalSince1970)
                .run()
            database.logger.info(
                "Applied schema migration",
                metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        }
    }

    /// Retries `body` while another process holds SQLite's write lock, for up
    /// to a minute: at start-up, a second `prefer` waiting for the first one's
    /// migration is right to wait rather than fail after the usual 5 s.
    private static func whileBusy(_ body: () async throws -> Void) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                return try await body()
            } catch let error as StoreError where error.isBusy && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// PostgreSQL: takes an advisory lock held to the end of the transaction,
    /// so concurrent migrators wait for each other. (SQLite's write lock,
    /// taken by `BEGIN IMMEDIATE`, already does that.)
    private static func lockOutOtherMigrators(_ database: any SQLDatabase) async throws {
        guard database.dialect.name == "postgresql" else { return }
        try await database.raw("SELECT pg_advisory_xact_lock(\(literal: Self.advisoryLock))").run()
    }

    /// The highest version recorded, 0 for none.
    static func recordedVersion(_ database: any SQLDatabase) async throws -> Int {
        let row = try await database.select()
            .column(SQLFunction("MAX", args: SQLColumn("version")), as: "version")
            .from("schema_migrations").first()
        return try row?.decode(column: "version", as: Int?.self) ?? 0
    }

    /// Whether the database has a `schema_migrations` table (in the current schema).
    static func hasMigrationTable(_ database: any SQLDatabase) async throws -> Bool {
        let query: SQLQueryString =
            database.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        return try await database.raw(query).first() != nil
    }

    /// The key of the PostgreSQL advisory lock that serializes migrators ("prefer" in ASCII).
    private static let advisoryLock: Int64 = 0x7072_6566_6572
}
