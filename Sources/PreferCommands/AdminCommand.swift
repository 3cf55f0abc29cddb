import ArgumentParser
import Foundation
import Logging
import PreferServer
import PreferStore

/// `prefer admin`: the owner key and the named API keys, on the database
/// directly (for the one who runs the server: no key needed, the database is
/// the authority). The server's API does the same through the same
/// `AdministrationService`, so a key is made and hashed one way only.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage the owner key and the named API keys (viewer, admin, owner) in a Prefer database.",
        discussion: """
        Keys are stored as SHA-256 hashes only: a key is printed once, when it is made. A running server \
        reads keys from the database on each request, so a change here takes effect at once, on every \
        server sharing the database. Each change is written to the admin action log (GET /api/audit-log) \
        with the actor "cli".

        Examples:
          prefer admin reset-key
          prefer admin keys create alice --role admin
          prefer admin keys list
          prefer admin keys revoke alice
        """,
        subcommands: [AdminResetKey.self, AdminKeys.self]
    )
}

/// `--database`, shared by the admin commands.
struct AdminDatabaseOptions: ParsableArguments {
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://user:pass@host:5432/db. Environment: PREFER_DATABASE_URL.")
    var database: String?

    /// Runs `body` on the migrated store and closes it.
    func withService<T: Sendable>(_ body: (AdministrationService, any PreferStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "prefer")
        logger.logLevel = .warning
        let url = database ?? ProcessInfo.processInfo.environment["PREFER_DATABASE_URL"] ?? "prefer.sqlite"
        if !url.contains("://"), !FileManager.default.fileExists(atPath: url) {
            throw CommandError("there is no database at \(url): start the server once (prefer serve) or name the database with --database.")
        }
        let (_, store) = try await StoreOpener.open(url, logger: logger)
        do {
            try await store.migrate()
            let result = try await body(AdministrationService(store: store), store)
            try await store.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    /// Writes a change made from the command line to the admin action log.
    static func log(_ store: any PreferStore, operation: String, command: String, detail: String?) async throws {
        try await store.appendAudit(NewAuditEntry(actor: "cli", operation: operation, method: "CLI", path: command, status: 200, detail: detail))
    }
}

/// `prefer admin reset-key`
struct AdminResetKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-key",
        abstract: "Make a new owner key and print it; the old owner key stops working at once."
    )

    @OptionGroup var options: AdminDatabaseOptions

    func run() async throws {
        let key = try await options.withService { service, store in
            let key = try await service.resetOwnerKey()
            try await AdminDatabaseOptions.log(store, operation: "resetOwnerKey", command: "prefer admin reset-key", detail: nil)
            return key
        }
        printOut("""
        New owner key (shown once; only its hash is stored — keep it):
          \(key)
        The old owner key no longer works. Use the new one as: Authorization: Bearer <key>.
        """)
    }
}

/// `prefer admin keys list|create|revoke`
struct AdminKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Named API keys with roles: viewer (reads private leaderboards and exports), admin (also arenas, imports), owner (also keys).",
        subcommands: [List.self, Create.self, Revoke.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the named keys: name, role, when made, when revoked.")

        @OptionGroup var options: AdminDatabaseOptions

        func run() async throws {
            let keys = try await options.withService { service, _ in try await service.keys() }
            guard !keys.isEmpty else {
                printOut("No named keys yet (the owner key is not listed). prefer admin keys create NAME --role viewer|admin|owner makes one.")
                return
            }
            let day = Date.ISO8601FormatStyle()
            let rows = keys.map { key in
                [key.name, key.role, key.createdAt.formatted(day), key.revokedAt.map { "revoked " + $0.formatted(day) } ?? "active"]
            }
            printOut(AdminKeys.table(["Name", "Role", "Created", "Status"], rows), terminator: "")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a named key with a role and print it (once).")

        @Argument(help: "Who holds the key: letters, digits, '.', '_', '@' or '-'.") var name: String
        @Option(help: "viewer, admin or owner.") var role: String
        @OptionGroup var options: AdminDatabaseOptions

        func run() async throws {
            let made = try await options.withService { service, store in
                let made = try await service.createKey(name: name, role: role)
                try await AdminDatabaseOptions.log(store, operation: "createKey", command: "prefer admin keys create", detail: "\(name) (\(role))")
                return made
            }
            printOut("""
            Key "\(made.key.name)" (role \(made.key.role); shown once, only its hash is stored — keep it):
              \(made.secret)
            """)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a named key: it stops working at once (its name stays taken).")

        @Argument(help: "The key's name.") var name: String
        @OptionGroup var options: AdminDatabaseOptions

        func run() async throws {
            _ = try await options.withService { service, store in
                let key = try await service.revokeKey(name: name)
                try await AdminDatabaseOptions.log(store, operation: "revokeKey", command: "prefer admin keys revoke", detail: name)
                return key
            }
            printOut("Revoked the key \"\(name)\": it no longer works.")
        }
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var width = header.map(\.count)
        for row in rows { for (k, cell) in row.enumerated() { width[k] = max(width[k], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { k, cell in cell.padding(toLength: width[k], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
