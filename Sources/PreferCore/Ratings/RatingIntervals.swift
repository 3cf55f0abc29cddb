/// Confidence intervals for a set of ratings, however they were computed.
public struct RatingIntervals: Sendable {
    public enum Method: String, Sendable, Codable {
        case bootstrap
        case sandwich
    }

    public let method: Method
    /// Coverage the intervals aim at (0.95 for 2.5/97.5 percentiles).
    public let level: Double
    /// Lower and upper bounds on the Elo scale, indexed like the contenders.
    public let lower: [Double]
    public let upper: [Double]
    /// Standard errors on the Elo scale (the bootstrap's standard deviation for the bootstrap).
    public let standardErrors: [Double]
    /// Rank intervals (1 = best), from the bootstrap only.
    public let rankLower: [Int]?
    public let rankUpper: [Int]?
    public let warnings: [String]
    /// Details of the bootstrap run, when `method` is `.bootstrap`.
    public let bootstrap: BootstrapSummary?
}

/// What a bootstrap run did, for reports and reproducibility.
public struct BootstrapSummary: Sendable, Codable {
    public let rounds: Int
    public let seed: UInt64
    /// "multinomial over (pair, outcome) cells"
    public let resampling: String
    /// Mean iterations per round's fit.
    public let meanIterations: Double
    /// Rounds whose resample needed the full fit (a contender absent, unbeaten or winless).
    public let fullFitRounds: Int
    /// Rounds each contender was missing from, indexed like the contenders.
    public let absentRounds: [Int]
}
