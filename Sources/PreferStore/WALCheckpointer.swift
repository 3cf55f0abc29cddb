import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// Copies an SQLite store's write-ahead log into the database file beside the
/// writers instead of on their path.
///
/// With SQLite's default (`wal_autocheckpoint = 1000`) the connection whose
/// commit takes the WAL past 1,000 pages copies the whole WAL into the
/// database and syncs it before its `COMMIT` returns. Under a steady stream of
/// votes (about five pages a vote) that is every few batches, and every vote
/// of such a batch, and of the batches queued behind it, waits for the copy.
///
/// Here the store's own connections checkpoint only as a safety net (past
/// `SQLiteStoreConnectionSource.autocheckpointPages`, should this object be
/// unable to run); this object's connection, on a thread of its own, runs
/// `PRAGMA wal_checkpoint(PASSIVE)` every `interval`, which neither waits for
/// nor blocks writers and readers. A passive checkpoint alone cannot keep the
/// WAL bounded under steady writes ("checkpoint starvation",
/// https://sqlite.org/wal.html): the WAL starts over from its beginning only
/// when a checkpoint has copied every frame before a writer begins. So once
/// the WAL is past `restartPages`, the checkpoint just run is followed by one
/// that holds the store's `WriteGate`: no writer appends while it copies the
/// few frames written in between, and the next write starts the WAL over.
/// Readers still pin the frames they may read (SQLite copies none of those),
/// so a long read delays the restart and never breaks it.
///
/// Cost: per interval, one checkpoint copying the pages written since the last
/// (each page once, however often it was rewritten) and one `fsync` of the
/// database file; writers wait only for the catch-up's pages, once per
/// `restartPages` written.
final class WALCheckpointer: Sendable {
    /// How often the passive checkpoint runs.
    static let interval = Duration.milliseconds(100)
    /// WAL pages beyond which the next checkpoint also restarts the WAL (16 MB of 4 KB pages).
    static let restartPages = 4000

    private let task: Task<Void, Never>

    /// Starts checkpointing the SQLite file at `path`, taking `gate` for the catch-up steps.
    init(path: String, gate: WriteGate, logger: Logger) {
        // Default priority: `stop()` awaits this task, and at a lower priority it may wait behind
        // every busy task of the cooperative pool (a full test run once stalled a CLI command's
        // shutdown past its two-minute limit with `.utility` here).
        task = Task.detached {
            await Self.run(path: path, gate: gate, logger: logger)
        }
    }

    /// Stops checkpointing and closes the connection; the store's own
    /// connections checkpoint what is left when the last of them closes.
    func stop() async {
        task.cancel()
        await task.value
    }

    private static func run(path: String, gate: WriteGate, logger: Logger) async {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        defer { threadPool.shutdownGracefully { _ in } }
        let connection: SQLiteConnection
        do {
            // Opened after a first interval: by then the store has created the file, or failed
            // and stopped this task, and a command that is over sooner never opens it.
            try await Task.sleep(for: interval)
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threadPool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
            _ = try await connection.query("PRAGMA busy_timeout = 5000", [])
        } catch is CancellationError {
            return
        } catch {
            logger.warning(
                "The background WAL checkpoint could not open the database; commits will checkpoint it instead",
                metadata: ["error": "\(error)"])
            return
        }
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                try await step(connection, gate: gate, restartPages: restartPages)
            } catch is CancellationError {
                break
            } catch {
                logger.debug("Background WAL checkpoint failed; trying again", metadata: ["error": "\(error)"])
            }
        }
        // The close must run even though this task is cancelled (the thread pool's async entry would skip it).
        await Task { try? await connection.close() }.value
    }

    /// One round: a passive checkpoint, then, when the WAL is past
    /// `restartPages`, the catch-up holding `gate`, after which the next write
    /// starts the WAL over.
    static func step(_ connection: SQLiteConnection, gate: WriteGate, restartPages: Int) async throws {
        if try await checkpoint(connection) >= restartPages {
            try await gate.holding { _ = try await checkpoint(connection) }
        }
    }

    /// Runs a passive checkpoint and returns the WAL's size in pages (0 when not in WAL mode).
    private static func checkpoint(_ connection: SQLiteConnection) async throws -> Int {
        let rows = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)", [])
        return max(0, rows.first?.column("log")?.integer ?? 0)
    }
}
