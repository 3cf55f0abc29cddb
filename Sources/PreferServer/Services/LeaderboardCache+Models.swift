import Foundation
import PreferCore

// The views of an arena's votes that take many fits — ratings over time and
// the Pareto view across criteria — computed by `SliceAnalysis`, the code
// `prefer rank --over time` and `prefer rank --by criterion` run.

extension LeaderboardCache {
    /// Most points a trajectory served over HTTP may have (each is a fit and
    /// a bootstrap); `prefer rank --over time` has no such bound.
    static let maximumTrajectoryPoints = 200
    /// Votes under which a contender is provisional, on a trajectory point or
    /// a criterion's board (`prefer rank`'s `--provisional-votes` default).
    static let provisionalVotes = 50

    /// The trajectory or the Pareto view of `ranked` (the votes the board
    /// ranks, after the audit), with a board carrying no contenders — only
    /// the warnings the caller adds — for a trajectory, and the whole board
    /// for the Pareto view (each criterion's board is compared with it).
    static func modelsBoard(_ ranked: VoteTable, variant: Variant, options: LeaderboardOptions) throws -> (board: Leaderboard, report: SliceReport) {
        var analysis = SliceAnalysis(ranker: SliceRanker(builder: LeaderboardBuilder(options: options), provisionalVotes: provisionalVotes))
        var board: Leaderboard
        switch variant {
        case .trajectory(let every, let window):
            analysis.trajectory = try schedule(ranked, every: every, window: window)
            board = .empty("")
            board.warnings = []
        case .pareto:
            analysis.by = "criterion"
            board = try LeaderboardBuilder(options: options).build(ranked)
            // Votes but none answering a criterion yet: no boards, said so (the CLI refuses such a file).
            if (try? CriteriaSlicer.slices(ranked)) == nil {
                board.warnings.append("No vote answers a criterion yet: the boards per criterion and the Pareto view appear once votes carry criteria.")
                return (board, SliceReport())
            }
        default:
            preconditionFailure("modelsBoard computes trajectories and the Pareto view only")
        }
        do {
            return (board, try analysis.run(ranked, board: board))
        } catch {
            throw PreferError.badRequest(error.message, field: variant == .pareto ? "arena" : "every")
        }
    }

    /// The schedule of `every` (a span, or "auto") and `window`, refused
    /// with a 400 naming the field when it cannot be followed on these votes
    /// or would have more than `maximumTrajectoryPoints` points.
    static func schedule(_ table: VoteTable, every: String, window: String?) throws -> TrajectorySchedule {
        let span: TrajectorySpan
        if every == "auto" {
            span = automaticSpan(table)
        } else if let parsed = TrajectorySpan(parsing: every) {
            span = parsed
        } else {
            throw PreferError.invalidField("every", "every takes auto or a span such as 12h, 1d, 1w or 10000votes; got \"\(every.prefix(100))\".")
        }
        var windowSpan: TrajectorySpan?
        if let window {
            guard let parsed = TrajectorySpan(parsing: window) else {
                throw PreferError.invalidField("window", "window takes a span such as 7d, 4w or 50000votes; got \"\(window.prefix(100))\".")
            }
            windowSpan = parsed
        }
        let schedule = TrajectorySchedule(every: span, window: windowSpan)
        let points: Int
        do {
            points = try schedule.plan(table).points.count
        } catch {
            throw PreferError.invalidField("every", error.message)
        }
        guard points <= maximumTrajectoryPoints else {
            throw PreferError.invalidField(
                "every",
                "every=\(span) gives \(points) points over these votes; the server draws at most \(maximumTrajectoryPoints). Choose a longer span (or every=auto), or run prefer rank --over time --every \(span) on the vote export.")
        }
        return schedule
    }

    /// The span `every=auto` stands for: a day when the votes span three
    /// days to 120 days, a week beyond, and otherwise (votes of a few hours,
    /// or without times) a twentieth of the votes, rounded up to a power of
    /// two, at least 16 — so that it changes rarely as votes arrive.
    static func automaticSpan(_ table: VoteTable) -> TrajectorySpan {
        if let times = TrajectorySchedule.timestamps(of: table) {
            let known = times.filter { !$0.isNaN }
            if known.count == times.count, let first = known.min(), let last = known.max() {
                let days = (last - first) / 86_400
                if days > 120 { return .seconds(604_800) }
                if days >= 3 { return .seconds(86_400) }
            }
        }
        var votes = 16
        while votes * 20 < table.totalVotes { votes *= 2 }
        return .votes(votes)
    }
}
