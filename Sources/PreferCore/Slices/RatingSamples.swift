/// Bootstrap ratings of one leaderboard: `rounds` rows of one rating per
/// contender (Elo scale, NaN where a contender was absent from the round's
/// resample). Comparisons between boards — Kendall τ between two groups'
/// rankings, the difference of a contender's ratings — take their intervals
/// from these rows, round by round.
public struct RatingSamples: Sendable {
    public var contenders: [String]
    public var rounds: Int
    /// Row-major: `values[round * contenders.count + contender]`.
    public var values: [Double]

    public init(contenders: [String], rounds: Int, values: [Double]) {
        precondition(values.count == rounds * contenders.count, "one value per round and contender")
        self.contenders = contenders
        self.rounds = rounds
        self.values = values
    }

    public subscript(round: Int, contender: Int) -> Double {
        values[round * contenders.count + contender]
    }

    /// The index of each name in `contenders` (nil where absent).
    public func indices(of names: [String]) -> [Int?] {
        let index = Dictionary(contenders.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return names.map { index[$0] }
    }
}

extension LeaderboardBuilder {
    /// The leaderboard (`build`, whatever model the options choose) and, when
    /// its intervals are bootstrapped, the bootstrap's per-round ratings.
    ///
    /// The rounds are those of the Bradley–Terry bootstrap (or, for K-way
    /// votes, the Plackett–Luce one) with the same rounds, seed and votes, so
    /// their percentiles are the board's intervals exactly. Drawing them again costs one more bootstrap
    /// (O(rounds × (cells + n²)), see `Bootstrap`).
    public func buildWithSamples(
        _ votes: VoteTable,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(RatingError) -> (board: Leaderboard, samples: RatingSamples?) {
        let board = try build(votes, progress: progress)
        guard case .bootstrap(let rounds, let seed) = options.intervals else { return (board, nil) }
        let table = votes.hasContendersWithoutVotes ? votes.compacted() : votes
        if try options.selectModel(for: table).usesPlackettLuce {
            // K-way votes (or a tie model): the Plackett–Luce bootstrap's rounds, as `build` drew them.
            let counts = ChoiceCounts(table)
            let fit = try PlackettLuce(options.estimator, ties: options.ties).fit(counts)
            let samples = Bootstrap(rounds: rounds, seed: seed, level: options.level, threads: options.threads).run(counts, fit: fit).samples
            guard samples.count == rounds * counts.contenderCount else { return (board, nil) }
            return (board, RatingSamples(contenders: counts.contenders, rounds: rounds, values: samples))
        }
        let counts = PairCounts(table)
        let fit = try options.estimator.fit(counts)
        var bootstrap = Bootstrap(rounds: rounds, seed: seed, level: options.level, threads: options.threads)
        bootstrap.threads = options.threads
        let samples = bootstrap.run(counts, fit: fit).samples
        guard samples.count == rounds * counts.contenderCount else { return (board, nil) }
        return (board, RatingSamples(contenders: counts.contenders, rounds: rounds, values: samples))
    }
}
