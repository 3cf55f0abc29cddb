import Foundation

/// How well `DriverAnalysis` finds planted feature effects and how often it
/// flags decoys: draw datasets of votes on answers with realistic, correlated
/// features, plant effects on some, none on the rest, analyse each, and
/// count interval coverage, power and the false discovery proportion.
///
/// Each dataset: `contenders` with strengths θ ~ Normal(0, 0.5) and a typical
/// answer length each (log-normal around 300, σ = 0.4: longer contenders).
/// Each answer: length L ~ LogNormal(log typical, 0.6); lines ~ Poisson(L/60);
/// headers ~ Poisson(1); bold ~ Poisson(2); digits ~ Poisson(L/40);
/// punctuation ~ Poisson(L/15); questions ~ Poisson(0.4); links ~ Poisson(0.2);
/// brackets ~ Poisson(1); refusal ~ Bernoulli(0.05); noise ~ Normal(0, 1) —
/// so several decoys (lines, digits, punctuation) are correlated with length
/// and win more often raw, though they have no effect of their own. A share
/// `tieShare` of votes are ties, drawn independently; the SD of each
/// difference is taken over the decisive votes (as the analysis does) and
/// the decisive outcomes are drawn from
/// P(A) = σ(θ_A − θ_B + Σ β_f (x_A,f − x_B,f)/SD_f), so β is exactly the
/// analysis's coefficient. Planted: `planted`; every other feature has β = 0.
/// Deterministic given `seed`. Cost: datasets × one fit.
public struct DriverStudy: Sendable {
    public var datasets: Int
    public var votes: Int
    public var contenders: Int
    public var seed: UInt64
    public var tieShare: Double = 0.15
    public var planted: [String: Double] = ["length": 0.3, "headers": 0.15, "bold": 0.1, "refusal": -0.2]
    public var level: Double = 0.95
    public var falseDiscoveryRate: Double = 0.05
    /// Whether the analysis knows the contenders (else it fits through the origin, leaving strength in the noise).
    public var useContenders = true
    public var threads: Int?

    public static let features = ["length", "lines", "headers", "bold", "digits", "punctuation", "questions", "links",
                                  "brackets", "refusal", "noise"]

    public init(datasets: Int, votes: Int, contenders: Int = 12, seed: UInt64) {
        self.datasets = datasets
        self.votes = votes
        self.contenders = contenders
        self.seed = seed
    }

    public struct Result: Sendable, Codable {
        /// Share of planted (feature, dataset) intervals covering the planted coefficient.
        public var plantedCoverage: Double
        /// Share of decoy intervals covering 0.
        public var decoyCoverage: Double
        /// Share of planted effects discovered (q ≤ FDR).
        public var power: Double
        /// Mean over datasets of (decoys discovered) / max(discoveries, 1).
        public var falseDiscoveryRate: Double
        /// Share of datasets with at least one decoy discovered.
        public var anyFalseDiscovery: Double
        /// Share of decoys flagged by their raw binomial test at p ≤ 0.05 (what the raw rate alone would claim).
        public var decoyRawRejections: Double
        /// Per planted feature: mean estimate and coverage.
        public var perFeature: [String: FeatureSummary]
        public var datasets: Int

        public struct FeatureSummary: Sendable, Codable {
            public var planted: Double
            public var meanEstimate: Double
            public var coverage: Double
            public var power: Double

            enum CodingKeys: String, CodingKey {
                case planted
                case meanEstimate = "mean_estimate"
                case coverage, power
            }
        }

        enum CodingKeys: String, CodingKey {
            case plantedCoverage = "planted_coverage"
            case decoyCoverage = "decoy_coverage"
            case power
            case falseDiscoveryRate = "false_discovery_proportion_mean"
            case anyFalseDiscovery = "datasets_with_a_false_discovery"
            case decoyRawRejections = "decoy_raw_rejections"
            case perFeature = "per_feature"
            case datasets
        }
    }

    /// One dataset as a comparison table (contenders known).
    public func draw(dataset: Int) -> ComparisonTable {
        var rng = Xoshiro256(seed: seed, stream: UInt64(dataset))
        let n = contenders
        let theta = (0..<n).map { _ in 0.5 * rng.nextGaussian() }
        let typical = (0..<n).map { _ in Foundation.log(300) + 0.4 * rng.nextGaussian() }
        let width = Self.features.count
        func poisson(_ mean: Double) -> Double {
            // Knuth for small means, normal approximation above 30.
            if mean > 30 { return max(0, (mean + mean.squareRoot() * rng.nextGaussian()).rounded()) }
            let limit = Foundation.exp(-mean)
            var k = 0.0
            var product = rng.nextUnit()
            while product > limit {
                k += 1
                product *= rng.nextUnit()
            }
            return k
        }
        func answer(_ c: Int) -> [Double] {
            let length = Foundation.exp(typical[c] + 0.6 * rng.nextGaussian()).rounded()
            return [
                length, poisson(length / 60), poisson(1), poisson(2), poisson(length / 40), poisson(length / 15),
                poisson(0.4), poisson(0.2), poisson(1), rng.nextUnit() < 0.05 ? 1 : 0, rng.nextGaussian(),
            ]
        }
        var builder = ComparisonTableBuilder(textFeatures: TextFeatureSet(builtIns: [], script: false), numericFeatures: Self.features)
        var rows: [(Int, Int, [Double], [Double], Bool)] = []
        for _ in 0..<votes {
            let i = rng.nextIndex(below: n)
            var j = rng.nextIndex(below: n - 1)
            if j >= i { j += 1 }
            rows.append((i, j, answer(i), answer(j), rng.nextUnit() < tieShare))
        }
        // SD of each difference over the decisive votes.
        var sd = [Double](repeating: 0, count: width)
        for f in 0..<width {
            let d = rows.filter { !$0.4 }.map { $0.2[f] - $0.3[f] }
            let mean = d.reduce(0, +) / Double(d.count)
            sd[f] = (d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count)).squareRoot()
        }
        let beta = Self.features.map { planted[$0] ?? 0 }
        for (i, j, x, y, tie) in rows {
            var eta = theta[i] - theta[j]
            for f in 0..<width where beta[f] != 0 && sd[f] > 0 { eta += beta[f] * (x[f] - y[f]) / sd[f] }
            let aWins: Double
            if tie {
                aWins = 0
            } else {
                aWins = rng.nextUnit() < PairwiseProblem.sigmoid(eta) ? 1 : 0
            }
            builder.append(featuresA: x, featuresB: y, aWins: aWins, bWins: tie ? 0 : 1 - aWins, ties: tie ? 1 : 0,
                           contenderA: "c\(i)", contenderB: "c\(j)")
        }
        return builder.build()
    }

    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws(DriverError) -> Result {
        var analysis = DriverAnalysis(level: level, falseDiscoveryRate: falseDiscoveryRate, contenders: useContenders)
        analysis.threads = threads
        var plantedCovered = 0
        var plantedCount = 0
        var decoyCovered = 0
        var decoyCount = 0
        var discovered = 0
        var fdpSum = 0.0
        var anyFalse = 0
        var rawRejections = 0
        var sums: [String: (estimate: Double, covered: Int, found: Int)] = [:]
        var done = 0
        for dataset in 0..<datasets {
            let report = try analysis.run(draw(dataset: dataset))
            done += 1
            var discoveries = 0
            var falseDiscoveries = 0
            for feature in report.features {
                guard let lower = feature.coefficientLower, let upper = feature.coefficientUpper, let estimate = feature.coefficient else { continue }
                let truth = planted[feature.name] ?? 0
                let covered = lower <= truth && truth <= upper
                if feature.discovery { discoveries += 1 }
                if truth != 0 {
                    plantedCount += 1
                    if covered { plantedCovered += 1 }
                    if feature.discovery { discovered += 1 }
                    var s = sums[feature.name] ?? (0, 0, 0)
                    s.estimate += estimate
                    s.covered += covered ? 1 : 0
                    s.found += feature.discovery ? 1 : 0
                    sums[feature.name] = s
                } else {
                    decoyCount += 1
                    if covered { decoyCovered += 1 }
                    if feature.discovery { falseDiscoveries += 1 }
                    if let p = feature.pValue, p <= 0.05 { rawRejections += 1 }
                }
            }
            fdpSum += Double(falseDiscoveries) / Double(max(discoveries, 1))
            if falseDiscoveries > 0 { anyFalse += 1 }
            progress?(dataset + 1, datasets)
        }
        let d = Double(max(done, 1))
        var perFeature: [String: Result.FeatureSummary] = [:]
        for (name, s) in sums {
            perFeature[name] = Result.FeatureSummary(
                planted: planted[name] ?? 0, meanEstimate: s.estimate / d, coverage: Double(s.covered) / d, power: Double(s.found) / d)
        }
        return Result(
            plantedCoverage: Double(plantedCovered) / Double(max(plantedCount, 1)),
            decoyCoverage: Double(decoyCovered) / Double(max(decoyCount, 1)),
            power: Double(discovered) / Double(max(plantedCount, 1)),
            falseDiscoveryRate: fdpSum / d,
            anyFalseDiscovery: Double(anyFalse) / d,
            decoyRawRejections: Double(rawRejections) / Double(max(decoyCount, 1)),
            perFeature: perFeature,
            datasets: done
        )
    }
}
