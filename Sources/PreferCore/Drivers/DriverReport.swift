/// What drives the votes: per feature, the raw win rate of the side with more
/// of it and its coefficient in the joint model (`DriverAnalysis`). Its JSON
/// form (snake_case keys, `prefer drivers --format json`) is a contract:
///
///     {"features": [{"name", "decisive_pairs", "more_wins", "more_losses",
///        "win_rate", "win_rate_lower", "win_rate_upper", "p_value",
///        "coefficient", "coefficient_lower", "coefficient_upper", "q_value",
///        …}], "method": {…}, "warnings": [...]}
///
/// plus, when the votes carry sources (human, judge…), `sources` (the same
/// table per source) and `source_comparison` (each source's coefficients
/// minus the reference source's). Values that cannot be computed (no
/// decisive pair where the sides differ; a feature left out of the model)
/// are null, never NaN.
public struct DriverReport: Sendable, Codable, Equatable {
    public struct Feature: Sendable, Codable, Equatable {
        public var name: String
        /// Decisive judgements (ties left out) where the two sides differ in the feature.
        public var decisivePairs: Double
        /// Of those, judgements won and lost by the side with more of the feature.
        public var moreWins: Double
        public var moreLosses: Double
        /// `more_wins / decisive_pairs`, with its Wilson interval.
        public var winRate: Double?
        public var winRateLower: Double?
        public var winRateUpper: Double?
        /// Exact two-sided binomial test of win rate = ½.
        public var pValue: Double?
        /// Log-odds of winning per standard deviation of the feature difference, in the joint model.
        public var coefficient: Double?
        public var coefficientLower: Double?
        public var coefficientUpper: Double?
        public var coefficientSE: Double?
        /// Two-sided Wald test of coefficient = 0.
        public var coefficientPValue: Double?
        /// Benjamini–Hochberg adjusted `coefficient_p_value` across the features.
        public var qValue: Double?
        /// Whether `q_value` ≤ the false discovery rate.
        public var discovery: Bool
        /// One standard deviation of the difference A − B, in the feature's units.
        public var sdDifference: Double?
        /// Mean value of the feature over both sides.
        public var mean: Double?

        enum CodingKeys: String, CodingKey {
            case name
            case decisivePairs = "decisive_pairs"
            case moreWins = "more_wins"
            case moreLosses = "more_losses"
            case winRate = "win_rate"
            case winRateLower = "win_rate_lower"
            case winRateUpper = "win_rate_upper"
            case pValue = "p_value"
            case coefficient
            case coefficientLower = "coefficient_lower"
            case coefficientUpper = "coefficient_upper"
            case coefficientSE = "coefficient_se"
            case coefficientPValue = "coefficient_p_value"
            case qValue = "q_value"
            case discovery
            case sdDifference = "sd_difference"
            case mean
        }

        /// Explicit nulls, so that every key of the contract is always present.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(decisivePairs, forKey: .decisivePairs)
            try c.encode(moreWins, forKey: .moreWins)
            try c.encode(moreLosses, forKey: .moreLosses)
            try c.encode(winRate, forKey: .winRate)
            try c.encode(winRateLower, forKey: .winRateLower)
            try c.encode(winRateUpper, forKey: .winRateUpper)
            try c.encode(pValue, forKey: .pValue)
            try c.encode(coefficient, forKey: .coefficient)
            try c.encode(coefficientLower, forKey: .coefficientLower)
            try c.encode(coefficientUpper, forKey: .coefficientUpper)
            try c.encode(coefficientSE, forKey: .coefficientSE)
            try c.encode(coefficientPValue, forKey: .coefficientPValue)
            try c.encode(qValue, forKey: .qValue)
            try c.encode(discovery, forKey: .discovery)
            try c.encode(sdDifference, forKey: .sdDifference)
            try c.encode(mean, forKey: .mean)
        }
    }

    /// How the report was computed.
    public struct Method: Sendable, Codable, Equatable {
        public var model: String
        /// Whether contender strengths were in the model.
        public var contenders: Bool
        public var contenderCount: Int
        public var ties = "left out: decisive judgements only"
        public var scaling = "coefficients per standard deviation of the difference A − B (population SD over the decisive judgements)"
        public var intervals: String
        public var level: Double
        public var falseDiscoveryRate: Double
        /// Rows read, judgements in them, decisive judgements, ties.
        public var rows: Int
        public var judgements: Double
        public var decisive: Double
        public var tiedJudgements: Double
        /// Rows and decisive judgements in the joint model (rows missing a model feature are left out).
        public var modelRows: Int
        public var modelJudgements: Double
        public var modelFeatures: [String]
        public var iterations: Int
        public var converged: Bool
        public var logLikelihood: Double
        /// Where the features came from: text fields measured, number columns.
        public var inputs: [String]
        /// The source field, when the rows carry sources.
        public var sourceField: String?

        enum CodingKeys: String, CodingKey {
            case model, contenders
            case contenderCount = "contender_count"
            case ties, scaling, intervals, level
            case falseDiscoveryRate = "false_discovery_rate"
            case rows, judgements, decisive
            case tiedJudgements = "tied_judgements"
            case modelRows = "model_rows"
            case modelJudgements = "model_judgements"
            case modelFeatures = "model_features"
            case iterations, converged
            case logLikelihood = "log_likelihood"
            case inputs
            case sourceField = "source_field"
        }
    }

    /// The same table for the rows of one source.
    public struct Source: Sendable, Codable, Equatable {
        public var source: String
        public var rows: Int
        public var decisive: Double
        public var features: [Feature]
        public var converged: Bool
    }

    /// One feature's coefficient in one source minus the reference source's
    /// (independent samples: z = Δ / √(se₁² + se₂²)).
    public struct Comparison: Sendable, Codable, Equatable {
        public var name: String
        public var source: String
        public var reference: String
        public var difference: Double?
        public var differenceLower: Double?
        public var differenceUpper: Double?
        public var pValue: Double?
        public var qValue: Double?

        enum CodingKeys: String, CodingKey {
            case name, source, reference, difference
            case differenceLower = "difference_lower"
            case differenceUpper = "difference_upper"
            case pValue = "p_value"
            case qValue = "q_value"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(source, forKey: .source)
            try c.encode(reference, forKey: .reference)
            try c.encode(difference, forKey: .difference)
            try c.encode(differenceLower, forKey: .differenceLower)
            try c.encode(differenceUpper, forKey: .differenceUpper)
            try c.encode(pValue, forKey: .pValue)
            try c.encode(qValue, forKey: .qValue)
        }
    }

    public var features: [Feature]
    public var method: Method
    public var warnings: [String]
    public var sources: [Source]?
    public var sourceComparison: [Comparison]?

    enum CodingKeys: String, CodingKey {
        case features, method, warnings, sources
        case sourceComparison = "source_comparison"
    }

    public func feature(named name: String) -> Feature? {
        features.first { $0.name == name }
    }
}
