import Foundation
@testable import PreferStore
import SQLKit
import Testing

/// The background WAL checkpoint of an SQLite file store (`WALCheckpointer`).
@Suite("WAL checkpoint beside the writers")
struct WALCheckpointerTests {
    /// A migrated store on a new SQLite file at the path given to `body`.
    static func withFileStore(
        checkpointInBackground: Bool = true, _ body: (SQLPreferStore, String) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let store = try await SQLPreferStore.open(path, logger: StoreKind.logger, checkpointInBackground: checkpointInBackground)
        do {
            try await store.migrate()
            try await body(store, path)
        } catch {
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }

    /// Writes `count` transactions of one 8 KB setting each.
    static func write(_ store: SQLPreferStore, from first: Int, count: Int) async throws {
        for index in first..<(first + count) {
            try await store.setSetting("bulk-\(index)", to: String(repeating: "x", count: 8192))
        }
    }

    /// The WAL pages past which the store's own connections checkpoint on commit.
    static func autocheckpoint(_ store: SQLPreferStore) async throws -> Int? {
        try await store.connections.withConnection { database in
            try await database.raw("PRAGMA wal_autocheckpoint").first()?.decode(column: "wal_autocheckpoint", as: Int.self)
        }
    }

    @Test(arguments: [true, false])
    func theStoresConnectionsLeaveCheckpointsToItOnlyWhenItRuns(inBackground: Bool) async throws {
        try await Self.withFileStore(checkpointInBackground: inBackground) { store, _ in
            let pages = try await Self.autocheckpoint(store)
            #expect(pages == (inBackground ? SQLiteStoreConnectionSource.autocheckpointPages : 1000))
        }
    }

    @Test func theBackgroundCheckpointKeepsTheWALBounded() async throws {
        try await Self.withFileStore { store, path in
            // 4,000 transactions of five pages or so (an 8 KB value and its index). Without the
            // checkpointer nothing is copied below the safety net of 20,000 pages, and the WAL
            // file grows to that (checked: 20,121 pages); with it the WAL starts over each time
            // a checkpoint has copied all of it, forced past 4,000 pages. The file keeps the
            // largest size the WAL reached.
            try await Self.write(store, from: 0, count: 4_000)
            let bytes = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
            let pages = bytes / 4096
            #expect(pages > 0)
            #expect(pages < WALCheckpointer.restartPages * 5 / 2, "the WAL reached \(pages) pages")
        }
    }
}
