import Foundation
import PreferCore

/// The body of `GET /api/arenas/{arena}/trajectory`: `prefer rank --over
/// time --format json`'s `trajectory` (PreferCore's `RatingTrajectory`:
/// points, one series per contender with intervals, warnings) as it
/// encodes, plus what only the server knows — the arena, when it was
/// computed, the votes stored now, whether a refresh is under way, and the
/// board's warnings (the audit's). The document's `Trajectory` schema names
/// this type (`typeOverrides`).
struct TrajectoryDocument: Codable, Hashable, Sendable {
    var arena: String
    var computedAt: Date
    var votesTotal: Int
    var stale: Bool
    var warnings: [String]
    /// Absent while there are no votes to rank (`warnings` says so).
    var trajectory: Wrapped<RatingTrajectory>?

    enum CodingKeys: String, CodingKey {
        case arena, stale, warnings, trajectory
        case computedAt = "computed_at"
        case votesTotal = "votes_total"
    }

    /// Hidden contenders' series left out (their votes still count for the others).
    init(arena index: ArenaIndex, trajectory: RatingTrajectory?, warnings: [String], computedAt: Date, votesTotal: Int, stale: Bool) {
        arena = index.arena.name
        self.computedAt = computedAt
        self.votesTotal = votesTotal
        self.stale = stale
        self.warnings = warnings
        self.trajectory = trajectory.map { Wrapped(index.shown($0)) }
    }
}

/// The body of `GET /api/arenas/{arena}/pareto`: `prefer rank --by criterion
/// --format json`'s `slicing`, `slices` (one board per criterion) and
/// `pareto` (PreferCore's `ParetoFront`) as they encode, plus the server's
/// fields as in `TrajectoryDocument`. `pareto` is absent while fewer than two
/// criteria have a board. The document's `Pareto` schema names this type.
struct ParetoDocument: Codable, Hashable, Sendable {
    var arena: String
    var computedAt: Date
    var votesTotal: Int
    var stale: Bool
    var warnings: [String]
    var slicing: Wrapped<SliceReport.Slicing>?
    var slices: Wrapped<[SliceBoard]>
    var pareto: Wrapped<ParetoFront>?

    enum CodingKeys: String, CodingKey {
        case arena, stale, warnings, slicing, slices, pareto
        case computedAt = "computed_at"
        case votesTotal = "votes_total"
    }

    /// Hidden contenders left out of every board and of the front.
    init(arena index: ArenaIndex, report: SliceReport, warnings: [String], computedAt: Date, votesTotal: Int, stale: Bool) {
        arena = index.arena.name
        self.computedAt = computedAt
        self.votesTotal = votesTotal
        self.stale = stale
        self.warnings = warnings
        slicing = report.slicing.map(Wrapped.init)
        slices = Wrapped((report.slices ?? []).map { slice in
            var slice = slice
            slice.board = slice.board.map(index.shown)
            return slice
        })
        pareto = report.pareto.map { Wrapped(index.shown($0)) }
    }
}

/// A PreferCore value encoded and decoded as it is, made Hashable for the
/// generated types (by its encoding: these are compared in tests only).
struct Wrapped<Value: Codable & Sendable>: Codable, Hashable, Sendable {
    var value: Value

    init(_ value: Value) { self.value = value }
    init(from decoder: any Decoder) throws { value = try Value(from: decoder) }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }

    private var encoded: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)) ?? Data()
    }

    static func == (a: Wrapped, b: Wrapped) -> Bool { a.encoded == b.encoded }
    func hash(into hasher: inout Hasher) { hasher.combine(encoded) }
}

extension ArenaIndex {
    /// Names of the contenders the boards leave out.
    var hiddenNames: Set<String> { Set(contenders.values.filter(\.hidden).map(\.name)) }

    /// A trajectory as shown: hidden contenders' series left out.
    func shown(_ trajectory: RatingTrajectory) -> RatingTrajectory {
        let hidden = hiddenNames
        var trajectory = trajectory
        trajectory.series.removeAll { hidden.contains($0.name) }
        return trajectory
    }

    /// A Pareto view as shown: hidden contenders left out of it.
    func shown(_ front: ParetoFront) -> ParetoFront {
        let hidden = hiddenNames
        var front = front
        front.contenders.removeAll { hidden.contains($0.name) }
        for k in front.contenders.indices { front.contenders[k].dominatedBy.removeAll { hidden.contains($0.name) } }
        front.front.removeAll { hidden.contains($0) }
        front.possibleFront.removeAll { hidden.contains($0) }
        front.excluded.removeAll { hidden.contains($0) }
        return front
    }
}
