import Foundation

/// What hybrid routing would have given on an arena where every battle has
/// both a human and a judge verdict (`prefer judge route-sim`): for each
/// human budget, the hybrid labels (people's where routed to people, the
/// judge's elsewhere) are compared with the all-human labels — their
/// agreement, and the distance of the hybrid leaderboard from the human one
/// (mean absolute Bradley–Terry rating difference, Elo points) — for the
/// learnt router (`DisagreementModel` + `HybridRouter`, with a random audit
/// share) against random routing of the same budget.
///
/// The model's risk for each battle is out-of-fold (`folds`-fold
/// cross-fitting: learnt on the other folds), so the router is never scored
/// on battles it learnt from. Random routing is averaged over `randomDraws`
/// draws. Intervals: percentile bootstrap over battles (`rounds`), with the
/// routing of each battle held fixed. O(folds · IRLS + budgets · rounds · (n + fit)).
public struct RoutingSimulation: Sendable {
    public var budgets: [Double]
    public var auditShare: Double
    public var folds: Int
    public var rounds: Int
    public var randomDraws: Int
    public var seed: UInt64
    public var level: Double

    public init(
        budgets: [Double] = stride(from: 0.0, through: 1.0, by: 0.1).map { ($0 * 10).rounded() / 10 }, auditShare: Double = 0.05,
        folds: Int = 5, rounds: Int = 200, randomDraws: Int = 20, seed: UInt64 = 42, level: Double = 0.95
    ) {
        self.budgets = budgets
        self.auditShare = auditShare
        self.folds = folds
        self.rounds = rounds
        self.randomDraws = randomDraws
        self.seed = seed
        self.level = level
    }

    public struct Row: Sendable, Hashable, Codable {
        public var humanShare: Double
        public var learntAgreement: JudgeAgreement.Interval
        public var randomAgreement: JudgeAgreement.Interval
        /// learnt − random agreement.
        public var agreementGain: JudgeAgreement.Interval
        public var learntDistance: JudgeAgreement.Interval
        public var randomDistance: JudgeAgreement.Interval

        enum CodingKeys: String, CodingKey {
            case humanShare = "human_share"
            case learntAgreement = "learnt_agreement"
            case randomAgreement = "random_agreement"
            case agreementGain = "agreement_gain"
            case learntDistance = "learnt_distance_elo"
            case randomDistance = "random_distance_elo"
        }
    }

    public struct Report: Sendable, Hashable, Codable {
        public var battles: Int
        /// The judge's agreement with people on all battles (the 0% budget's level).
        public var judgeAgreement: Double
        public var auditShare: Double
        public var rows: [Row]
        /// The model fitted on every battle (what an arena would route with).
        public var model: DisagreementModel

        enum CodingKeys: String, CodingKey {
            case battles
            case judgeAgreement = "judge_agreement"
            case auditShare = "audit_share"
            case rows, model
        }
    }

    /// Out-of-fold disagreement risk for every battle.
    public func outOfFoldRisk(_ battles: [JudgedBattle]) -> [Double] {
        let n = battles.count
        var generator = Xoshiro256(seed: seed, stream: 71)
        var order = Array(0..<n)
        order.shuffle(using: &generator)
        var fold = [Int](repeating: 0, count: n)
        for (position, index) in order.enumerated() { fold[index] = position % max(folds, 2) }
        var risk = [Double](repeating: 0.5, count: n)
        for k in 0..<max(folds, 2) {
            let train = (0..<n).filter { fold[$0] != k }.map { battles[$0] }
            let model = DisagreementModel.fit(train)
            for index in 0..<n where fold[index] == k { risk[index] = model.probability(battles[index]) }
        }
        return risk
    }

    public func run(_ battles: [JudgedBattle]) -> Report {
        let overall = battles.filter { $0.criterion == nil }
        let n = overall.count
        let risk = outOfFoldRisk(overall)
        let agrees = overall.map { $0.human == $0.judge ? 1.0 : 0.0 }
        let judgeAgreement = n > 0 ? agrees.reduce(0, +) / Double(n) : 0
        var rows: [Row] = []
        let tail = (1 - level) / 2
        for (b, share) in budgets.enumerated() {
            let learnt = HybridRouter(humanShare: share, auditShare: min(auditShare, share), seed: seed &+ UInt64(b)).route(risk: risk)
            // Per battle: the chance random routing sends it to people (over the draws).
            var randomHuman = [Double](repeating: 0, count: n)
            var draws: [[Bool]] = []
            for draw in 0..<max(randomDraws, 1) {
                let routed = HybridRouter(humanShare: share, auditShare: share, seed: seed &+ 1000 &+ UInt64(draw * 97 + b)).route(risk: risk)
                draws.append(routed)
                for index in 0..<n where routed[index] { randomHuman[index] += 1 / Double(max(randomDraws, 1)) }
            }
            // Per battle agreement with the all-human label: 1 if people label it, else the judge's.
            let learntScore = (0..<n).map { learnt[$0] ? 1 : agrees[$0] }
            let randomScore = (0..<n).map { randomHuman[$0] + (1 - randomHuman[$0]) * agrees[$0] }
            func mean(_ values: [Double], _ sample: [Int]) -> Double {
                sample.isEmpty ? 0 : sample.reduce(0) { $0 + values[$1] } / Double(sample.count)
            }
            let all = Array(0..<n)
            var learntBoot: [Double] = []
            var randomBoot: [Double] = []
            var gainBoot: [Double] = []
            var learntDistances: [Double] = []
            var randomDistances: [Double] = []
            var generator = Xoshiro256(seed: seed, stream: 300 &+ UInt64(b))
            let distanceRounds = min(rounds, 100)
            for round in 0..<rounds where n > 0 {
                let sample = (0..<n).map { _ in generator.nextIndex(below: n) }
                let l = mean(learntScore, sample)
                let r = mean(randomScore, sample)
                learntBoot.append(l)
                randomBoot.append(r)
                gainBoot.append(l - r)
                if round < distanceRounds {
                    if let d = Self.distance(overall, sample: sample, routed: learnt) { learntDistances.append(d) }
                    if let d = Self.distance(overall, sample: sample, routed: draws[round % draws.count]) { randomDistances.append(d) }
                }
            }
            func interval(_ estimate: Double?, _ values: [Double]) -> JudgeAgreement.Interval {
                .init(estimate: estimate, lower: Percentile.of(values, tail), upper: Percentile.of(values, 1 - tail))
            }
            let learntDistance = Self.distance(overall, sample: all, routed: learnt)
            let randomDistanceAll = draws.compactMap { Self.distance(overall, sample: all, routed: $0) }
            rows.append(Row(
                humanShare: share,
                learntAgreement: interval(mean(learntScore, all), learntBoot),
                randomAgreement: interval(mean(randomScore, all), randomBoot),
                agreementGain: interval(mean(learntScore, all) - mean(randomScore, all), gainBoot),
                learntDistance: interval(learntDistance, learntDistances),
                randomDistance: interval(randomDistanceAll.isEmpty ? nil : randomDistanceAll.reduce(0, +) / Double(randomDistanceAll.count), randomDistances)))
        }
        return Report(battles: n, judgeAgreement: judgeAgreement, auditShare: auditShare, rows: rows, model: DisagreementModel.fit(overall))
    }

    /// Mean absolute rating difference (Elo) between the human board and the
    /// hybrid board on the battles in `sample`; nil when a board cannot be fitted.
    public static func distance(_ battles: [JudgedBattle], sample: [Int], routed: [Bool]) -> Double? {
        var human = VoteTable()
        var hybrid = VoteTable()
        func outcome(_ winner: PairJudgement.Winner) -> Outcome {
            switch winner {
            case .a: .aWins
            case .b: .bWins
            case .tie: .tie
            }
        }
        for index in sample {
            let battle = battles[index]
            human.append(Vote(a: battle.first, b: battle.second, outcome: outcome(battle.human)))
            hybrid.append(Vote(a: battle.first, b: battle.second, outcome: outcome(routed[index] ? battle.human : battle.judge)))
        }
        let estimator = BradleyTerry(l2: 1e-4)
        guard let h = try? estimator.fit(PairCounts(human)), let y = try? estimator.fit(PairCounts(hybrid)) else { return nil }
        var total = 0.0
        var count = 0
        for name in h.contenders {
            guard let a = h.rating(of: name), let b = y.rating(of: name), a.isFinite, b.isFinite else { continue }
            total += abs(a - b)
            count += 1
        }
        return count > 0 ? total / Double(count) : nil
    }
}
