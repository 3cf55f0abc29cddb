import Foundation

/// What `SamplingSimulation` found, in the JSON contract of
/// `prefer simulate sampling --format json`:
///
///     {"policies": [{"name", "votes_to_target": {"mean", "lower", "upper"},
///                    "coverage_at_stop", "top_k_votes"?: {"mean", "lower", "upper"},
///                    "runs", …}],
///      "method": {…}}
///
/// `votes_to_target` is the mean over seeds of the votes (warm-up included)
/// until every contender's 95% half-width is ≤ the target, with a
/// percentile-bootstrap interval over the runs; `coverage_at_stop` the share
/// of true ratings inside their bootstrap intervals at that point. Further
/// members (reached counts, the sandwich coverage, the coverage interval,
/// votes saved against uniform, 1 − Σvotes/Σuniform's over the same seeds) are
/// additions, not part of the
/// contract's required core.
public struct SamplingStudyReport: Sendable, Encodable {
    public struct Estimate: Sendable, Codable, Equatable {
        public var mean: Double
        public var lower: Double
        public var upper: Double
    }

    public struct PolicyResult: Sendable, Encodable {
        public var name: String
        public var policy: String
        public var votesToTarget: Estimate
        public var coverageAtStop: Double?
        public var topKVotes: Estimate?
        public var runs: Int
        /// Runs that met the width target before `max_votes`.
        public var reached: Int
        public var topKReached: Int?
        public var coverageInterval: Estimate?
        public var coverageAtStopSandwich: Double?
        /// 1 − (votes summed over the seeds)/(uniform's on the same arenas),
        /// with a bootstrap interval resampling the seeds (paired).
        public var votesSavedVsUniform: Estimate?
        public var topKVotesSavedVsUniform: Estimate?
        /// Each run's numbers (nil when not asked for).
        public var perSeed: [SamplingSimulation.Run]?

        enum CodingKeys: String, CodingKey {
            case name, policy, runs, reached
            case votesToTarget = "votes_to_target"
            case coverageAtStop = "coverage_at_stop"
            case topKVotes = "top_k_votes"
            case topKReached = "top_k_reached"
            case coverageInterval = "coverage_at_stop_interval"
            case coverageAtStopSandwich = "coverage_at_stop_sandwich"
            case votesSavedVsUniform = "votes_saved_vs_uniform"
            case topKVotesSavedVsUniform = "top_k_votes_saved_vs_uniform"
            case perSeed = "per_seed"
        }
    }

    public struct Method: Sendable, Encodable {
        public var contenders: Int
        public var spread: Double
        public var seeds: [UInt64]
        public var targetWidth: Double
        public var topK: Int?
        public var level: Double
        public var tieShare: Double
        public var bothBadShare: Double
        public var popularitySkew: Double
        public var hotPairShare: Double
        public var hotPairBoost: Double
        public var warmupVotes: Int
        public var refitEvery: Int
        public var checkEvery: Int
        public var maxVotes: Int
        public var bootstrapRounds: Int
        public var stopCheck = "Bradley–Terry MLE (ties as half wins) with sandwich (observed-information) 95% intervals every check_every votes; the target counts once the fit has one connected group and no provisional rating"
        public var coverage = "percentile bootstrap (bootstrap_rounds rounds) at the width stop, truth centred on the fit's mean; the sandwich intervals' coverage beside it"
        public var intervalOverSeeds = "percentile bootstrap of the mean over runs (2000 resamples); votes saved = 1 − Σvotes/Σuniform's votes over the same seeds, bootstrap resampling seeds"
        public var votesCount = "all votes, the warm-up (drawn by natural pair popularity, the same for every policy) included"

        enum CodingKeys: String, CodingKey {
            case contenders, spread, seeds, level
            case targetWidth = "target_width"
            case topK = "top_k"
            case tieShare = "tie_share"
            case bothBadShare = "both_bad_share"
            case popularitySkew = "popularity_skew"
            case hotPairShare = "hot_pair_share"
            case hotPairBoost = "hot_pair_boost"
            case warmupVotes = "warmup_votes"
            case refitEvery = "refit_every"
            case checkEvery = "check_every"
            case maxVotes = "max_votes"
            case bootstrapRounds = "bootstrap_rounds"
            case stopCheck = "stop_check"
            case coverage
            case intervalOverSeeds = "interval_over_seeds"
            case votesCount = "votes_count"
        }
    }

    public var policies: [PolicyResult]
    public var method: Method

    init(study: SamplingSimulation, runs: [SamplingSimulation.Run]) {
        let s = study.seeds.count
        method = Method(
            contenders: study.contenders, spread: study.spread, seeds: study.seeds, targetWidth: study.targetWidth,
            topK: study.topK, level: study.level, tieShare: study.tieShare, bothBadShare: study.bothBadShare,
            popularitySkew: study.popularitySkew, hotPairShare: study.hotPairShare, hotPairBoost: study.hotPairBoost,
            warmupVotes: study.warmupVotes, refitEvery: study.refitEvery, checkEvery: study.checkEvery,
            maxVotes: study.maxVotes, bootstrapRounds: study.bootstrapRounds)
        let uniformIndex = study.policies.firstIndex { if case .uniform = $0.policy { true } else { false } }
        let uniformRuns = uniformIndex.map { Array(runs[($0 * s)..<(($0 + 1) * s)]) }
        var results: [PolicyResult] = []
        for (p, policy) in study.policies.enumerated() {
            let mine = Array(runs[(p * s)..<((p + 1) * s)])
            let stream = SamplingSimulation.stream(policy.name)
            let votes = mine.map { Double($0.votesToTarget ?? study.maxVotes) }
            let covered = mine.filter { $0.votesToTarget != nil }
            let intervals = covered.reduce(0) { $0 + $1.intervals }
            var result = PolicyResult(
                name: policy.name,
                policy: policy.policy.description,
                votesToTarget: Self.meanInterval(votes, seed: stream),
                coverageAtStop: intervals > 0 ? Double(covered.reduce(0) { $0 + $1.coveredBootstrap }) / Double(intervals) : nil,
                topKVotes: nil,
                runs: mine.count,
                reached: covered.count,
                topKReached: nil,
                coverageInterval: nil,
                coverageAtStopSandwich: intervals > 0 ? Double(covered.reduce(0) { $0 + $1.coveredSandwich }) / Double(intervals) : nil,
                votesSavedVsUniform: nil,
                topKVotesSavedVsUniform: nil,
                perSeed: mine)
            if !covered.isEmpty {
                result.coverageInterval = Self.ratioInterval(
                    covered.map { (Double($0.coveredBootstrap), Double($0.intervals)) }, seed: stream &+ 1)
            }
            if study.topK != nil {
                result.topKVotes = Self.meanInterval(mine.map { Double($0.topKVotes ?? study.maxVotes) }, seed: stream &+ 2)
                result.topKReached = mine.filter { $0.topKVotes != nil }.count
            }
            if let uniformRuns, p != uniformIndex {
                let paired = zip(mine, uniformRuns).map { mineRun, base in
                    (Double(mineRun.votesToTarget ?? study.maxVotes), Double(base.votesToTarget ?? study.maxVotes))
                }
                result.votesSavedVsUniform = Self.saving(paired, seed: stream &+ 3)
                if study.topK != nil {
                    let pairedTop = zip(mine, uniformRuns).map { mineRun, base in
                        (Double(mineRun.topKVotes ?? study.maxVotes), Double(base.topKVotes ?? study.maxVotes))
                    }
                    result.topKVotesSavedVsUniform = Self.saving(pairedTop, seed: stream &+ 4)
                }
            }
            results.append(result)
        }
        policies = results
    }

    static let resamples = 2000

    /// The mean with a percentile-bootstrap 95% interval over the values.
    static func meanInterval(_ values: [Double], seed: UInt64) -> Estimate {
        let mean = values.reduce(0, +) / Double(max(values.count, 1))
        guard values.count > 1 else { return Estimate(mean: mean, lower: mean, upper: mean) }
        var rng = Xoshiro256(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var s = 0.0
            for _ in values.indices { s += values[rng.nextIndex(below: values.count)] }
            means[r] = s / Double(values.count)
        }
        means.sort()
        return Estimate(mean: mean, lower: Percentile.ofSorted(means, 0.025), upper: Percentile.ofSorted(means, 0.975))
    }

    /// 1 − Σ votes / Σ uniform's votes on the same seeds, with a percentile
    /// bootstrap interval resampling the seeds (paired).
    static func saving(_ pairs: [(Double, Double)], seed: UInt64) -> Estimate {
        let ratio = ratioInterval(pairs, seed: seed)
        return Estimate(mean: 1 - ratio.mean, lower: 1 - ratio.upper, upper: 1 - ratio.lower)
    }

    /// Σx/Σy with a percentile-bootstrap interval resampling the (x, y) runs.
    static func ratioInterval(_ pairs: [(Double, Double)], seed: UInt64) -> Estimate {
        let ratio = pairs.reduce(0) { $0 + $1.0 } / pairs.reduce(0) { $0 + $1.1 }
        guard pairs.count > 1 else { return Estimate(mean: ratio, lower: ratio, upper: ratio) }
        var rng = Xoshiro256(seed: seed)
        var values = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var x = 0.0
            var y = 0.0
            for _ in pairs.indices {
                let pick = pairs[rng.nextIndex(below: pairs.count)]
                x += pick.0
                y += pick.1
            }
            values[r] = x / y
        }
        values.sort()
        return Estimate(mean: ratio, lower: Percentile.ofSorted(values, 0.025), upper: Percentile.ofSorted(values, 0.975))
    }

    /// The report as pretty JSON (snake_case keys, sorted).
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
