import AsyncKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The connections of one store and the transactions run on them.
///
/// - SQLite: a pool of connections to one file (WAL: readers run beside the
///   writer), writers queued one at a time by a `WriteGate` and taking the
///   write lock up front (`BEGIN IMMEDIATE`); `:memory:` uses one connection,
///   since each connection would otherwise see its own empty database.
/// - PostgreSQL: a pool of connections; a transaction that loses a deadlock or
///   a serialization conflict is run again (up to 5 times).
///
/// The pools run on NIO's shared event loops (`MultiThreadedEventLoopGroup
/// .singleton`, the ones the HTTP server uses): a store starts no event loop
/// threads of its own. SQLite's blocking calls (each commit waits for the
/// disk) run on the store's own `NIOThreadPool`, so they never hold up an
/// event loop or the threads that compute leaderboards. `shutdown()` closes
/// the connections and that pool; a server runs it from its service group
/// when it stops (`StoreService`).
final class StoreConnections: @unchecked Sendable {
    // @unchecked: the AsyncKit pools are thread-safe (each event loop's pool
    // runs on its loop) but not marked Sendable; the rest is immutable.

    private enum Backend {
        case sqlite(EventLoopGroupConnectionPool<SQLiteStoreConnectionSource>, NIOThreadPool, WriteGate, WALCheckpointer?)
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    private let backend: Backend
    let logger: Logger
    /// "sqlite" or "postgresql".
    let dialect: String

    /// Set by the first `shutdown()`; later calls do nothing.
    private let isShutDown = NIOLockedValueBox(false)

    /// The calls under way, which `shutdown()` lets end before it closes the pools.
    private let admission = StoreAdmission()

    /// How long `shutdown()` waits for the calls under way.
    private static let shutdownPatience = Duration.seconds(30)

    /// How many attempts a PostgreSQL transaction gets when it loses a deadlock.
    private static let attempts = 5

    /// Opens the pools for `location`; nothing connects until first use.
    /// `checkpointInBackground`: on an SQLite file, a `WALCheckpointer` copies
    /// the WAL into the database beside the writers (for a server's steady
    /// writes) instead of the commit that takes it past 1,000 pages.
    init(location: StoreLocation, logger: Logger, checkpointInBackground: Bool = false) throws {
        self.logger = logger
        let cores = max(2, System.coreCount)
        switch location {
        case .sqliteFile, .sqliteMemory:
            let storage: SQLiteConnection.Storage
            let connections: Int
            let gate = WriteGate()
            let checkpointer: WALCheckpointer?
            if case .sqliteFile(let path) = location {
                storage = .file(path: path)
                connections = cores
                checkpointer = checkpointInBackground ? WALCheckpointer(path: path, gate: gate, logger: logger) : nil
            } else {
                storage = .memory
                connections = 1
                checkpointer = nil
            }
            let threadPool = NIOThreadPool(numberOfThreads: connections)
            threadPool.start()
            let source = SQLiteStoreConnectionSource(
                storage: storage, threadPool: threadPool, checkpointsInBackground: checkpointer != nil)
            // One event loop: the pool is per loop, and `:memory:` must have a single connection.
            let pool = EventLoopGroupConnectionPool(
                source: source, maxConnectionsPerEventLoop: connections, requestTimeout: .seconds(30),
                logger: logger, on: MultiThreadedEventLoopGroup.singleton.next())
            backend = .sqlite(pool, threadPool, gate, checkpointer)
            dialect = "sqlite"
        case .postgres(let url):
            let configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw StoreError.invalid(
                    "\"\(location.redactedDescription)\" is not a usable PostgreSQL URL; give \(StoreLocation.acceptedForms).",
                    field: "url")
            }
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration),
                maxConnectionsPerEventLoop: max(4, 8 / System.coreCount), requestTimeout: .seconds(30), logger: logger,
                on: MultiThreadedEventLoopGroup.singleton)
            backend = .postgres(pool)
            dialect = "postgresql"
        }
    }

    /// Runs `body` on one connection of the pool, outside any transaction.
    func withConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await lease(body)
        } catch {
            throw StoreError.translating(error)
        }
    }

    /// Runs `body` on a PostgreSQL connection as PostgresNIO has it (for reads
    /// that decode rows faster by position than SQLKit by name); nil on SQLite.
    func withPostgresConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T? {
        guard case .postgres(let pool) = backend else { return nil }
        do {
            return try await admission.run {
                let connection = try await pool.requestConnection(logger: logger).get()
                defer { pool.releaseConnection(connection, logger: logger) }
                return try await body(connection)
            }
        } catch {
            throw StoreError.translating(error)
        }
    }

    /// Runs `body` in one transaction that may write: committed when `body`
    /// returns, rolled back when it throws.
    func write<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            switch backend {
            case .sqlite(_, _, let gate, _):
                return try await gate.holding {
                    try await lease { try await Self.transaction($0, begin: "BEGIN IMMEDIATE", body) }
                }
            case .postgres:
                return try await retrying { try await Self.transaction($0, begin: "BEGIN", body) }
            }
        } catch {
            throw StoreError.translating(error)
        }
    }

    /// Runs `body`, whose statements each stand alone, without `BEGIN` and
    /// `COMMIT`: each statement commits (and, on SQLite with `synchronous =
    /// FULL`, reaches the disk) before it returns, in one round trip to the
    /// database instead of three. On SQLite `body` also gets the connection
    /// itself, for a statement whose SQLKit serialisation would cost more
    /// than running it (SQLite writers still take turns, `WriteGate`).
    func writeStatements<T>(_ body: (any SQLDatabase, SQLiteConnection?) async throws -> T) async throws -> T {
        do {
            switch backend {
            case .sqlite(let pool, _, let gate, _):
                return try await gate.holding {
                    try await admission.run {
                        try await Self.lease(pool, logger: logger) { try await body($0.sql(queryLogLevel: .trace), $0) }
                    }
                }
            case .postgres:
                return try await retrying { try await body($0, nil) }
            }
        } catch {
            throw StoreError.translating(error)
        }
    }

    /// As `writeStatements`, for bulk loads: `body` also gets the PostgreSQL
    /// connection itself (COPY, array binds), and PostgreSQL is not retried
    /// (a stream cannot be replayed).
    func bulkStatements<T>(
        _ body: (any SQLDatabase, SQLiteConnection?, PostgresConnection?) async throws -> T
    ) async throws -> T {
        do {
            switch backend {
            case .sqlite(let pool, _, let gate, _):
                return try await gate.holding {
                    try await admission.run {
                        try await Self.lease(pool, logger: logger) { try await body($0.sql(queryLogLevel: .trace), $0, nil) }
                    }
                }
            case .postgres(let pool):
                return try await admission.run {
                    let connection = try await pool.requestConnection(logger: logger).get()
                    defer { pool.releaseConnection(connection, logger: logger) }
                    return try await body(connection.sql(queryLogLevel: .trace), nil, connection)
                }
            }
        } catch {
            throw StoreError.translating(error)
        }
    }

    /// Runs `body` in one read-only transaction, so that its statements see
    /// one state of the database.
    func read<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            switch backend {
            case .sqlite:
                return try await lease { try await Self.transaction($0, begin: "BEGIN DEFERRED", body) }
            case .postgres:
                return try await retrying {
                    try await Self.transaction($0, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
                }
            }
        } catch {
            throw StoreError.translating(error)
        }
    }

    /// Closes every connection, then SQLite's thread pool. Calling it again does nothing.
    func shutdown() async throws {
        let first = isShutDown.withLockedValue { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        if await !admission.close(patience: Self.shutdownPatience) {
            logger.warning("Closing the database while calls are still running: they did not end within \(Self.shutdownPatience).")
        }
        switch backend {
        case .sqlite(let pool, let threadPool, _, let checkpointer):
            await checkpointer?.stop()
            try? await pool.shutdownAsync()
            try await threadPool.shutdownGracefully()
        case .postgres(let pool):
            try? await pool.shutdownAsync()
        }
    }

    /// Runs `body` on a connection of the pool; errors come back as the database gave them.
    private func lease<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await admission.run { try await leaseAdmitted(body) }
    }

    private func leaseAdmitted<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let pool, _, _, _):
            return try await Self.lease(pool, logger: logger) { try await body($0.sql(queryLogLevel: .trace)) }
        case .postgres(let pool):
            let connection = try await pool.requestConnection(logger: logger).get()
            defer { pool.releaseConnection(connection, logger: logger) }
            return try await body(connection.sql(queryLogLevel: .trace))
        }
    }

    /// Runs `body` on an SQLite connection of `pool`.
    private static func lease<T>(
        _ pool: EventLoopGroupConnectionPool<SQLiteStoreConnectionSource>, logger: Logger,
        _ body: (SQLiteConnection) async throws -> T
    ) async throws -> T {
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        return try await body(connection)
    }

    private func retrying<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await lease(body)
            } catch where attempt < Self.attempts && StoreError.isRetryable(error) {
                logger.debug("Transaction lost a conflict; running it again", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...5_000_000) << (attempt - 1))
                attempt += 1
            }
        }
    }

    /// Runs `body` between `begin` and `COMMIT` (or `ROLLBACK` when it throws).
    ///
    /// `COMMIT` and `ROLLBACK` run even when the task has been cancelled:
    /// SQLite's statements run on a `NIOThreadPool`, whose async entry throws
    /// `CancellationError` without running anything, so a cancelled task would
    /// otherwise hand its connection back to the pool inside a transaction —
    /// holding SQLite's write lock, and failing the next `BEGIN` on it with
    /// "cannot start a transaction within a transaction".
    static func transaction<T>(
        _ database: any SQLDatabase, begin: String, _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await database.raw(SQLQueryString(begin)).run()
        let result: T
        do {
            result = try await body(database)
        } catch {
            do {
                try await uncancelled(database, "ROLLBACK")
            } catch {
                database.logger.warning("ROLLBACK failed", metadata: ["error": "\(error)"])
            }
            throw error
        }
        do {
            try await uncancelled(database, "COMMIT")
        } catch {
            try? await uncancelled(database, "ROLLBACK")
            throw error
        }
        return result
    }

    /// Runs `statement` in a task of its own, which the caller's cancellation does not reach.
    private static func uncancelled(_ database: any SQLDatabase, _ statement: SQLQueryString) async throws {
        try await Task { try await database.raw(statement).run() }.value
    }
}
