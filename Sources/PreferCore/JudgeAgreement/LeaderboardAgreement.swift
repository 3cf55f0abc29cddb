/// The judge's leaderboard against the people's, on the contenders both
/// rank: Spearman's ρ and Kendall's τ-b between the two sets of
/// Bradley–Terry ratings, each with a percentile bootstrap interval (both
/// vote sets resampled with replacement and refitted, `rounds` times), and
/// the contenders that *move beyond their intervals*: whose rank on the
/// judge's board falls outside the bootstrap rank interval of the people's
/// board. O(rounds · (votes + fit)).
public struct LeaderboardAgreement: Sendable {
    public var rounds: Int
    public var seed: UInt64
    public var level: Double
    public var estimator: BradleyTerry

    public init(rounds: Int = 200, seed: UInt64 = 42, level: Double = 0.95, estimator: BradleyTerry = BradleyTerry()) {
        self.rounds = rounds
        self.seed = seed
        self.level = level
        self.estimator = estimator
    }

    public struct Shift: Sendable, Hashable, Codable {
        public var name: String
        public var humanRating: Double
        public var humanRank: Int
        public var humanRankLower: Int?
        public var humanRankUpper: Int?
        public var judgeRating: Double
        public var judgeRank: Int
        /// The judge's rank lies outside the people's rank interval.
        public var moved: Bool

        enum CodingKeys: String, CodingKey {
            case name
            case humanRating = "human_rating"
            case humanRank = "human_rank"
            case humanRankLower = "human_rank_lower"
            case humanRankUpper = "human_rank_upper"
            case judgeRating = "judge_rating"
            case judgeRank = "judge_rank"
            case moved
        }
    }

    public struct Report: Sendable, Hashable, Codable {
        public var contenders: Int
        public var spearman: JudgeAgreement.Interval
        public var kendall: JudgeAgreement.Interval
        /// Every common contender, by the people's rank.
        public var shifts: [Shift]

        public var moved: [String] { shifts.filter(\.moved).map(\.name) }
    }

    public func compare(human: VoteTable, judge: VoteTable) throws(RatingError) -> Report {
        let options = LeaderboardOptions(estimator: estimator, intervals: .bootstrap(rounds: max(rounds, 1), seed: seed), level: level)
        let humanBoard = try LeaderboardBuilder(options: options).build(human)
        let judgeBoard = try LeaderboardBuilder(options: LeaderboardOptions(estimator: estimator)).build(judge)
        let judgeEntries = Dictionary(uniqueKeysWithValues: judgeBoard.contenders.map { ($0.name, $0) })
        let common = humanBoard.contenders.filter { judgeEntries[$0.name] != nil }
        let names = common.map(\.name)
        // Ranks within the common contenders, so both boards rank the same set.
        let judgeCommon = names.map { judgeEntries[$0]!.rating }
        let judgeRanks = Self.ranks(judgeCommon)
        let humanRanks = Self.ranks(common.map(\.rating))
        var shifts: [Shift] = []
        for (index, entry) in common.enumerated() {
            let lower = entry.rankLower ?? humanRanks[index]
            let upper = entry.rankUpper ?? humanRanks[index]
            shifts.append(Shift(
                name: entry.name, humanRating: entry.rating, humanRank: humanRanks[index], humanRankLower: entry.rankLower,
                humanRankUpper: entry.rankUpper, judgeRating: judgeCommon[index], judgeRank: judgeRanks[index],
                moved: judgeRanks[index] < lower || judgeRanks[index] > upper))
        }
        let rho = SpearmanCorrelation.rho(common.map(\.rating), judgeCommon)
        let tau = KendallTau.tauB(common.map(\.rating), judgeCommon)
        var rhos: [Double] = []
        var taus: [Double] = []
        if names.count >= 2 {
            var generator = Xoshiro256(seed: seed, stream: 53)
            for _ in 0..<rounds {
                guard let h = try? refit(Self.resample(human, &generator), names: names),
                      let j = try? refit(Self.resample(judge, &generator), names: names)
                else { continue }
                let keep = names.indices.filter { h[$0] != nil && j[$0] != nil }
                let x = keep.map { h[$0]! }
                let y = keep.map { j[$0]! }
                if let value = SpearmanCorrelation.rho(x, y) { rhos.append(value) }
                if let value = KendallTau.tauB(x, y) { taus.append(value) }
            }
        }
        let tail = (1 - level) / 2
        return Report(
            contenders: names.count,
            spearman: .init(estimate: rho, lower: rho == nil ? nil : Percentile.of(rhos, tail), upper: rho == nil ? nil : Percentile.of(rhos, 1 - tail)),
            kendall: .init(estimate: tau, lower: tau == nil ? nil : Percentile.of(taus, tail), upper: tau == nil ? nil : Percentile.of(taus, 1 - tail)),
            shifts: shifts)
    }

    /// Ranks from 1 (highest value first); equal values share the better rank.
    static func ranks(_ values: [Double]) -> [Int] {
        values.map { value in 1 + values.filter { $0 > value }.count }
    }

    /// The votes resampled with replacement.
    static func resample(_ table: VoteTable, _ generator: inout Xoshiro256) -> VoteTable {
        var out = VoteTable()
        for name in table.contenders { out.internContender(name) }
        out.a.reserveCapacity(table.count)
        for _ in 0..<table.count {
            let row = generator.nextIndex(below: table.count)
            out.a.append(table.a[row])
            out.b.append(table.b[row])
            out.outcomes.append(table.outcomes[row])
        }
        return out
    }

    /// Ratings of `names` (nil for a contender without votes in the sample).
    func refit(_ table: VoteTable, names: [String]) throws(RatingError) -> [Double?] {
        let compact = table.hasContendersWithoutVotes ? table.compacted() : table
        let fit = try estimator.fit(PairCounts(compact))
        return names.map { fit.rating(of: $0) }
    }
}
