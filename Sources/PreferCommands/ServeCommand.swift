import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PreferServer
import PreferStore

/// `prefer serve`: the arena server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Prefer server: arenas, anonymous battles, votes and leaderboards over HTTP.",
        discussion: """
        On an empty database the first start runs the migrations, makes an admin key (printed once; \
        only its hash is stored) and loads a demo arena. SIGINT or SIGTERM stops it gracefully.

        Environment: PREFER_DATABASE_URL (instead of --database), PREFER_ADMIN_KEY (sets the admin key).
        """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://user:pass@host:5432/db.")
    var database: String?
    @Option(name: .customLong("max-body-mb"), help: "Largest request body accepted, in MB.") var maxBodyMB = 10
    @Option(help: "Seconds a served battle may be voted on.") var battleTtl = 3600
    @Option(help: "Bootstrap rounds of the leaderboard when a request does not say.") var leaderboardRounds = 1000
    @Option(help: "Least seconds between two recomputations of one leaderboard.") var leaderboardRefresh = 2.0
    @Option(help: "The URL people reach this server at, for invite links (default http://host:port).") var publicUrl: String?
    @Flag(help: "Do not load the demo arena into an empty database.") var noDemo = false
    @Flag(help: "Mark cookies Secure (when served over HTTPS).") var secureCookies = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535.") }
        guard maxBodyMB >= 1 else { throw ValidationError("--max-body-mb must be at least 1.") }
        guard battleTtl >= 10 else { throw ValidationError("--battle-ttl must be at least 10 seconds.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.") }
    }

    func run() async throws {
        var logger = Logger(label: "prefer")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let environment = ProcessInfo.processInfo.environment
        let (url, store) = try await StoreOpener.open(database, logger: logger)
        do {
            try await store.migrate()
            let setup = try await ServerSetup.prepare(store: store, adminKey: environment["PREFER_ADMIN_KEY"], loadDemo: !noDemo)
            let configuration = ServerConfiguration(
                host: host, port: port, maxBodyBytes: maxBodyMB * 1_000_000,
                battleLifetime: .seconds(battleTtl), leaderboardRounds: leaderboardRounds,
                leaderboardRefreshInterval: .milliseconds(Int(leaderboardRefresh * 1000)),
                publicURL: publicUrl, secureCookies: secureCookies
            )
            let app = try await buildApplication(configuration: configuration, store: store, logger: logger) { _ in
                Self.announce(configuration: configuration, setup: setup, database: url, store: store)
            }
            try await app.runService()
        } catch {
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }

    static func announce(configuration: ServerConfiguration, setup: ServerSetup.Report, database: String, store: any PreferStore) {
        var lines: [String] = []
        lines.append("Prefer is running at \(configuration.baseURL)  (database: \(store.dialect) \(StoreLocation.redacted(database)))")
        if let key = setup.newAdminKey {
            lines.append("")
            lines.append("Admin key (shown once; only its hash is stored — keep it):")
            lines.append("  \(key)")
            lines.append("Use it as: Authorization: Bearer <admin key>, or set PREFER_ADMIN_KEY to choose your own.")
        }
        if let demo = setup.demoArena {
            lines.append("")
            lines.append("Loaded the demo arena \"\(demo)\".")
        }
        lines.append("")
        lines.append("  vote:         \(configuration.baseURL)/arenas/demo/vote")
        lines.append("  leaderboard:  \(configuration.baseURL)/arenas/demo/leaderboard")
        lines.append("  admin:        \(configuration.baseURL)/admin")
        lines.append("  API:          \(configuration.baseURL)/openapi.json   health: /health   metrics: /metrics")
        printOut(lines.joined(separator: "\n"))
    }
}
