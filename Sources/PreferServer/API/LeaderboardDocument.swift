import Foundation
import PreferCore

/// The body of `GET /api/arenas/{arena}/leaderboard`: the `prefer rank
/// --format json` contract (PreferCore's `Leaderboard`, without the pair
/// matrices) plus what only the server knows — the arena, when the board was
/// computed, how many votes are stored now and whether a refresh is under
/// way. The document's `Leaderboard` schema names this type
/// (`typeOverrides`), so the generated handler encodes it as is.
struct LeaderboardDocument: Codable, Hashable, Sendable {
    var arena: String
    var contenders: [Leaderboard.Entry]
    var method: Leaderboard.Method
    var warnings: [String]
    /// What the vote audit removed (absent when the votes carry no voters).
    var audit: AuditReport.Summary?
    var computedAt: Date
    /// Votes stored now; `method.votes` is how many the ratings used.
    var votesTotal: Int
    /// Votes stored since the board was computed are not in it yet, and a
    /// refresh that will add them is under way.
    var stale: Bool
    /// With `?style=true`: the style coefficients (`prefer rank --style-control`'s `style`).
    var style: Style?
    /// With `?slice=`: which slice, how many votes, whether it is small.
    var slice: Slice?
    /// With `source=all`: which judges' votes the board counts (the validated
    /// ones) and which it leaves out, and why.
    var judges: JudgeVotes?

    /// The judges a `source=all` board counts and leaves out.
    struct JudgeVotes: Codable, Hashable, Sendable {
        var rule: String
        var counted: [Judge]
        var leftOut: [Judge]

        struct Judge: Codable, Hashable, Sendable {
            var judge: String
            var reason: String
        }

        enum CodingKeys: String, CodingKey {
            case rule, counted
            case leftOut = "left_out"
        }
    }
    /// With `?group=`: the groups of that annotator attribute as shown.
    var group: LeaderboardCache.GroupView?
    /// With `?weights=`: the post-stratification (`prefer rank --weights`'s `weighting`, without its board).
    var weighting: Weighting?

    /// `SliceReport.Weighting` without its board: the strata, their weights
    /// and Kish's effective sample size.
    struct Weighting: Codable, Hashable, Sendable {
        struct Stratum: Codable, Hashable, Sendable {
            var name: String
            var votes: Int?
            var annotators: Int?
            var sampleShare: Double?
            var targetShare: Double
            var weight: Double?
            var small: Bool

            enum CodingKeys: String, CodingKey {
                case name, votes, annotators, weight, small
                case sampleShare = "sample_share"
                case targetShare = "target_share"
            }
        }

        var field: String
        var scheme: String
        var votes: Int
        var leftOut: Int
        var effectiveSampleSize: Double
        var designEffect: Double
        var strata: [Stratum]
        var notes: [String]

        enum CodingKeys: String, CodingKey {
            case field, scheme, votes, strata, notes
            case leftOut = "left_out"
            case effectiveSampleSize = "effective_sample_size"
            case designEffect = "design_effect"
        }

        init(_ weighting: SliceReport.Weighting) {
            func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
            field = weighting.field
            scheme = weighting.scheme
            votes = weighting.votes
            leftOut = weighting.leftOut
            effectiveSampleSize = finite(weighting.effectiveSampleSize) ?? 0
            designEffect = finite(weighting.designEffect) ?? 0
            strata = weighting.strata.map {
                Stratum(
                    name: $0.name, votes: $0.votes, annotators: $0.annotators, sampleShare: finite($0.sampleShare),
                    targetShare: finite($0.targetShare) ?? 0, weight: finite($0.weight), small: $0.small)
            }
            notes = weighting.notes
        }
    }

    /// `StyleControl.Report` as it encodes, made Hashable for the generated types.
    struct Style: Codable, Hashable, Sendable {
        var report: StyleControl.Report

        init(_ report: StyleControl.Report) { self.report = report }
        init(from decoder: any Decoder) throws { report = try StyleControl.Report(from: decoder) }
        func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }
        static func == (a: Style, b: Style) -> Bool { a.report == b.report }
        func hash(into hasher: inout Hasher) { hasher.combine(report.features.count) }
    }

    /// A slice's summary: `SliceBoard` (`prefer rank --by`) without its board.
    struct Slice: Codable, Hashable, Sendable {
        var field: String
        var value: String
        var votes: Int
        var voters: Int?
        var small: Bool
        var medianVotes: Double
        var intervalWidthRatio: Double?
        var notes: [String]

        enum CodingKeys: String, CodingKey {
            case field, value, votes, voters, small, notes
            case medianVotes = "median_votes"
            case intervalWidthRatio = "interval_width_ratio"
        }

        init(_ board: SliceBoard) {
            field = board.field
            value = board.value
            votes = board.votes
            voters = board.voters
            small = board.small
            medianVotes = board.medianVotes.isFinite ? board.medianVotes : 0
            intervalWidthRatio = board.intervalWidthRatio.flatMap { $0.isFinite ? $0 : nil }
            notes = board.notes
        }
    }

    enum CodingKeys: String, CodingKey {
        case arena, contenders, method, warnings, audit, stale, style, slice, judges, group, weighting
        case computedAt = "computed_at"
        case votesTotal = "votes_total"
    }

    /// The board of `arena` as served: hidden contenders left out (their
    /// votes still count for the others), retired ones marked.
    init(arena index: ArenaIndex, board: Leaderboard, computedAt: Date, votesTotal: Int, stale: Bool) {
        self.init(arena: index.arena.name, board: index.shown(board), computedAt: computedAt, votesTotal: votesTotal, stale: stale)
    }

    init(arena: String, board: Leaderboard, computedAt: Date, votesTotal: Int, stale: Bool) {
        self.arena = arena
        contenders = board.contenders
        method = board.method
        warnings = board.warnings
        audit = board.audit
        style = board.style.map(Style.init)
        self.computedAt = computedAt
        self.votesTotal = votesTotal
        self.stale = stale
    }
}
