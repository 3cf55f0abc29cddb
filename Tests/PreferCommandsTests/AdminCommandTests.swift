import Foundation
import Logging
@testable import PreferCommands
import PreferStore
import Testing

/// `prefer admin`: the owner key and named keys, read back from the database
/// the way the server's `KeyRing` reads them (by SHA-256).
@Suite("prefer admin", .timeLimit(.minutes(2)))
struct AdminCommandTests {
    /// A new, empty SQLite file in a folder of its own.
    static func database() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("prefer.sqlite").path
        FileManager.default.createFile(atPath: path, contents: nil)
        return path
    }

    static func withStore<T>(_ path: String, _ body: (any PreferStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let store = try await SQLPreferStore.open(path, logger: logger)
        do {
            let result = try await body(store)
            try await store.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    /// The `prefer_…` token printed on its own line.
    static func printedKey(_ text: String) -> String? {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("prefer_") }
    }

    @Test func resetKeyPrintsANewOwnerKeyAndTheOldOneStopsMatching() async throws {
        let path = try Self.database()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let first = await CommandRun.run(["admin", "reset-key", "--database", path])
        #expect(first.status == 0, "\(first.stderr)")
        let key1 = try #require(Self.printedKey(first.stdout), "\(first.stdout)")
        #expect(first.stdout.contains("old owner key no longer works"))
        let second = await CommandRun.run(["admin", "reset-key", "--database", path])
        let key2 = try #require(Self.printedKey(second.stdout))
        #expect(key1 != key2)
        let (stored, log) = try await Self.withStore(path) { store in
            (try await store.setting("admin_key_sha256"), try await store.auditLog(before: nil, limit: 10))
        }
        #expect(stored == ContentHash.sha256(key2), "the new key is the owner key")
        #expect(stored != ContentHash.sha256(key1), "the old key no longer is")
        #expect(log.filter { $0.operation == "resetOwnerKey" && $0.actor == "cli" }.count == 2)
    }

    @Test func resetKeyRefusesAMissingDatabaseInsteadOfCreatingOne() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-none-\(UUID().uuidString).sqlite").path
        let run = await CommandRun.run(["admin", "reset-key", "--database", path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no database at \(path)"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func keysAreCreatedListedAndRevoked() async throws {
        let path = try Self.database()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let made = await CommandRun.run(["admin", "keys", "create", "alice", "--role", "viewer", "--database", path])
        #expect(made.status == 0, "\(made.stderr)")
        let secret = try #require(Self.printedKey(made.stdout), "\(made.stdout)")
        let found = try await Self.withStore(path) { try await $0.apiKey(hash: ContentHash.sha256(secret)) }
        #expect(found?.name == "alice" && found?.role == "viewer")

        let listed = await CommandRun.run(["admin", "keys", "list", "--database", path])
        #expect(listed.status == 0)
        let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("alice") })
        #expect(row.contains("viewer") && row.contains("active"), "\(listed.stdout)")
        #expect(!listed.stdout.contains(secret), "a listing never shows a key")

        let duplicate = await CommandRun.run(["admin", "keys", "create", "alice", "--role", "admin", "--database", path])
        #expect(duplicate.status != 0 && duplicate.stderr.contains("A key named \"alice\" exists already"), "\(duplicate.stderr)")
        let badRole = await CommandRun.run(["admin", "keys", "create", "bob", "--role", "superuser", "--database", path])
        #expect(badRole.status != 0 && badRole.stderr.contains("role must be one of viewer, admin, owner"), "\(badRole.stderr)")

        let revoked = await CommandRun.run(["admin", "keys", "revoke", "alice", "--database", path])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let after = try await Self.withStore(path) { try await $0.apiKey(hash: ContentHash.sha256(secret)) }
        #expect(after == nil, "a revoked key no longer matches")
        let relisted = await CommandRun.run(["admin", "keys", "list", "--database", path])
        #expect(relisted.stdout.split(separator: "\n").first { $0.hasPrefix("alice") }?.contains("revoked") == true)
        let unknown = await CommandRun.run(["admin", "keys", "revoke", "carol", "--database", path])
        #expect(unknown.status != 0 && unknown.stderr.contains("carol"), "\(unknown.stderr)")
    }
}
