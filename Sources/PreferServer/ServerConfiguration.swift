import Prometheus

/// How `prefer serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted (bytes); bigger ones get 413.
    public var maxBodyBytes: Int
    /// How long a served battle may be voted on.
    public var battleLifetime: Duration
    /// Bootstrap rounds of the leaderboard when a request does not say.
    public var leaderboardRounds: Int
    /// Seed of the leaderboard's bootstrap when a request does not say.
    public var leaderboardSeed: UInt64
    /// Least time between two background recomputations of one leaderboard.
    public var leaderboardRefreshInterval: Duration
    /// The address people reach the server at, for links (invites); default http://host:port.
    public var publicURL: String?
    /// Marks cookies Secure (behind HTTPS).
    public var secureCookies: Bool
    /// How often the server reads the store's change feed (votes, arenas,
    /// contenders, prompts and outputs written by other processes sharing the
    /// database): the bound on how late a replica sees another's writes.
    public var changePollInterval: Duration
    /// The Prometheus registry `/metrics` shows: the one the process
    /// installed (`ServerMetrics.bootstrapPrometheus()`); none shows nothing.
    public var metrics: PrometheusCollectorRegistry?
    /// Where an arena's votes are written (JSON Lines, as `GET …/votes`
    /// exports them) before the arena is deleted, unless the request says
    /// `export=false`. `prefer serve` puts it beside an SQLite database file.
    public var deletedArenaExports: String

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodyBytes: Int = 10_000_000,
        battleLifetime: Duration = .seconds(3600),
        leaderboardRounds: Int = 1000,
        leaderboardSeed: UInt64 = 42,
        leaderboardRefreshInterval: Duration = .seconds(2),
        publicURL: String? = nil,
        secureCookies: Bool = false,
        changePollInterval: Duration = .milliseconds(250),
        metrics: PrometheusCollectorRegistry? = nil,
        deletedArenaExports: String = "prefer-deleted-arenas"
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.battleLifetime = battleLifetime
        self.leaderboardRounds = leaderboardRounds
        self.leaderboardSeed = leaderboardSeed
        self.leaderboardRefreshInterval = leaderboardRefreshInterval
        self.publicURL = publicURL
        self.secureCookies = secureCookies
        self.changePollInterval = changePollInterval
        self.metrics = metrics
        self.deletedArenaExports = deletedArenaExports
    }

    /// The base URL for links.
    public var baseURL: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let shown = host == "0.0.0.0" || host == "::" ? "localhost" : host
        return "http://\(shown):\(port)"
    }
}
