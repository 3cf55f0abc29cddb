import Foundation
import PreferCore
import PreferStore
import Testing

@Suite("Opening a store")
struct StoreOpeningTests {
    @Test(arguments: [
        ("prefer.sqlite", StoreLocation.sqliteFile(path: "prefer.sqlite")),
        ("/var/lib/prefer/db.sqlite", .sqliteFile(path: "/var/lib/prefer/db.sqlite")),
        ("sqlite:///abs/path.sqlite", .sqliteFile(path: "/abs/path.sqlite")),
        ("sqlite://relative.sqlite", .sqliteFile(path: "relative.sqlite")),
        ("sqlite://dir/with%20space.sqlite", .sqliteFile(path: "dir/with space.sqlite")),
        (":memory:", .sqliteMemory),
        ("postgres://u:p@localhost:5432/db", .postgres(url: "postgres://u:p@localhost:5432/db")),
        ("postgresql://u@db.example/prefer", .postgres(url: "postgresql://u@db.example/prefer")),
    ])
    func locationsParse(text: String, location: StoreLocation) throws {
        #expect(try StoreLocation(parsing: text) == location)
    }

    @Test(arguments: ["", "mysql://u:p@host/db", "sqlite://", "postgres://", "postgres://host-without-user/db"])
    func badLocationsNameTheAcceptedForms(text: String) async throws {
        let error = try await storeError { try await SQLPreferStore.open(text, logger: StoreKind.logger) }
        #expect(error?.kind == .invalid)
        #expect(error?.field == "url")
        #expect(error?.message.contains("sqlite:///absolute/path.sqlite") == true)
        #expect(error?.message.contains("postgres://user:password@host:port/database") == true)
    }

    @Test func passwordsStayOutOfMessages() async throws {
        let error = try await storeError {
            try await SQLPreferStore.open("mysql://user:hunter2@host/db", logger: StoreKind.logger)
        }
        #expect(error?.message.contains("hunter2") == false)
        #expect(StoreLocation.postgres(url: "postgres://u:hunter2@h/db").redactedDescription.contains("hunter2") == false)
    }

    @Test func aMissingDirectoryIsUnavailable() async throws {
        let error = try await storeError {
            try await SQLPreferStore.open("/nonexistent-\(UUID().uuidString)/prefer.sqlite", logger: StoreKind.logger)
        }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("directory") == true)
    }

    @Test func anUnreachablePostgresIsUnavailable() async throws {
        // Port 1 on loopback: nothing listens there.
        let error = try await storeError {
            try await SQLPreferStore.open("postgres://u:secret@127.0.0.1:1/db", logger: StoreKind.logger)
        }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.message.contains("secret") == false)
    }

    @Test func anInMemoryStoreWorks() async throws {
        let store = try await SQLPreferStore.open(":memory:", logger: StoreKind.logger)
        do {
            try await store.migrate()
            let arena = try await store.createArena(NewArena(name: "ephemeral"))
            let a = try await store.createContender(arena: arena.id, name: "a", weight: 1)
            let b = try await store.createContender(arena: arena.id, name: "b", weight: 1)
            let outcomes = try await store.recordVotes([
                NewVote(arenaId: arena.id, battle: "m1", promptId: nil, leftContenderId: a.id, rightContenderId: b.id, choice: .tie)
            ])
            #expect(outcomes.count == 1)
            #expect(try await store.voteCount(arena: arena.id) == 1)
        } catch {
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
        try await store.shutdown()  // a second shutdown does nothing
    }

    @Test func aRelativeSQLitePathIsCreatedThere() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-rel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A path relative to the working directory that leads to the temporary one.
        let depth = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).pathComponents.count - 1
        let relative = String(repeating: "../", count: depth) + directory.path.drop { $0 == "/" } + "/relative.sqlite"
        #expect(!relative.hasPrefix("/"))

        let store = try await SQLPreferStore.open("sqlite://" + relative, logger: StoreKind.logger)
        try await store.migrate()
        try await store.shutdown()
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("relative.sqlite").path))
    }

    @Test func sqliteRunsInWALMode() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("wal.sqlite").path
        let store = try await SQLPreferStore.open(path, logger: StoreKind.logger)
        try await store.migrate()
        // A WAL database has a -wal file beside it while open.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        try await store.shutdown()
        // And says so in its header: file format version 2 (WAL) at bytes 18 and 19.
        let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20)
        #expect(header[18] == 2 && header[19] == 2)
    }
}
