/// Everything `prefer rank` adds to a leaderboard when asked to cut, follow
/// or re-weight the votes. Each member appears in the rank JSON beside the
/// whole board's keys (`RankReport`), and only when asked for.
public struct SliceReport: Sendable, Encodable {
    /// How `slices` were cut.
    public struct Slicing: Sendable, Codable {
        /// The field ("category", "language", "criterion"…).
        public var by: String
        /// Votes with no value for it (in no slice).
        public var missing: Int
        public var provisionalVotes: Int

        enum CodingKeys: String, CodingKey {
            case by, missing
            case provisionalVotes = "provisional_votes"
        }
    }

    /// Per-group boards and how the groups disagree.
    public struct Groups: Sendable, Codable {
        public struct Merged: Sendable, Codable {
            /// Groups under the minimum size merged into "other".
            public var groups: Int
            public var votes: Int
            public var annotators: Int
            /// Whether "other" reached the minimum and is shown.
            public var shown: Bool
        }

        public var field: String
        public var minGroupSize: Int
        /// "voter" or "vote" (when the votes carry no voter).
        public var annotatorsCountedBy: String
        public var groups: [AnnotatorGroups.Group]
        public var merged: Merged
        /// Votes without a value for the field.
        public var missing: Int
        public var boards: [SliceBoard]
        public var disagreement: GroupDisagreement
        public var notes: [String]

        enum CodingKeys: String, CodingKey {
            case field
            case minGroupSize = "min_group_size"
            case annotatorsCountedBy = "annotators_counted_by"
            case groups, merged, missing, boards, disagreement, notes
        }
    }

    /// A board re-weighted to a target population.
    public struct Weighting: Sendable, Codable {
        public var field: String
        /// "target shares" or "equal groups".
        public var scheme: String
        public var votes: Int
        public var leftOut: Int
        /// Kish's effective sample size, (Σw)² / Σw².
        public var effectiveSampleSize: Double
        /// votes / effective sample size.
        public var designEffect: Double
        public var strata: [PostStratification.Stratum]
        public var notes: [String]
        public var board: SliceBoard

        enum CodingKeys: String, CodingKey {
            case field, scheme, votes
            case leftOut = "left_out"
            case effectiveSampleSize = "effective_sample_size"
            case designEffect = "design_effect"
            case strata, notes, board
        }
    }

    public var slicing: Slicing?
    public var slices: [SliceBoard]?
    public var pareto: ParetoFront?
    public var trajectory: RatingTrajectory?
    public var groups: Groups?
    public var weighting: Weighting?

    public init() {}

    public var isEmpty: Bool {
        slices == nil && trajectory == nil && groups == nil && weighting == nil
    }

    enum CodingKeys: String, CodingKey {
        case slicing, slices, pareto, trajectory, groups, weighting
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(slicing, forKey: .slicing)
        try c.encodeIfPresent(slices, forKey: .slices)
        try c.encodeIfPresent(pareto, forKey: .pareto)
        try c.encodeIfPresent(trajectory, forKey: .trajectory)
        try c.encodeIfPresent(groups, forKey: .groups)
        try c.encodeIfPresent(weighting, forKey: .weighting)
    }
}

/// The rank JSON: the whole board's keys (the `Leaderboard` contract,
/// unchanged) with the `SliceReport` members beside them.
public struct RankReport: Sendable, Encodable {
    public var board: Leaderboard
    public var extras: SliceReport

    public init(board: Leaderboard, extras: SliceReport) {
        self.board = board
        self.extras = extras
    }

    public func encode(to encoder: any Encoder) throws {
        try board.encode(to: encoder)
        try extras.encode(to: encoder)
    }
}
