import ArgumentParser
import Foundation
import Synchronization
import Hummingbird
import Logging
import PreferServer
import PreferStore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `prefer serve`: the arena server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Prefer server: arenas, anonymous battles, votes and leaderboards over HTTP.",
        discussion: """
        On an empty database the first start runs the migrations, makes an admin key (printed once; \
        only its hash is stored) and loads a demo arena. SIGINT or SIGTERM stops it gracefully: it stops \
        accepting connections, answers the requests under way (their votes are stored), writes the votes \
        still queued, closes the database and logs "Prefer stopped cleanly".

        Several servers can share one PostgreSQL database (behind any HTTP load balancer): each reads the \
        others' votes, arenas, contenders, prompts and outputs from the database every --sync-interval \
        seconds. See docs/deployment.md.

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
    @Option(help: "Seconds between two reads of the changes other servers on the same database wrote.")
    var syncInterval = 0.25
    @Option(help: "The URL people reach this server at, for invite links (default http://host:port).") var publicUrl: String?
    @Flag(help: "Do not load the demo arena into an empty database.") var noDemo = false
    @Flag(help: "Mark cookies Secure (when served over HTTPS).") var secureCookies = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535.") }
        guard maxBodyMB >= 1 else { throw ValidationError("--max-body-mb must be at least 1.") }
        guard battleTtl >= 10 else { throw ValidationError("--battle-ttl must be at least 10 seconds.") }
        guard leaderboardRefresh >= 0 else { throw ValidationError("--leaderboard-refresh must be 0 or more seconds.") }
        guard syncInterval >= 0.01 && syncInterval <= 3600 else { throw ValidationError("--sync-interval must be 0.01 to 3600 seconds.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.") }
    }

    func run() async throws {
        // Before the database is opened: a first start that cannot listen must
        // not store an owner key it will never print.
        try await ListenAddress.check(host: host, port: port)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let metrics = Self.bootstrap(logLevel: level)
        var logger = Logger(label: "prefer")
        logger.logLevel = level
        let environment = ProcessInfo.processInfo.environment
        let (url, store) = try await StoreOpener.open(database, logger: logger, serving: true)
        let app: any Service
        do {
            try await store.migrate()
            let setup = try await ServerSetup.prepare(store: store, adminKey: environment["PREFER_ADMIN_KEY"], loadDemo: !noDemo)
            var settings = ServerConfiguration(
                host: host, port: port, maxBodyBytes: maxBodyMB * 1_000_000,
                battleLifetime: .seconds(battleTtl), leaderboardRounds: leaderboardRounds,
                leaderboardRefreshInterval: .milliseconds(Int(leaderboardRefresh * 1000)),
                publicURL: publicUrl, secureCookies: secureCookies,
                changePollInterval: .milliseconds(Int(syncInterval * 1000)), metrics: metrics
            )
            // Deleted arenas' votes go beside an SQLite file (the working directory otherwise).
            if case .sqliteFile(let path) = try? StoreLocation(parsing: url) {
                settings.deletedArenaExports = URL(fileURLWithPath: path).deletingLastPathComponent()
                    .appendingPathComponent("prefer-deleted-arenas").path
            }
            let configuration = settings
            // The demo's pages are announced only when the demo arena is there
            // (not with --no-demo on a new database, nor after it was deleted).
            let hasDemo = try await store.arena(named: ServerSetup.demoArenaName) != nil
            app = try await buildApplication(configuration: configuration, store: store, logger: logger) { _ in
                Self.announce(configuration: configuration, setup: setup, hasDemo: hasDemo, database: url, store: store)
            }
        } catch {
            // The application never ran, so its service group will not close the store.
            try? await store.shutdown()
            throw error
        }
        // The application's service group owns the store from here and closes it when it stops.
        var group = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A request that still runs after this long is cancelled (its client gets no answer), so a
        // stuck client cannot keep the process alive; votes already queued are written first.
        group.maximumGracefulShutdownDuration = .seconds(30)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch where ListenAddress.isBindFailure(error) {
            // Taken between the check and the start (another process was quicker).
            throw ListenAddress.bindError(error, host: host, port: port)
        }
        logger.info("Prefer stopped cleanly")
    }

    /// Installs the process's log handler (stderr, at `logLevel`, so stdout
    /// keeps the startup banner only) and its metrics system (Prometheus,
    /// for `/metrics`), once per process; returns the metrics registry.
    static func bootstrap(logLevel: Logger.Level) -> PrometheusCollectorRegistry {
        observability.withLock { installed in
            if let installed { return installed }
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
            let registry = ServerMetrics.bootstrapPrometheus()
            installed = registry
            return registry
        }
    }

    private static let observability = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The reset-key command for this database, to paste: the SQLite path
    /// when it is not the default (a PostgreSQL URL stays unprinted: it may
    /// hold a password; PREFER_DATABASE_URL is read as by serve).
    static func resetKeyCommand(database: String) -> String {
        if database == "prefer.sqlite" || database == ProcessInfo.processInfo.environment["PREFER_DATABASE_URL"] {
            return "prefer admin reset-key"
        }
        if case .sqliteFile(let path)? = try? StoreLocation(parsing: database) {
            let quoted = path.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" }) ? "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" : path
            return "prefer admin reset-key --database \(quoted)"
        }
        return "prefer admin reset-key --database <the same database URL>"
    }

    static func announce(configuration: ServerConfiguration, setup: ServerSetup.Report, hasDemo: Bool, database: String, store: any PreferStore) {
        var lines: [String] = []
        lines.append("Prefer is running at \(configuration.baseURL)  (database: \(store.dialect) \(StoreLocation.redacted(database)))")
        if let key = setup.newAdminKey {
            lines.append("")
            lines.append("Admin key (shown once; only its hash is stored — keep it):")
            lines.append("  \(key)")
            lines.append("Use it as: Authorization: Bearer <admin key>, or set PREFER_ADMIN_KEY to choose your own.")
        } else if ProcessInfo.processInfo.environment["PREFER_ADMIN_KEY"] == nil {
            lines.append("(Lost the admin key? `\(resetKeyCommand(database: database))` prints a new one; the old one then stops working.)")
        }
        if let demo = setup.demoArena {
            lines.append("")
            lines.append("Loaded the demo arena \"\(demo)\".")
        }
        lines.append("")
        if hasDemo {
            lines.append("  vote:         \(configuration.baseURL)/arenas/\(ServerSetup.demoArenaName)/vote")
            lines.append("  leaderboard:  \(configuration.baseURL)/arenas/\(ServerSetup.demoArenaName)/leaderboard")
        } else {
            lines.append("  arenas:       \(configuration.baseURL)/")
        }
        lines.append("  admin:        \(configuration.baseURL)/admin")
        lines.append("  API:          \(configuration.baseURL)/openapi.json   health: /health   metrics: /metrics")
        printOut(lines.joined(separator: "\n"))
    }
}
