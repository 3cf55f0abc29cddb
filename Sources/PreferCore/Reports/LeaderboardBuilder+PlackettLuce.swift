extension LeaderboardBuilder {
    /// The leaderboard of a Plackett–Luce fit (K-way votes, and pairwise
    /// votes under the tie model): choice counts, `PlackettLuce.fit`, the
    /// bootstrap of `Bootstrap.run(_:fit:)` when asked, online Elo over the
    /// pairwise votes, and matrices over the implied pairwise comparisons.
    func buildPlackettLuce(
        _ votes: VoteTable,
        selection: ModelSelection,
        timings: inout Timings,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) throws(RatingError) -> Leaderboard {
        let clock = ContinuousClock()
        var mark = clock.now
        func lap() -> Double {
            let now = clock.now
            let d = now - mark
            mark = now
            return d.inSeconds
        }

        let table = votes.hasContendersWithoutVotes ? votes.compacted() : votes
        let counts = ChoiceCounts(table)
        guard counts.totalVotes > 0 else { throw .noVotes }
        timings.aggregate = lap()

        let estimator = PlackettLuce(options.estimator, ties: options.ties)
        let fit = try estimator.fit(counts)
        timings.fit = lap()

        var intervals: RatingIntervals?
        var tieLower: Double?
        var tieUpper: Double?
        var refit: (String, String)?
        if case .bootstrap(let rounds, let seed) = options.intervals {
            var bootstrap = Bootstrap(rounds: rounds, seed: seed, level: options.level, threads: options.threads)
            bootstrap.refit = options.bootstrapRefit
            let result = bootstrap.run(counts, fit: fit, progress: progress)
            intervals = result.intervals
            refit = (result.refit.rawValue, result.refitReason)
            tieLower = result.tieParameterLower
            tieUpper = result.tieParameterUpper
        }
        timings.intervals = lap()

        let elo = options.onlineElo?.ratings(table)
        timings.elo = lap()

        let n = counts.contenderCount
        let (points, comparisons) = counts.impliedRecord()
        let (entries, order) = Self.rankedEntries(
            names: counts.contenders, ratings: fit.ratings, votes: counts.contenderVotes,
            winRate: (0..<n).map { comparisons[$0] > 0 ? points[$0] / comparisons[$0] : 0 },
            provisional: fit.provisional, graph: fit.graph, intervals: intervals, elo: elo)
        var method = Leaderboard.Method(
            fit: fit.componentMethods.contains(.firth) ? "mle+firth" : "mle",
            l2: 0,
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
        method.bootstrapRefit = refit?.0
        method.bootstrapRefitReason = refit?.1
        method.describe(selection, options: options)
        method.tieParameter = fit.tieParameter
        method.tieParameterLower = tieLower
        method.tieParameterUpper = tieUpper
        method.pairwiseVotes = counts.pairs.totalVotes
        method.kwayVotes = counts.kwayVotes

        var warnings = fit.warnings + (intervals?.warnings ?? [])
        if counts.pairs.selfBattles > 0 {
            warnings.append("\(counts.pairs.selfBattles) votes pitted a contender against itself and were ignored.")
        }
        if options.onlineElo != nil && counts.kwayVotes > 0 {
            warnings.append("The online Elo column follows the \(counts.pairs.totalVotes) pairwise votes only; the \(counts.kwayVotes) K-way votes are not in it.")
        }
        var matrices: PairMatrices?
        if options.matrices {
            let implied = table.impliedPairwiseVotes()
            matrices = PairMatrices(PairCounts(implied), ratings: fit.ratings, order: order, estimator: options.estimator)
        }
        timings.report = lap()
        return Leaderboard(contenders: entries, method: method, warnings: warnings, matrices: matrices)
    }
}

extension Leaderboard.Method {
    /// Records the model selection and the tie and both-bad settings.
    mutating func describe(_ selection: ModelSelection, options: LeaderboardOptions) {
        model = selection.model.rawValue
        modelSelection = selection.automatic ? "automatic" : "requested"
        modelReason = selection.reason
        tieModel = options.ties.rawValue
        ties = options.ties.description + (options.bothBad == .tie ? "; both-bad counts as a tie" : "; both-bad votes left out")
        bothBad = options.bothBad.rawValue
    }
}

extension VoteTable {
    /// The pairwise comparisons the votes imply, as pairwise votes: the
    /// pairwise votes themselves, and for each K-way vote one win of every
    /// ranked candidate over each candidate placed below it (ranked lower or
    /// unranked), weighted as the vote. For win rates and pair matrices, not
    /// for fitting (the comparisons of one ranking are not independent).
    public func impliedPairwiseVotes() -> VoteTable {
        var out = self
        out.kway = KWayVotes()
        for row in 0..<kway.count {
            let candidates = Array(kway.candidates(at: row))
            let places = Array(kway.places(at: row))
            let w = kway.weight(at: row)
            for x in candidates.indices where places[x] > 0 {
                for y in candidates.indices where y != x && (places[y] == 0 || places[y] > places[x]) {
                    out.append(Vote(a: contenders[Int(candidates[x])], b: contenders[Int(candidates[y])], outcome: .aWins, weight: w))
                }
            }
        }
        return out
    }
}
