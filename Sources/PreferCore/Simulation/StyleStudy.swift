import Foundation

/// How well style control recovers a planted length effect: draw arenas in
/// which longer answers win more, run `StyleControl` on each, and count how
/// often the 95% intervals cover the planted coefficient and the planted
/// strengths.
///
/// Each arena: `contenders` with strengths θ ~ Normal(0, `spread`) (natural
/// log-odds) and a typical answer length per contender, log-normal around
/// 300 tokens (σ = `lengthSpread`), so that some contenders answer longer
/// than others and plain Bradley–Terry credits them for it. Each vote: a
/// pair drawn uniformly, sides by coin flip, answer lengths log-normal
/// around the contenders' typical lengths (σ = 0.5); the covariate z is
/// LMArena's normalised length difference (t_A − t_B)/(t_A + t_B + 1),
/// standardised over the arena's votes (so the planted coefficient is exactly
/// the model's, in log-odds per SD); A's expected score is
/// p = σ(θ_A − θ_B + γ·z), with ties (either kind, ~20%) likelier between
/// close answers, drawn so that A's expected score stays p. Deterministic
/// given `seed`. Cost: arenas × (rounds + 1) fits of `votes` rows.
public struct StyleStudy: Sendable {
    public var arenas: Int
    public var contenders: Int
    public var votes: Int
    public var rounds: Int
    public var seed: UInt64
    /// Planted coefficient, log-odds per SD of the normalised length difference.
    public var lengthEffect: Double = 0.3
    public var spread: Double = 0.6
    public var lengthSpread: Double = 0.5
    public var tieShare: Double = 0.2
    public var level: Double = 0.95
    public var threads: Int?

    public init(arenas: Int, contenders: Int, votes: Int, rounds: Int, seed: UInt64) {
        self.arenas = arenas
        self.contenders = contenders
        self.votes = votes
        self.rounds = rounds
        self.seed = seed
    }

    public struct Result: Sendable, Codable {
        /// Share of arenas whose bootstrap (and sandwich) interval covers the planted coefficient.
        public var coefficientCoverage: Double
        public var coefficientSandwichCoverage: Double
        /// Share of (arena, contender) bootstrap intervals covering the planted (centred) rating.
        public var ratingCoverage: Double
        public var ratingSandwichCoverage: Double
        /// Mean of the estimated coefficient and its mean absolute error.
        public var meanCoefficient: Double
        public var meanAbsoluteCoefficientError: Double
        /// Mean absolute error (Elo) of the controlled and of plain Bradley–Terry ratings against the planted ones.
        public var controlledRatingError: Double
        public var plainRatingError: Double
        public var meanCoefficientWidth: Double
        public var arenas: Int

        enum CodingKeys: String, CodingKey {
            case coefficientCoverage = "coefficient_coverage"
            case coefficientSandwichCoverage = "coefficient_sandwich_coverage"
            case ratingCoverage = "rating_coverage"
            case ratingSandwichCoverage = "rating_sandwich_coverage"
            case meanCoefficient = "mean_coefficient"
            case meanAbsoluteCoefficientError = "mean_absolute_coefficient_error"
            case controlledRatingError = "controlled_rating_mae"
            case plainRatingError = "plain_rating_mae"
            case meanCoefficientWidth = "mean_coefficient_width"
            case arenas
        }
    }

    /// One drawn arena: votes with `len_a`/`len_b` number columns and the planted ratings (Elo, centred on 1000).
    public func draw(arena: Int) -> (table: VoteTable, ratings: [Double]) {
        var rng = Xoshiro256(seed: seed, stream: UInt64(arena))
        let n = contenders
        let theta = (0..<n).map { _ in spread * rng.nextGaussian() }
        let typical = (0..<n).map { _ in Foundation.log(300) + lengthSpread * rng.nextGaussian() }
        var table = VoteTable()
        for c in 0..<n { table.internContender("c\(c)") }
        var pairs: [(Int32, Int32)] = []
        var lengths: [(Double, Double)] = []
        var raw: [Double] = []
        for _ in 0..<votes {
            let i = rng.nextIndex(below: n)
            var j = rng.nextIndex(below: n - 1)
            if j >= i { j += 1 }
            let ta = (Foundation.exp(typical[i] + 0.5 * rng.nextGaussian())).rounded()
            let tb = (Foundation.exp(typical[j] + 0.5 * rng.nextGaussian())).rounded()
            pairs.append((Int32(i), Int32(j)))
            lengths.append((ta, tb))
            raw.append((ta - tb) / (ta + tb + 1))
        }
        let mean = raw.reduce(0, +) / Double(votes)
        let sd = (raw.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(votes)).squareRoot()
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(votes)
        for v in 0..<votes {
            let (i, j) = pairs[v]
            let z = (raw[v] - mean) / sd
            let p = PairwiseProblem.sigmoid(theta[Int(i)] - theta[Int(j)] + lengthEffect * z)
            let q = min(1, tieShare / 0.75) * 2 * min(p, 1 - p)
            let u = rng.nextUnit()
            if u < p - q / 2 {
                outcomes.append(.aWins)
            } else if u < p + q / 2 {
                outcomes.append(rng.nextUnit() < 0.4 ? .bothBad : .tie)
            } else {
                outcomes.append(.bWins)
            }
        }
        let drawn = VoteTable(
            contenders: table.contenders, a: pairs.map(\.0), b: pairs.map(\.1), outcomes: outcomes, weights: nil,
            voters: nil, categories: nil, timestamps: nil, attributes: [:],
            numbers: ["len_a": lengths.map(\.0), "len_b": lengths.map(\.1)])
        let thetaMean = theta.reduce(0, +) / Double(n)
        let eloPerNat = BradleyTerry().eloPerNat
        return (drawn, theta.map { 1000 + eloPerNat * ($0 - thetaMean) })
    }

    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws(RatingError) -> Result {
        let control = StyleControl(features: [StyleFeature(name: "length", columnA: "len_a", columnB: "len_b")])
        var coveredBoot = 0
        var coveredSandwich = 0
        var ratingBoot = 0
        var ratingSandwich = 0
        var ratingCount = 0
        var coefficientSum = 0.0
        var coefficientError = 0.0
        var controlledError = 0.0
        var plainError = 0.0
        var width = 0.0
        var done = 0
        for arena in 0..<arenas {
            let (table, truth) = draw(arena: arena)
            var options = LeaderboardOptions(intervals: .bootstrap(rounds: rounds, seed: seed &+ UInt64(arena)), level: level)
            options.threads = threads
            let board = try control.build(table, options: options)
            var sandwichOptions = LeaderboardOptions(intervals: .sandwich, level: level)
            sandwichOptions.threads = threads
            let sandwich = try control.build(table, options: sandwichOptions)
            let plain = try BradleyTerry().fit(PairCounts(table))
            guard let coefficient = board.style?.features.first, let lower = coefficient.lower, let upper = coefficient.upper,
                  let sandwichCoefficient = sandwich.style?.features.first,
                  let sLower = sandwichCoefficient.lower, let sUpper = sandwichCoefficient.upper else { continue }
            done += 1
            if lower <= lengthEffect && lengthEffect <= upper { coveredBoot += 1 }
            if sLower <= lengthEffect && lengthEffect <= sUpper { coveredSandwich += 1 }
            coefficientSum += coefficient.coefficient
            coefficientError += Swift.abs(coefficient.coefficient - lengthEffect)
            width += upper - lower
            for (c, name) in table.contenders.enumerated() {
                guard let entry = board.entry(named: name), let s = sandwich.entry(named: name) else { continue }
                ratingCount += 1
                if entry.lower <= truth[c] && truth[c] <= entry.upper { ratingBoot += 1 }
                if s.lower <= truth[c] && truth[c] <= s.upper { ratingSandwich += 1 }
                controlledError += Swift.abs(entry.rating - truth[c])
                plainError += Swift.abs(plain.ratings[c] - truth[c])
            }
            progress?(arena + 1, arenas)
        }
        let a = Double(max(done, 1))
        let r = Double(max(ratingCount, 1))
        return Result(
            coefficientCoverage: Double(coveredBoot) / a,
            coefficientSandwichCoverage: Double(coveredSandwich) / a,
            ratingCoverage: Double(ratingBoot) / r,
            ratingSandwichCoverage: Double(ratingSandwich) / r,
            meanCoefficient: coefficientSum / a,
            meanAbsoluteCoefficientError: coefficientError / a,
            controlledRatingError: controlledError / r,
            plainRatingError: plainError / r,
            meanCoefficientWidth: width / a,
            arenas: done
        )
    }
}
