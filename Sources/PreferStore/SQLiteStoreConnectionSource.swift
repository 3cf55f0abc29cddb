import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLiteKit

/// Opens SQLite connections for a store's pool, each set up the same way:
///
/// - `PRAGMA busy_timeout = 5000`: wait up to 5 s for another process's write
///   lock instead of failing at once (this also replaces SQLiteNIO's busy
///   handler, which retries without sleeping);
/// - `PRAGMA journal_mode = WAL`: readers do not block the writer;
/// - `PRAGMA synchronous = FULL`: a committed transaction is on disk before
///   `COMMIT` returns, so an acknowledged vote survives a power cut;
/// - `PRAGMA foreign_keys = ON`: SQLite checks foreign keys only when asked;
/// - with a `WALCheckpointer` beside the pool, `PRAGMA wal_autocheckpoint =
///   20000`: a commit copies the WAL into the database only past 20,000 pages
///   (80 MB), a safety net, as the checkpointer copies it long before.
struct SQLiteStoreConnectionSource: ConnectionPoolSource, Sendable {
    let storage: SQLiteConnection.Storage
    let threadPool: NIOThreadPool
    /// Whether a `WALCheckpointer` copies the WAL beside the writers.
    let checkpointsInBackground: Bool

    /// WAL pages past which a commit checkpoints when a `WALCheckpointer` runs (SQLite's default is 1,000).
    static let autocheckpointPages = 20_000

    /// Run on every new connection, in this order.
    var pragmas: [String] {
        [
            "PRAGMA busy_timeout = 5000",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
        ] + (checkpointsInBackground ? ["PRAGMA wal_autocheckpoint = \(Self.autocheckpointPages)"] : [])
    }

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        SQLiteConnection.open(storage: storage, threadPool: threadPool, logger: logger, on: eventLoop)
            .flatMap { connection in
                Self.configure(connection, pragmas: pragmas, logger: logger)
                    .map { connection }
                    .flatMapError { error in
                        connection.close().flatMapThrowing { throw error }
                    }
            }
    }

    private static func configure(_ connection: SQLiteConnection, pragmas: [String], logger: Logger) -> EventLoopFuture<Void> {
        var future = connection.eventLoop.makeSucceededVoidFuture()
        for pragma in pragmas {
            future = future.flatMap {
                connection.query(pragma, []).map { rows in
                    if pragma.contains("journal_mode"), let mode = rows.first?.column("journal_mode")?.string,
                        mode != "wal", mode != "memory"
                    {
                        logger.warning(
                            "SQLite refused WAL mode; readers will block the writer",
                            metadata: ["journal_mode": .string(mode)])
                    }
                }
            }
        }
        return future
    }
}
