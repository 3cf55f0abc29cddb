/// Ratings over time (*Value Drifts*; LMArena's rating history): one
/// leaderboard per point of a `TrajectorySchedule`, each fitted and
/// bootstrapped on its own votes by `LeaderboardBuilder` with the same seed,
/// gathered into one series per contender.
///
/// The model is chosen once, on all the votes, and every point is fitted
/// with it: Bradley–Terry for pairwise votes, Plackett–Luce (Luce 1959;
/// Plackett 1975) as soon as one vote is K-way — so that a point whose
/// window holds only pairwise votes is on the same model as the rest (on
/// pairwise votes the two fits are equal; their bootstraps resample
/// differently). `model` and `model_reason` say which and why.
///
/// At each point a contender with fewer than `provisionalVotes` votes so far
/// (in the window) is provisional, as LMArena marks a new model until it has
/// enough battles. Deterministic given the seed: every point's bootstrap is
/// seeded the same way, whatever the thread count.
///
/// Cost: points × (cutting the votes, O(votes), plus one fit and one
/// bootstrap on the point's votes). The bootstrap dominates; each of its
/// rounds starts from the point's own estimate with the point's information
/// matrix factored once (`Bootstrap`'s chord iteration), which is the warm
/// start that pays — a round converges in a handful of O(pairs + n²) steps.
public struct RatingTrajectory: Sendable, Codable {
    /// A contender's rating at one point.
    public struct Value: Sendable, Codable, Equatable {
        /// Index into `points`.
        public var point: Int
        public var rating: Double
        public var lower: Double
        public var upper: Double
        public var rank: Int
        public var votes: Int
        public var provisional: Bool
    }

    public struct Series: Sendable, Codable, Equatable {
        public var name: String
        /// Only the points at which the contender has votes.
        public var values: [Value]
    }

    /// "time".
    public var over = "time"
    public var every: String
    public var window: String?
    public var cumulative: Bool
    /// "timestamp" or "file".
    public var order: String
    public var provisionalVotes: Int
    /// The model every point is fitted with (`bradley-terry`, `plackett-luce`)
    /// and why, as the boards' `method.model` and `method.model_reason`.
    public var model: String?
    public var modelReason: String?
    /// "none", "bootstrap" or "sandwich", as the boards.
    public var intervals: String
    public var level: Double?
    public var rounds: Int?
    public var seed: UInt64?
    public var points: [TrajectorySchedule.Point]
    /// Contenders in the order of the last point's board, then the rest.
    public var series: [Series]
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case over, every, window, cumulative, order
        case provisionalVotes = "provisional_votes"
        case model
        case modelReason = "model_reason"
        case intervals, level, rounds, seed, points, series, warnings
    }

    /// Fits every point of `schedule` on `table` with `ranker`. `progress`
    /// is called with (points done, points).
    public static func compute(
        _ table: VoteTable,
        schedule: TrajectorySchedule,
        ranker: SliceRanker,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(TrajectorySchedule.Problem) -> RatingTrajectory {
        let plan = try schedule.plan(table)
        var boards: [Leaderboard?] = []
        var warnings = plan.notes
        // One model for every point, chosen on all the votes.
        var ranker = ranker
        var selection: ModelSelection?
        do {
            selection = try ranker.builder.options.selectModel(for: table)
        } catch {
            // Each point's board says why it cannot be fitted (the same options, the same refusal).
        }
        if let selection { ranker.builder.options.model = selection.model }
        for (k, slice) in plan.slices.enumerated() {
            let ranked = ranker.rank(table, slice).board
            boards.append(ranked.board)
            if ranked.board == nil {
                warnings.append("point \(k) (\(slice.value)): " + ranked.notes.joined(separator: " "))
            }
            progress?(k + 1, plan.slices.count)
        }
        var series: [String: [Value]] = [:]
        for (k, board) in boards.enumerated() {
            guard let board else { continue }
            for entry in board.contenders {
                series[entry.name, default: []].append(Value(
                    point: k, rating: entry.rating, lower: entry.lower, upper: entry.upper,
                    rank: entry.rank, votes: entry.votes, provisional: entry.provisional))
            }
        }
        let last = boards.last(where: { $0 != nil })??.contenders.map(\.name) ?? []
        let rest = series.keys.filter { !last.contains($0) }.sorted()
        let method = boards.compactMap { $0?.method }.last
        return RatingTrajectory(
            every: schedule.every.description,
            window: schedule.window?.description,
            cumulative: schedule.window == nil,
            order: plan.order,
            provisionalVotes: ranker.provisionalVotes,
            model: selection?.model.rawValue,
            modelReason: selection?.reason,
            intervals: method?.intervals ?? "none",
            level: method?.level,
            rounds: method?.rounds,
            seed: method?.seed,
            points: plan.points,
            series: (last + rest).compactMap { name in series[name].map { Series(name: name, values: $0) } },
            warnings: warnings
        )
    }
}
