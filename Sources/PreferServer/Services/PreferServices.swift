import Logging
import PreferStore
import ServiceLifecycle

/// What request handlers share: the store, the in-memory services built on
/// it, and the operations the API, the pages and the CLI all call.
struct PreferServices: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory
    let writer: VoteWriter
    let leaderboards: LeaderboardCache
    /// The default boards' JSON, encoded once per board.
    let leaderboardBytes = LeaderboardBytes()
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
    /// AI judges (define, list, run, agreement, validation).
    let judges: JudgeService
    /// Data releases (the archive of `prefer release`).
    let releases: ReleaseService
    /// Judge runs working in the background.
    let judgeRuns: JudgeRunner
    /// Live hybrid routing of new battles (judge first, then people or the judge's vote).
    let routing: HybridRoutingService
    /// API keys.
    let keyRing: KeyRing
    /// Annotator attributes: what arenas ask, annotators' answers, invites' values.
    let attributes: AnnotatorAttributeService
    /// Anonymous visitors' sessions.
    let sessions: SessionCookies
    /// Reads the store's change feed into the views above.
    let follower: ChangeFollower

    /// What the application's service group runs beside the HTTP server, in
    /// start order (it stops them in reverse, after the server): the store,
    /// the vote writer, the leaderboard refresher, the change feed, the judge
    /// runs (last, so stopped first: their last writes reach the store).
    var lifecycle: [any Service] {
        [StoreService(store: store, logger: logger), writer, leaderboards, follower, judgeRuns, routing]
    }

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
            minimumInterval: configuration.leaderboardRefreshInterval, boardSeed: configuration.leaderboardSeed, logger: logger
        )
        arenas = ArenaService(store: store, directory: directory)
        routing = HybridRoutingService(store: store, directory: directory, leaderboards: leaderboards, logger: logger)
        releases = ReleaseService(store: store, directory: directory)
        battles = BattleService(
            store: store, directory: directory, writer: writer, leaderboards: leaderboards, coverage: coverage,
            secrets: secrets, battleLifetime: configuration.battleLifetime, routing: routing)
        keyRing = KeyRing(store: store)
        attributes = AnnotatorAttributeService(store: store, directory: directory, leaderboards: leaderboards)
        administration = AdministrationService(store: store)
        judgeRuns = JudgeRunner(store: store, logger: logger)
        judges = JudgeService(store: store, directory: directory, runner: judgeRuns)
        sessions = SessionCookies(secrets: secrets, secure: configuration.secureCookies)
        follower = ChangeFollower(
            store: store, directory: directory, leaderboards: leaderboards, coverage: coverage,
            interval: configuration.changePollInterval, logger: logger)
    }
}
