import Foundation
import Logging
import PreferCore
import SQLKit

/// The store on SQLite (the default: one file beside the server) or
/// PostgreSQL (when a team outgrows one machine), through SQLKit: one
/// implementation, one schema, the same behaviour on both.
///
/// ```swift
/// let store = try await SQLPreferStore.open("prefer.sqlite", logger: logger)
/// try await store.migrate()
/// …
/// try await store.shutdown()
/// ```
///
/// Every method is one transaction. SQLite runs in WAL mode with
/// `synchronous=FULL` (a vote acknowledged is a vote on disk) and foreign
/// keys on; writers are queued one at a time. PostgreSQL uses a pool of
/// connections. `shutdown()` must be called before the store is dropped.
public final class SQLPreferStore: PreferStore {
    let connections: StoreConnections
    /// Where the store lives, with any password hidden.
    public let location: String

    public var dialect: String { connections.dialect }

    private init(connections: StoreConnections, location: String) {
        self.connections = connections
        self.location = location
    }

    /// Opens the store at `url` and checks that the database answers.
    ///
    /// `url` is a file path or `sqlite:///absolute/path` or
    /// `sqlite://relative/path` or `:memory:` for SQLite, or
    /// `postgres://user:password@host:port/database` (`postgresql://` too) for
    /// PostgreSQL. A bad URL or an unreachable database is a `StoreError`
    /// that says what to fix. Call `migrate()` before using a new database.
    /// A server passes `checkpointInBackground` (see `WALCheckpointer`): on
    /// SQLite, its commits then never wait for the WAL to be copied.
    public static func open(_ url: String, logger: Logger, checkpointInBackground: Bool = false) async throws -> SQLPreferStore {
        let location = try StoreLocation(parsing: url)
        let connections = try StoreConnections(
            location: location, logger: logger, checkpointInBackground: checkpointInBackground)
        let store = SQLPreferStore(connections: connections, location: location.redactedDescription)
        do {
            try await connections.withConnection { database in
                try await database.raw("SELECT 1 AS one").run()
            }
        } catch {
            try? await connections.shutdown()
            if let error = error as? StoreError {
                throw StoreError.unavailable(
                    "Cannot open the database at \(location.redactedDescription): \(error.message)")
            }
            throw StoreError.unavailable(
                "Cannot open the database at \(location.redactedDescription) (\(error)); "
                    + "check that it is running and the URL (user, password, host, port, database) is right.")
        }
        logger.debug("Opened store", metadata: ["location": "\(location.redactedDescription)"])
        return store
    }

    public func migrate() async throws {
        try await Migration.migrate(connections)
    }

    /// The schema version the database records (0 before `migrate()`).
    public func schemaVersion() async throws -> Int {
        try await connections.read { database in
            guard try await Migration.hasMigrationTable(database) else { return 0 }
            return try await Migration.recordedVersion(database)
        }
    }

    /// The migrations the database records, oldest first (none before `migrate()`).
    public func appliedMigrations() async throws -> [AppliedMigration] {
        try await connections.read { database in
            guard try await Migration.hasMigrationTable(database) else { return [] }
            return try await database.select().columns("version", "name", "applied_at").from("schema_migrations")
                .orderBy("version").all().map { row in
                    AppliedMigration(
                        version: try row.decode(column: "version", as: Int.self),
                        name: try row.decode(column: "name", as: String.self),
                        appliedAt: Date(timeIntervalSince1970: try row.decode(column: "applied_at", as: Double.self)))
                }
        }
    }

    /// The schema version this build migrates to.
    public static var latestSchemaVersion: Int { Migration.latestVersion }

    public func shutdown() async throws {
        try await connections.shutdown()
    }
}
