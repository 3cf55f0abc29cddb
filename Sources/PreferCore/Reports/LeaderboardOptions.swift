/// What to compute for a leaderboard.
public struct LeaderboardOptions: Sendable {
    public enum Intervals: Sendable, Hashable {
        case none
        /// Percentile bootstrap with `rounds` resamples and a seed.
        case bootstrap(rounds: Int, seed: UInt64)
        /// Robust (sandwich) standard errors, LMArena's arena-rank default.
        case sandwich
    }

    /// The Elo scale, anchor, tolerance (and L2 penalty, for Bradley–Terry) of the fit.
    public var estimator: BradleyTerry
    /// Which model: Bradley–Terry, Plackett–Luce, or chosen from the votes
    /// (`selectModel(for:)`).
    public var model: LeaderboardModel
    /// How pairwise ties enter the likelihood.
    public var ties: TieModel
    /// Whether "both bad" votes count as ties or are left out.
    public var bothBad: BothBadPolicy
    public var intervals: Intervals
    /// Coverage of the intervals (0.95 → 2.5/97.5 percentiles).
    public var level: Double
    /// Adds the online-Elo column when set.
    public var onlineElo: OnlineElo?
    /// Includes the pair matrices.
    public var matrices: Bool
    /// Worker threads for the bootstrap; nil uses every core.
    public var threads: Int?
    /// How Plackett–Luce bootstrap rounds are refitted (`Bootstrap.Refit`).
    public var bootstrapRefit: Bootstrap.Refit = .auto

    public init(
        estimator: BradleyTerry = BradleyTerry(),
        intervals: Intervals = .none,
        level: Double = 0.95,
        onlineElo: OnlineElo? = nil,
        matrices: Bool = false,
        threads: Int? = nil,
        model: LeaderboardModel = .automatic,
        ties: TieModel = .half,
        bothBad: BothBadPolicy = .tie
    ) {
        self.estimator = estimator
        self.model = model
        self.ties = ties
        self.bothBad = bothBad
        self.intervals = intervals
        self.level = level
        self.onlineElo = onlineElo
        self.matrices = matrices
        self.threads = threads
    }

    public func validate() throws(RatingError) {
        guard level > 0 && level < 1 else {
            throw .invalidOption("--level must be between 0 and 1 (exclusive), e.g. 0.95; got \(level).")
        }
        guard estimator.l2 >= 0, estimator.l2.isFinite else {
            throw .invalidOption("--l2 must be zero or positive; got \(estimator.l2).")
        }
        if case .bootstrap(let rounds, _) = intervals, rounds < 2 {
            throw .invalidOption("--bootstrap needs at least 2 rounds (1000 is usual); got \(rounds).")
        }
        guard estimator.scale > 0, estimator.base > 1 else {
            throw .invalidOption("the Elo scale must be positive and the base above 1.")
        }
        try validateModel()
    }
}
