/// Turns votes into a `Leaderboard`: choose the model (`selectModel(for:)`),
/// aggregate the sufficient statistics once (pair counts, or choice counts
/// for Plackett–Luce and the tie models), fit, add intervals (bootstrap or
/// sandwich), online Elo and matrices as asked, then rank. Each step is
/// timed for `prefer bench`.
public struct LeaderboardBuilder: Sendable {
    public var options: LeaderboardOptions

    public init(options: LeaderboardOptions = LeaderboardOptions()) {
        self.options = options
    }

    /// Seconds spent in each step of the last build.
    public struct Timings: Sendable, Codable {
        public var aggregate = 0.0
        public var fit = 0.0
        public var intervals = 0.0
        public var elo = 0.0
        public var report = 0.0

        public init() {}
    }

    public func build(
        _ votes: VoteTable,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(RatingError) -> Leaderboard {
        var timings = Timings()
        return try build(votes, timings: &timings, progress: progress)
    }

    public func build(
        _ votes: VoteTable,
        timings: inout Timings,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(RatingError) -> Leaderboard {
        try options.validate()
        let votes = options.bothBad == .drop ? votes.droppingBothBad() : votes
        let selection = try options.selectModel(for: votes)
        if selection.usesPlackettLuce {
            return try buildPlackettLuce(votes, selection: selection, timings: &timings, progress: progress)
        }
        let clock = ContinuousClock()
        var mark = clock.now
        func lap() -> Double {
            let now = clock.now
            let d = now - mark
            mark = now
            return d.inSeconds
        }

        let table = votes.hasContendersWithoutVotes ? votes.compacted() : votes
        let counts = PairCounts(table)
        guard counts.totalVotes > 0 else { throw .noVotes }
        timings.aggregate = lap()

        let fit = try options.estimator.fit(counts)
        timings.fit = lap()

        var intervals: RatingIntervals?
        switch options.intervals {
        case .none:
            break
        case .bootstrap(let rounds, let seed):
            var bootstrap = Bootstrap(rounds: rounds, seed: seed, level: options.level, threads: options.threads)
            bootstrap.threads = options.threads
            intervals = bootstrap.run(counts, fit: fit, progress: progress).intervals
        case .sandwich:
            intervals = SandwichIntervals(level: options.level).compute(counts, fit: fit)
        }
        timings.intervals = lap()

        let elo = options.onlineElo?.ratings(table)
        timings.elo = lap()

        var board = assemble(counts: counts, fit: fit, intervals: intervals, elo: elo)
        board.method.describe(selection, options: options)
        timings.report = lap()
        return board
    }

    func assemble(counts: PairCounts, fit: BradleyTerryFit, intervals: RatingIntervals?, elo: [Double]?) -> Leaderboard {
        let n = counts.contenderCount
        var score = [Double](repeating: 0, count: n)
        var total = [Double](repeating: 0, count: n)
        for p in 0..<counts.pairCount {
            let a = Int(counts.first[p])
            let b = Int(counts.second[p])
            score[a] += counts.score(p)
            score[b] += counts.total(p) - counts.score(p)
            total[a] += counts.total(p)
            total[b] += counts.total(p)
        }
        let (entries, order) = Self.rankedEntries(
            names: counts.contenders, ratings: fit.ratings, votes: counts.contenderVotes,
            winRate: (0..<n).map { total[$0] > 0 ? score[$0] / total[$0] : 0 },
            provisional: fit.provisional, graph: fit.graph, intervals: intervals, elo: elo)
        let estimator = fit.estimator
        let fitName: String
        if estimator.l2 > 0 {
            fitName = "l2"
        } else if fit.componentMethods.contains(.firth) {
            fitName = "mle+firth"
        } else {
            fitName = "mle"
        }
        var method = Leaderboard.Method(
            fit: fitName,
            l2: estimator.l2,
            scale: estimator.scale,
            base: estimator.base,
            initialRating: estimator.initialRating,
            anchor: estimator.anchor?.contender,
            anchorRating: estimator.anchor?.rating,
            tolerance: estimator.tolerance,
            iterations: fit.iterations,
            gradientNorm: fit.gradientNorm,
            converged: fit.converged,
            intervals: intervals?.method.rawValue ?? "none",
            level: intervals?.level,
            votes: counts.totalVotes,
            contenders: n
        )
        method.record(intervals?.bootstrap, eloK: options.onlineElo?.k)
        var warnings = fit.warnings + (intervals?.warnings ?? [])
        if counts.selfBattles > 0 {
            warnings.append("\(counts.selfBattles) votes pitted a contender against itself and were ignored.")
        }
        let matrices = options.matrices
            ? PairMatrices(counts, ratings: fit.ratings, order: order, estimator: estimator) : nil
        return Leaderboard(contenders: entries, method: method, warnings: warnings, matrices: matrices)
    }

    /// Entries best first — group by group when the votes form groups that
    /// never met, with ranks counted within each group — and that order.
    static func rankedEntries(
        names: [String], ratings: [Double], votes: [Int], winRate: [Double], provisional: [Bool],
        graph: ComparisonGraph, intervals: RatingIntervals?, elo: [Double]?
    ) -> (entries: [Leaderboard.Entry], order: [Int]) {
        let n = names.count
        var lower = intervals?.lower ?? ratings
        var upper = intervals?.upper ?? ratings
        // An interval from a handful of votes (or from resamples that could
        // not vary: one vote gives "±0.0") would read as certainty: withhold
        // it, say why, and let the contender count as uncertain everywhere
        // (for Rank (UB) its interval is the whole line).
        var withheld = [String?](repeating: nil, count: n)
        if intervals != nil {
            for c in 0..<n {
                if votes[c] < Leaderboard.minimumVotesForInterval {
                    withheld[c] = "only \(votes[c]) vote\(votes[c] == 1 ? "" : "s"); \(Leaderboard.minimumVotesForInterval) are needed for an interval"
                } else if !(upper[c] > lower[c]) {
                    withheld[c] = "the resamples could not vary its rating"
                }
                if withheld[c] != nil {
                    lower[c] = ratings[c]
                    upper[c] = ratings[c]
                }
            }
        }
        let spanLower = (0..<n).map { withheld[$0] == nil ? lower[$0] : -Double.infinity }
        let spanUpper = (0..<n).map { withheld[$0] == nil ? upper[$0] : Double.infinity }
        let component = graph.component
        let order = (0..<n).sorted {
            if component[$0] != component[$1] { return component[$0] < component[$1] }
            return (ratings[$0], names[$1]) > (ratings[$1], names[$0])
        }
        let grouped = graph.componentCount > 1
        var componentSize = [Int](repeating: 0, count: graph.componentCount)
        for c in 0..<n { componentSize[component[c]] += 1 }
        var entries: [Leaderboard.Entry] = []
        var groupStart = 0
        for (position, c) in order.enumerated() {
            if position > 0 && component[c] != component[order[position - 1]] { groupStart = position }
            var rank = position - groupStart + 1
            if position > groupStart, let previous = entries.last, ratings[c] == previous.rating { rank = previous.rank }
            let rankUB = 1 + (0..<n).filter { component[$0] == component[c] && spanLower[$0] > spanUpper[c] }.count
            entries.append(Leaderboard.Entry(
                name: names[c],
                rating: ratings[c],
                lower: lower[c],
                upper: upper[c],
                votes: votes[c],
                rank: rank,
                rankUB: rankUB,
                // A withheld interval's rank range is the whole line too: the
                // resamples of a handful of votes would give one rank, as certain.
                rankLower: intervals?.rankLower.map { withheld[c] == nil ? $0[c] : 1 },
                rankUpper: intervals?.rankUpper.map { withheld[c] == nil ? $0[c] : componentSize[component[c]] },
                standardError: intervals?.standardErrors[c],
                elo: elo?[c],
                winRate: winRate[c],
                provisional: provisional[c],
                group: grouped ? component[c] + 1 : nil,
                noInterval: withheld[c]
            ))
        }
        return (entries, order)
    }
}

extension Leaderboard.Method {
    /// Records how the bootstrap went and the online Elo's K, as every
    /// builder reports them.
    mutating func record(_ summary: BootstrapSummary?, eloK: Double?) {
        if let summary {
            rounds = summary.rounds
            seed = summary.seed
            resampling = summary.resampling
            bootstrapMeanIterations = summary.meanIterations
            bootstrapFullFitRounds = summary.fullFitRounds
        }
        self.eloK = eloK
    }
}
