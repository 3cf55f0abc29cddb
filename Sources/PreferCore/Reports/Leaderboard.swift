/// A ranked table of contenders: Bradley–Terry ratings with their intervals,
/// ranks and vote counts, the settings that produced them and what went wrong.
///
/// Its JSON form (snake_case keys) is a contract: `prefer rank --format json`
/// and the server's leaderboard endpoint both emit it.
public struct Leaderboard: Sendable, Codable {
    public struct Entry: Sendable, Codable, Hashable {
        public var name: String
        public var rating: Double
        /// Interval bounds; equal to `rating` when no intervals were asked for.
        public var lower: Double
        public var upper: Double
        /// Votes this contender took part in.
        public var votes: Int
        /// Position by rating, 1 = best (equal ratings share a rank).
        public var rank: Int
        /// LMArena's "Rank (UB)": 1 + the number of contenders whose lower
        /// bound is above this one's upper bound.
        public var rankUB: Int
        /// Bootstrap rank interval.
        public var rankLower: Int?
        public var rankUpper: Int?
        /// Standard error on the Elo scale, when intervals were computed.
        public var standardError: Double?
        /// Online Elo, when asked for.
        public var elo: Double?
        /// Share of points won (ties count half).
        public var winRate: Double
        /// True when the rating is not a finite maximum-likelihood estimate.
        public var provisional: Bool
        /// Which group of contenders this one belongs to, when the votes form several that never met.
        public var group: Int?
        /// How far excluding the audit's flagged voters moved the rating
        /// (audited minus all votes), when asked for.
        public var auditShift: Double?
        /// True for a contender an admin retired (it gets no new battles).
        public var retired: Bool?
        /// Why this contender has no interval although intervals were asked
        /// for (too few votes, or resamples that could not vary); `lower` and
        /// `upper` then equal `rating` and say nothing about its certainty
        /// (the JSON writes them null: `Leaderboard+EntryCoding.swift`).
        public var noInterval: String?

        enum CodingKeys: String, CodingKey {
            case name, rating, lower, upper, votes, rank
            case rankUB = "rank_ub"
            case rankLower = "rank_lower"
            case rankUpper = "rank_upper"
            case standardError = "se"
            case elo
            case winRate = "win_rate"
            case provisional, group
            case auditShift = "audit_shift"
            case retired
            case noInterval = "no_interval"
        }
    }

    /// How the leaderboard was computed.
    public struct Method: Sendable, Codable, Hashable {
        /// "bradley-terry" or "plackett-luce".
        public var model = "bradley-terry"
        /// "mle", "l2" or "mle+firth" when some group needed Firth's fit.
        public var fit: String
        public var l2: Double
        public var scale: Double
        public var base: Double
        public var initialRating: Double
        public var anchor: String?
        public var anchorRating: Double?
        public var ties = "half a win each side; both-bad counts as a tie"
        public var tolerance: Double
        public var iterations: Int
        public var gradientNorm: Double
        public var converged: Bool
        /// "none", "bootstrap" or "sandwich".
        public var intervals: String
        public var level: Double?
        public var rounds: Int?
        public var seed: UInt64?
        public var resampling: String?
        public var bootstrapMeanIterations: Double?
        public var bootstrapFullFitRounds: Int?
        /// Plackett–Luce: "full" (every round refitted) or "one-step" (one
        /// Newton step from the full-data estimate), and why.
        public var bootstrapRefit: String?
        public var bootstrapRefitReason: String?
        public var eloK: Double?
        public var votes: Int
        public var contenders: Int
        /// "automatic" when the model was chosen from the votes, "requested" otherwise.
        public var modelSelection: String?
        /// Why this model, in a sentence.
        public var modelReason: String?
        /// "half", "davidson" or "rao-kupper".
        public var tieModel: String?
        /// Davidson's ν or Rao–Kupper's θ, with its bootstrap interval.
        public var tieParameter: Double?
        public var tieParameterLower: Double?
        public var tieParameterUpper: Double?
        /// "tie" or "drop".
        public var bothBad: String?
        /// Pairwise and K-way votes among `votes` (Plackett–Luce).
        public var pairwiseVotes: Int?
        public var kwayVotes: Int?

        enum CodingKeys: String, CodingKey {
            case model, fit, l2, scale, base
            case initialRating = "initial_rating"
            case anchor
            case anchorRating = "anchor_rating"
            case ties, tolerance, iterations
            case gradientNorm = "gradient_norm"
            case converged, intervals, level, rounds, seed, resampling
            case bootstrapMeanIterations = "bootstrap_mean_iterations"
            case bootstrapFullFitRounds = "bootstrap_full_fit_rounds"
            case bootstrapRefit = "bootstrap_refit"
            case bootstrapRefitReason = "bootstrap_refit_reason"
            case eloK = "elo_k"
            case votes, contenders
            case modelSelection = "model_selection"
            case modelReason = "model_reason"
            case tieModel = "tie_model"
            case tieParameter = "tie_parameter"
            case tieParameterLower = "tie_parameter_lower"
            case tieParameterUpper = "tie_parameter_upper"
            case bothBad = "both_bad"
            case pairwiseVotes = "pairwise_votes"
            case kwayVotes = "kway_votes"
        }
    }

    public var contenders: [Entry]
    public var method: Method
    public var warnings: [String]
    public var matrices: PairMatrices?
    /// What the vote audit removed before ranking, when it ran.
    public var audit: AuditReport.Summary?
    /// The style coefficients, when the ratings are style-controlled (`StyleControl`).
    public var style: StyleControl.Report?
    /// The mixture of preference types (`prefer rank --mixture`), when asked for.
    public var mixture: MixtureReport?

    /// Contenders with fewer votes get no interval (`Entry.noInterval`): a
    /// bootstrap of a handful of votes barely varies and reads as certainty.
    public static let minimumVotesForInterval = 10

    public init(contenders: [Entry], method: Method, warnings: [String], matrices: PairMatrices? = nil) {
        self.contenders = contenders
        self.method = method
        self.warnings = warnings
        self.matrices = matrices
    }

    /// A leaderboard with no contenders yet, saying why.
    public static func empty(_ warning: String) -> Leaderboard {
        Leaderboard(
            contenders: [],
            method: Method(
                fit: "mle", l2: 0, scale: 400, base: 10, initialRating: 1000, tolerance: 1e-10, iterations: 0,
                gradientNorm: 0, converged: true, intervals: "none", votes: 0, contenders: 0
            ),
            warnings: [warning]
        )
    }

    public func entry(named name: String) -> Entry? {
        contenders.first { $0.name == name }
    }
}

extension Leaderboard {
    /// The board as an arena shows it: contenders in `hidden` left out (their
    /// votes were counted for the others all the same), those in `retired`
    /// marked retired.
    public func shown(hiding hidden: Set<String>, retiring retired: Set<String>) -> Leaderboard {
        guard !hidden.isEmpty || !retired.isEmpty else { return self }
        var board = self
        board.contenders = contenders.filter { !hidden.contains($0.name) }.map { entry in
            var entry = entry
            if retired.contains(entry.name) { entry.retired = true }
            return entry
        }
        return board
    }
}
