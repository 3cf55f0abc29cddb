import Dispatch
import Foundation

/// Sampling policies side by side on arenas with known strengths: how many
/// votes each needs until every contender's interval is narrow enough, and
/// until the true top k stands apart, and whether the intervals still cover
/// the truth when the votes were placed adaptively.
///
/// Per seed, one arena (`ArenaModel`: true ratings ~ N(1000, spread²),
/// skewed pair popularity with hot pairs, ties likelier between close
/// contenders) and, for every policy, one run on it:
///
/// 1. warm-up: `warmupVotes` drawn by the arena's natural pair popularity
///    (an arena's history before it changes policy), the same for every
///    policy (common random numbers);
/// 2. then votes one at a time, the pair drawn by the policy — `uniform`,
///    `weighted` (∝ popularity products) or an active rule, whose plan is
///    recomputed from a fresh fit every `refitEvery` votes as a server's
///    background refresh would;
/// 3. every `checkEvery` votes, a Bradley–Terry fit with sandwich
///    (observed-information) 95% intervals — O(n³), cheap enough to run
///    often — checks (1) the width target: every half-width ≤
///    `targetWidth` Elo, on a fit with one connected group and no
///    provisional rating, and (2) top-k identification: the fitted top k is
///    the true top k and the lowest lower bound inside it is above the
///    highest upper bound outside it;
/// 4. at the width stop, percentile-bootstrap intervals (`bootstrapRounds`,
///    the leaderboard's method) and the sandwich ones are compared with the
///    truth (centred on the fit's mean): the coverage at stop.
///
/// A run that has not met a target by `maxVotes` counts as `maxVotes` and
/// is reported as not reached. Runs go on all cores; each has its own
/// generator derived from (seed, policy name), so a policy's numbers do not
/// depend on the other policies listed or on the thread count. Means over
/// runs come with a percentile-bootstrap interval of the mean (2,000
/// resamples of the runs, seeded).
///
/// Cost per run: (votes/`checkEvery`)·O(n³) for the checks,
/// (votes/`refitEvery`)·O(n³) for the plans, O(votes) for the draws.
public struct SamplingSimulation: Sendable {
    public struct Policy: Sendable {
        public var name: String
        public var policy: SamplingPolicy
        public init(name: String, policy: SamplingPolicy) {
            self.name = name
            self.policy = policy
        }
    }

    public var contenders: Int
    public var spread: Double
    public var seeds: [UInt64]
    public var policies: [Policy]
    /// Half-width target, Elo.
    public var targetWidth: Double
    public var topK: Int?
    public var tieShare = 0.25
    public var bothBadShare = 0.4
    public var popularitySkew = 1.0
    public var hotPairShare = 0.02
    public var hotPairBoost = 20.0
    public var warmupVotes: Int
    public var refitEvery: Int
    public var checkEvery: Int
    public var maxVotes: Int
    public var bootstrapRounds = 1000
    public var level = 0.95
    public var threads: Int?

    public init(contenders: Int, spread: Double = 100, seeds: [UInt64], policies: [Policy], targetWidth: Double, topK: Int? = nil) {
        self.contenders = contenders
        self.spread = spread
        self.seeds = seeds
        self.policies = policies
        self.targetWidth = targetWidth
        self.topK = topK
        warmupVotes = 10 * contenders
        refitEvery = 5 * contenders
        checkEvery = max(25, contenders)
        maxVotes = 4000 * contenders
    }

    /// One policy on one seed.
    public struct Run: Sendable, Codable {
        public var seed: UInt64
        /// Votes when every half-width was ≤ the target (nil: not by `maxVotes`).
        public var votesToTarget: Int?
        public var topKVotes: Int?
        /// Contenders whose bootstrap / sandwich interval covered the truth at the width stop.
        public var coveredBootstrap: Int
        public var coveredSandwich: Int
        public var intervals: Int
        /// The largest half-width at the stop, bootstrap.
        public var bootstrapMaxHalfWidth: Double?
        public var votes: Int

        enum CodingKeys: String, CodingKey {
            case seed, intervals, votes
            case votesToTarget = "votes_to_target"
            case topKVotes = "top_k_votes"
            case coveredBootstrap = "covered_bootstrap"
            case coveredSandwich = "covered_sandwich"
            case bootstrapMaxHalfWidth = "bootstrap_max_half_width"
        }
    }

    public func validate() throws(SamplingPolicyError) {
        if contenders < 3 { throw .invalidSetting("--contenders must be at least 3; got \(contenders).") }
        if contenders > 500 { throw .invalidSetting("--contenders must be at most 500 (the simulation fits dense n×n matrices); got \(contenders).") }
        if !(spread > 0 && spread.isFinite) { throw .invalidSetting("--spread must be a positive number of Elo; got \(spread).") }
        if seeds.isEmpty { throw .invalidSetting("--seeds must name at least one seed (e.g. 1-20).") }
        if policies.isEmpty { throw .invalidSetting("--policies must name at least one policy (e.g. uniform,active).") }
        if !(targetWidth > 0 && targetWidth.isFinite) { throw .invalidSetting("--target-width must be a positive half-width in Elo; got \(targetWidth).") }
        if let topK, !(1..<contenders).contains(topK) {
            throw .invalidSetting("--top-k must be between 1 and contenders − 1 (\(contenders - 1)); got \(topK).")
        }
        if refitEvery < 1 || checkEvery < 1 { throw .invalidSetting("--refit-every and --check-every must be at least 1.") }
        if warmupVotes < 0 { throw .invalidSetting("--warmup must be 0 or more votes.") }
        if maxVotes <= warmupVotes { throw .invalidSetting("--max-votes must exceed the warm-up votes (\(warmupVotes)).") }
        if !(0..<1).contains(tieShare) { throw .invalidSetting("--tie-share must be in [0, 1); got \(tieShare).") }
        for p in policies {
            if case .active(let settings) = p.policy { try settings.validate() }
        }
    }

    /// Runs every (policy, seed); `progress` gets (runs done, runs).
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws(SamplingPolicyError) -> SamplingStudyReport {
        try validate()
        let jobs = policies.count * seeds.count
        let results = SharedBuffer<Run?>(repeating: nil, count: jobs)
        defer { results.deallocate() }
        let next = AtomicCounter()
        let done = AtomicCounter()
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, jobs))
        let study = self
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let job = next.increment() - 1
                guard job < jobs else { break }
                let policy = study.policies[job / study.seeds.count]
                let seed = study.seeds[job % study.seeds.count]
                results[job] = study.simulate(policy, seed: seed)
                progress?(done.increment(), jobs)
            }
        }
        let runs = results.array.map { $0! }
        return SamplingStudyReport(study: self, runs: runs)
    }

    /// The arena of `seed`.
    func arena(seed: UInt64) -> ArenaModel {
        ArenaModel(
            contenders: contenders, spread: spread, seed: seed, tieShare: tieShare, bothBadShare: bothBadShare,
            popularitySkew: popularitySkew, hotPairShare: hotPairShare, hotPairBoost: hotPairBoost)
    }

    /// A stream number from the policy's name (FNV-1a), so that a policy's
    /// votes do not depend on which other policies run beside it.
    static func stream(_ name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h | 1
    }

    func simulate(_ policy: Policy, seed: UInt64) -> Run {
        let model = arena(seed: seed)
        let n = model.count
        var tally = PairTally(contenders: model.names)
        var warm = Xoshiro256(seed: seed, stream: 1)
        let natural = AliasTable(weights: model.pairWeights)
        for _ in 0..<warmupVotes {
            let (i, j) = ActiveSamplingPlan.pair(at: natural.sample(&warm), n: n)
            let flip = warm.next() & 1 == 1
            let (a, b) = flip ? (j, i) : (i, j)
            tally.add(a, b, model.outcome(a, b, &warm))
        }
        var rng = Xoshiro256(seed: seed, stream: Self.stream(policy.name))
        var votes = warmupVotes
        var plan: ActiveSamplingPlan?
        var table = pairTable(policy.policy, model: model, tally: tally, plan: &plan)
        var nextRefit = votes + refitEvery
        var nextCheck = votes + checkEvery
        var run = Run(seed: seed, votesToTarget: nil, topKVotes: nil, coveredBootstrap: 0, coveredSandwich: 0, intervals: 0, bootstrapMaxHalfWidth: nil, votes: 0)
        let trueTop = topK.map { Set(model.topK($0)) }
        let estimator = BradleyTerry()
        while votes < maxVotes {
            while votes < nextCheck {
                if votes >= nextRefit {
                    table = pairTable(policy.policy, model: model, tally: tally, plan: &plan)
                    nextRefit += refitEvery
                }
                let (i, j) = ActiveSamplingPlan.pair(at: table.sample(&rng), n: n)
                let flip = rng.next() & 1 == 1
                let (a, b) = flip ? (j, i) : (i, j)
                tally.add(a, b, model.outcome(a, b, &rng))
                votes += 1
            }
            nextCheck += checkEvery
            let counts = tally.counts()
            guard let fit = try? estimator.fit(counts), fit.graph.componentCount == 1,
                  !fit.provisional.contains(true) else { continue }
            let sandwich = SandwichIntervals(level: level).compute(counts, fit: fit)
            if run.votesToTarget == nil {
                let widest = (0..<n).map { sandwich.upper[$0] - fit.ratings[$0] }.max() ?? .infinity
                if widest <= targetWidth {
                    run.votesToTarget = votes
                    measureCoverage(&run, counts: counts, fit: fit, sandwich: sandwich, model: model, seed: seed)
                }
            }
            if let k = topK, let trueTop, run.topKVotes == nil {
                let order = (0..<n).sorted { fit.ratings[$0] > fit.ratings[$1] }
                let top = order.prefix(k)
                let lowestInside = top.map { sandwich.lower[$0] }.min() ?? -.infinity
                let highestOutside = order.dropFirst(k).map { sandwich.upper[$0] }.max() ?? .infinity
                if Set(top) == trueTop && lowestInside > highestOutside { run.topKVotes = votes }
            }
            if run.votesToTarget != nil && (topK == nil || run.topKVotes != nil) { break }
        }
        run.votes = votes
        return run
    }

    func measureCoverage(_ run: inout Run, counts: PairCounts, fit: BradleyTerryFit, sandwich: RatingIntervals, model: ArenaModel, seed: UInt64) {
        let truth = model.centredTruth(onMeanOf: fit.ratings)
        let boot = Bootstrap(rounds: bootstrapRounds, seed: seed, level: level, threads: 1).run(counts, fit: fit).intervals
        var widest = 0.0
        for c in 0..<model.count {
            run.intervals += 1
            if boot.lower[c] <= truth[c] && truth[c] <= boot.upper[c] { run.coveredBootstrap += 1 }
            if sandwich.lower[c] <= truth[c] && truth[c] <= sandwich.upper[c] { run.coveredSandwich += 1 }
            widest = max(widest, (boot.upper[c] - boot.lower[c]) / 2)
        }
        run.bootstrapMaxHalfWidth = widest
    }

    /// The policy's pair distribution now, as an alias table; an active
    /// policy's plan replaces `plan` (and starts from it).
    func pairTable(_ policy: SamplingPolicy, model: ArenaModel, tally: PairTally, plan: inout ActiveSamplingPlan?) -> AliasTable {
        let n = model.count
        switch policy {
        case .uniform:
            return AliasTable(weights: Array(repeating: 1, count: n * (n - 1) / 2))
        case .weighted:
            var w: [Double] = []
            for i in 0..<n { for j in (i + 1)..<n { w.append(model.popularity[i] * model.popularity[j]) } }
            return AliasTable(weights: w)
        case .active(let settings):
            let counts = tally.counts()
            guard counts.totalVotes > 0, let fit = try? BradleyTerry().fit(counts) else {
                return AliasTable(weights: Array(repeating: 1, count: n * (n - 1) / 2))
            }
            let next = ActiveSamplingPlan(counts: counts, fit: fit, settings: settings, previous: plan)
            plan = next
            return AliasTable(weights: next.probabilities)
        }
    }
}

/// A counter shared by worker threads.
final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Adds one and returns the new value.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
