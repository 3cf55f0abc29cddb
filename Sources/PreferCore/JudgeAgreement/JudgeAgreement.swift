/// How well a judge agrees with people on the battles both judged
/// (*Who Validates the Validators?*, Shankar et al., 2024; MT-Bench's
/// agreement with and without ties, Zheng et al., 2023):
///
/// - agreement with ties: the share of battles where the judge's label
///   (first wins, second wins, tie) equals the human's;
/// - agreement without ties: the same share over the battles where neither
///   said tie (MT-Bench's "w/o tie");
/// - Cohen's κ on the three labels, and the confusion matrix (rows: people,
///   columns: the judge);
///
/// each with a percentile bootstrap interval (battles resampled with
/// replacement, `rounds` times, seeded), overall, per category and per
/// criterion. O(rounds · battles).
public struct JudgeAgreement: Sendable {
    public var rounds: Int
    public var seed: UInt64
    public var level: Double

    public init(rounds: Int = 1000, seed: UInt64 = 42, level: Double = 0.95) {
        self.rounds = rounds
        self.seed = seed
        self.level = level
    }

    /// An estimate with its interval (nil where undefined).
    public struct Interval: Sendable, Hashable, Codable {
        public var estimate: Double?
        public var lower: Double?
        public var upper: Double?

        public init(estimate: Double?, lower: Double?, upper: Double?) {
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
        }
    }

    public struct Measures: Sendable, Hashable, Codable {
        /// Battles with both verdicts.
        public var battles: Int
        /// Battles where neither said tie.
        public var decisiveBattles: Int
        public var withTies: Interval
        public var withoutTies: Interval
        public var kappa: Interval
        /// `confusion[human][judge]`, labels as `JudgedBattle.labels`.
        public var confusion: [[Int]]

        public init(battles: Int, decisiveBattles: Int, withTies: Interval, withoutTies: Interval, kappa: Interval, confusion: [[Int]]) {
            self.battles = battles
            self.decisiveBattles = decisiveBattles
            self.withTies = withTies
            self.withoutTies = withoutTies
            self.kappa = kappa
            self.confusion = confusion
        }

        enum CodingKeys: String, CodingKey {
            case battles
            case decisiveBattles = "decisive_battles"
            case withTies = "agreement_with_ties"
            case withoutTies = "agreement_without_ties"
            case kappa = "cohen_kappa"
            case confusion
        }
    }

    public struct Report: Sendable, Hashable, Codable {
        public var overall: Measures
        public var categories: [String: Measures]
        public var criteria: [String: Measures]
    }

    /// Point estimates of one set of battles.
    public static func estimates(_ battles: [JudgedBattle]) -> (withTies: Double?, withoutTies: Double?, kappa: Double?, decisive: Int) {
        guard !battles.isEmpty else { return (nil, nil, nil, 0) }
        var agree = 0
        var decisive = 0
        var decisiveAgree = 0
        var matrix = [[Double]](repeating: [0, 0, 0], count: 3)
        for battle in battles {
            let h = JudgedBattle.index(battle.human)
            let j = JudgedBattle.index(battle.judge)
            matrix[h][j] += 1
            if h == j { agree += 1 }
            if h != 2 && j != 2 {
                decisive += 1
                if h == j { decisiveAgree += 1 }
            }
        }
        return (
            Double(agree) / Double(battles.count), decisive > 0 ? Double(decisiveAgree) / Double(decisive) : nil,
            CohenKappa.kappa(matrix), decisive
        )
    }

    /// The measures of one set of battles, with bootstrap intervals.
    public func measures(_ battles: [JudgedBattle], stream: UInt64 = 0) -> Measures {
        let point = Self.estimates(battles)
        var withTies: [Double] = []
        var withoutTies: [Double] = []
        var kappas: [Double] = []
        if !battles.isEmpty && rounds > 0 {
            var generator = Xoshiro256(seed: seed, stream: stream)
            var sample = battles
            withTies.reserveCapacity(rounds)
            for _ in 0..<rounds {
                for index in sample.indices { sample[index] = battles[generator.nextIndex(below: battles.count)] }
                let estimate = Self.estimates(sample)
                if let value = estimate.withTies { withTies.append(value) }
                if let value = estimate.withoutTies { withoutTies.append(value) }
                if let value = estimate.kappa { kappas.append(value) }
            }
        }
        let tail = (1 - level) / 2
        func interval(_ estimate: Double?, _ values: [Double]) -> Interval {
            Interval(
                estimate: estimate, lower: estimate == nil ? nil : Percentile.of(values, tail),
                upper: estimate == nil ? nil : Percentile.of(values, 1 - tail))
        }
        return Measures(
            battles: battles.count, decisiveBattles: point.decisive, withTies: interval(point.withTies, withTies),
            withoutTies: interval(point.withoutTies, withoutTies), kappa: interval(point.kappa, kappas),
            confusion: CohenKappa.confusion(
                battles.map { (JudgedBattle.index($0.human), JudgedBattle.index($0.judge)) }, labels: 3))
    }

    /// Overall (battles without a criterion), per category (of those) and per criterion.
    public func report(_ battles: [JudgedBattle]) -> Report {
        let overall = battles.filter { $0.criterion == nil }
        var byCategory: [String: [JudgedBattle]] = [:]
        for battle in overall { if let category = battle.category { byCategory[category, default: []].append(battle) } }
        var byCriterion: [String: [JudgedBattle]] = [:]
        for battle in battles { if let criterion = battle.criterion { byCriterion[criterion, default: []].append(battle) } }
        var stream: UInt64 = 1
        func next() -> UInt64 {
            stream += 1
            return stream
        }
        return Report(
            overall: measures(overall, stream: 1),
            categories: byCategory.keys.sorted().reduce(into: [:]) { $0[$1] = measures(byCategory[$1]!, stream: next()) },
            criteria: byCriterion.keys.sorted().reduce(into: [:]) { $0[$1] = measures(byCriterion[$1]!, stream: next()) })
    }
}
