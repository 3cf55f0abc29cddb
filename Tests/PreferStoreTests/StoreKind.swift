import Foundation
import Logging
import PostgresKit
@testable import PreferStore
import Testing

/// The databases the shared suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The kinds this run tests: both, unless `PREFER_SKIP_POSTGRES=1` says to
    /// leave PostgreSQL out (then only SQLite is tested, on purpose).
    static var tested: [StoreKind] {
        ProcessInfo.processInfo.environment["PREFER_SKIP_POSTGRES"] == "1" ? [.sqlite] : allCases
    }

    static let logger: Logger = {
        var logger = Logger(label: "prefer.store.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Opens a new, empty, migrated store of this kind (a temporary SQLite
    /// file, or a PostgreSQL database of its own), runs `body` with it, then
    /// closes the store and removes the database. `migratedThrough`: migrate
    /// only up to that version (a migration's test fills the older schema,
    /// then migrates the rest itself).
    func withStore(migratedThrough version: Int? = nil, _ body: (SQLPreferStore) async throws -> Void) async throws {
        let database = try await TestDatabase.create(self)
        let store: SQLPreferStore
        do {
            store = try await SQLPreferStore.open(database.url, logger: Self.logger)
        } catch {
            try? await database.remove()
            throw error
        }
        do {
            if let version { try await store.migrate(through: version) } else { try await store.migrate() }
            try await body(store)
        } catch {
            try? await store.shutdown()
            try? await database.remove()
            throw error
        }
        try await store.shutdown()
        try await database.remove()
    }
}

/// A database made for one test: a SQLite file in a temporary directory, or a
/// uniquely named PostgreSQL database created through the admin URL in
/// `PREFER_TEST_POSTGRES_URL`.
struct TestDatabase: Sendable {
    let kind: StoreKind
    /// What `SQLPreferStore.open` takes.
    let url: String
    /// The temporary directory (SQLite) or the database name (PostgreSQL).
    let handle: String

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "PREFER_TEST_POSTGRES_URL is not set, so the PostgreSQL half of the store tests cannot run. "
                + "Run ./scripts/test (or scripts/with-postgres swift test), which starts a private PostgreSQL "
                + "server; or set PREFER_SKIP_POSTGRES=1 to test SQLite only."
        }
    }

    static var adminURL: String? {
        ProcessInfo.processInfo.environment["PREFER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func create(_ kind: StoreKind) async throws -> TestDatabase {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("prefer-store-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return TestDatabase(
                kind: kind, url: "sqlite://" + directory.appendingPathComponent("store.sqlite").path,
                handle: directory.path)
        case .postgres:
            guard let admin = adminURL else { throw MissingServer() }
            let name = "prefer_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await adminQuery("CREATE DATABASE \"\(name)\"")
            guard var components = URLComponents(string: admin) else { throw MissingServer() }
            components.path = "/" + name
            return TestDatabase(kind: kind, url: components.string!, handle: name)
        }
    }

    func remove() async throws {
        switch kind {
        case .sqlite:
            try FileManager.default.removeItem(atPath: handle)
        case .postgres:
            try await Self.adminQuery("DROP DATABASE IF EXISTS \"\(handle)\" WITH (FORCE)")
        }
    }

    /// Runs one statement on the admin database.
    static func adminQuery(_ sql: String) async throws {
        guard let admin = adminURL else { throw MissingServer() }
        let configuration = try SQLPostgresConfiguration(url: admin)
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration.coreConfiguration,
            id: 1, logger: StoreKind.logger)
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: StoreKind.logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
