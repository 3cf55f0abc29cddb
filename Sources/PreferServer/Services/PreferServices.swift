import Logging
import PreferStore

/// What request handlers share: the store and the in-memory services built on it.
struct PreferServices: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory
    let writer: VoteWriter
    let leaderboards: LeaderboardCache
    let coverage: ItemCoverage
    let secrets: ServerSecrets
    let configuration: ServerConfiguration
    let logger: Logger

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
    }
}
