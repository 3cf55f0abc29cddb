import Logging
import PreferStore

/// What request handlers share: the store, the in-memory services built on
/// it, and the operations the API, the pages and the CLI all call.
struct PreferServices: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory
    let writer: VoteWriter
    let leaderboards: LeaderboardCache
    let coverage: ItemCoverage
    let secrets: ServerSecrets
    let configuration: ServerConfiguration
    let logger: Logger

    /// Arenas and their contents.
    let arenas: ArenaService
    /// Battles and votes.
    let battles: BattleService
    /// API keys, the admin action log, decisions about annotators.
    let administration: AdministrationService
    /// API keys.
    let keyRing: KeyRing
    /// Anonymous visitors' sessions.
    let sessions: SessionCookies

    init(store: any PreferStore, secrets: ServerSecrets, configuration: ServerConfiguration, logger: Logger) {
        self.store = store
        self.secrets = secrets
        self.configuration = configuration
        self.logger = logger
        directory = ArenaDirectory(store: store)
        writer = VoteWriter(store: store)
        coverage = ItemCoverage(store: store)
        leaderboards = LeaderboardCache(
            store: store, directory: directory,
            minimumInterval: configuration.leaderboardRefreshInterval, logger: logger
        )
        arenas = ArenaService(store: store, directory: directory)
        battles = BattleService(
            store: store, directory: directory, writer: writer, leaderboards: leaderboards, coverage: coverage,
            secrets: secrets, battleLifetime: configuration.battleLifetime)
        keyRing = KeyRing(store: store)
        administration = AdministrationService(store: store)
        sessions = SessionCookies(secrets: secrets, secure: configuration.secureCookies)
    }
}
