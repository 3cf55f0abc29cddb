import Foundation
import PreferTestSupport
import Testing

@testable import PreferCore

/// Ratings over time on K-way votes: each point's Plackett–Luce fit against
/// scipy and choix on the votes the point ranks (`bench/pl_trajectory_reference.py`),
/// K-way votes cut by time like pairwise ones, one model for every point.
@Suite("Rating trajectories on K-way votes")
struct KWayTrajectoryTests {
    static let day = 86_400.0
    static let may1 = 1_714_521_600.0

    static func load() throws -> (table: VoteTable, expected: [String: Any]) {
        let data = try Fixtures.data("kway-trajectory.jsonl")
        let parsed = try data.withUnsafeBytes { try VoteParser.parse($0, source: "kway-trajectory.jsonl") }
        return (parsed.table, try Fixtures.json("kway-trajectory.expected.json"))
    }

    static func ranker(_ intervals: LeaderboardOptions.Intervals = .none, provisional: Int = 0) -> SliceRanker {
        SliceRanker(builder: LeaderboardBuilder(options: LeaderboardOptions(intervals: intervals, threads: 2)), provisionalVotes: provisional)
    }

    /// Every point's ratings within 0.01 Elo of both references, and the points' vote counts as the references'.
    func expectMatches(_ trajectory: RatingTrajectory, _ reference: [[String: Any]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(trajectory.points.count == reference.count, sourceLocation: sourceLocation)
        for (k, point) in zip(trajectory.points, reference).map({ ($0.index, $1) }) {
            #expect(trajectory.points[k].votes == (point["votes"] as! NSNumber).intValue, sourceLocation: sourceLocation)
            #expect(trajectory.points[k].endTime == (point["end"] as! NSNumber).doubleValue, sourceLocation: sourceLocation)
            for key in ["scipy", "choix_ilsr_top1"] {
                let expected = TestData.ratings(point[key])
                let got = Dictionary(uniqueKeysWithValues: trajectory.series.compactMap { series in
                    series.values.first { $0.point == k }.map { (series.name, $0.rating) }
                })
                #expect(Set(got.keys) == Set(expected.keys), "point \(k): \(got.keys.sorted())", sourceLocation: sourceLocation)
                for (name, rating) in expected {
                    let value = got[name] ?? .nan
                    #expect(Swift.abs(value - rating) < 0.01, "point \(k), \(name): \(value) vs \(key) \(rating)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func cumulativeAndWindowedPointsMatchScipyAndChoix() throws {
        let (table, expected) = try Self.load()
        #expect(table.count > 0 && table.kway.count > 0)
        let cumulative = try RatingTrajectory.compute(table, schedule: TrajectorySchedule(every: .seconds(Self.day)), ranker: Self.ranker())
        expectMatches(cumulative, expected["cumulative"] as! [[String: Any]])
        #expect(cumulative.model == "plackett-luce")
        #expect(cumulative.modelReason?.contains("K-way") == true)
        #expect(cumulative.order == "timestamp")
        let windowed = try RatingTrajectory.compute(
            table, schedule: TrajectorySchedule(every: .seconds(Self.day), window: .seconds(2 * Self.day)), ranker: Self.ranker())
        expectMatches(windowed, expected["window_2d"] as! [[String: Any]])
        #expect(!windowed.cumulative && windowed.window == "2d")
    }

    @Test func kwayVotesAreCutByTimeWithThePairwiseOnes() throws {
        let (table, _) = try Self.load()
        let plan = try TrajectorySchedule(every: .seconds(Self.day)).plan(table)
        let pairwiseTimes = try #require(table.timestamps)
        let kwayTimes = try #require(table.kway.timestamps)
        for (point, slice) in zip(plan.points, plan.slices) {
            let end = try #require(point.endTime)
            #expect(slice.rows == (0..<table.count).filter { pairwiseTimes[$0] < end }.map(Int32.init))
            #expect(slice.kwayRows == (0..<table.kway.count).filter { kwayTimes[$0] < end }.map(Int32.init))
            #expect(point.votes == slice.count)
            let sliced = table.slice(slice)
            #expect(sliced.totalVotes == slice.count)
        }
        // The first day holds pairwise votes only: its slice keeps no K-way vote.
        #expect(plan.slices[0].kwayRows == [])
        // A pairwise table's slices are as before: no K-way rows at all.
        var pairwise = table
        pairwise.kway = KWayVotes()
        #expect(try TrajectorySchedule(every: .seconds(Self.day)).plan(pairwise).slices.allSatisfy { $0.kwayRows == nil })
    }

    /// Vote-count points follow time across both kinds; without timestamps,
    /// file order puts the pairwise votes first and says so.
    @Test func voteCountPointsAndFileOrder() throws {
        let (table, _) = try Self.load()
        let plan = try TrajectorySchedule(every: .votes(300)).plan(table)
        #expect(plan.points.map(\.lastVote) == [300, 600, 900, 1200])
        // 240 pairwise votes on day one, then votes of both kinds: the first point has 60 of day two.
        #expect(plan.slices[0].rows.count + (plan.slices[0].kwayRows?.count ?? 0) == 300)
        #expect(plan.slices[0].kwayRows!.count > 0 && plan.slices[0].kwayRows!.count < 60)

        var untimed = VoteTable()
        for row in 0..<table.count {
            var vote = table.vote(at: row)
            vote.timestamp = nil
            untimed.append(vote)
        }
        for row in 0..<table.kway.count {
            var vote = table.kwayVote(at: row)
            vote.timestamp = nil
            untimed.append(vote)
        }
        let byFile = try TrajectorySchedule(every: .votes(400)).plan(untimed)
        #expect(byFile.order == "file")
        #expect(byFile.notes.contains { $0.contains("pairwise votes come first") })
        let pairwise = untimed.count
        #expect(pairwise > 400 && pairwise < 800)
        #expect(byFile.slices[0].rows.count == 400 && byFile.slices[0].kwayRows == [])
        #expect(byFile.slices[1].rows.count == pairwise && byFile.slices[1].kwayRows == (0..<Int32(800 - pairwise)).map { $0 })
    }

    /// One model for every point: the pairwise-only first day is fitted by
    /// Plackett–Luce too, and equals Bradley–Terry there to 1e-9 Elo.
    @Test func oneModelForEveryPoint() throws {
        let (table, _) = try Self.load()
        let trajectory = try RatingTrajectory.compute(table, schedule: TrajectorySchedule(every: .seconds(Self.day)), ranker: Self.ranker())
        let plan = try TrajectorySchedule(every: .seconds(Self.day)).plan(table)
        let firstDay = table.slice(plan.slices[0])
        #expect(!firstDay.hasKWayVotes)
        let bradleyTerry = try LeaderboardBuilder(options: LeaderboardOptions()).build(firstDay)
        #expect(bradleyTerry.method.model == "bradley-terry")
        for entry in bradleyTerry.contenders {
            let value = try #require(trajectory.series.first { $0.name == entry.name }?.values.first { $0.point == 0 })
            #expect(Swift.abs(value.rating - entry.rating) < 1e-9, "\(entry.name)")
        }
        // A pairwise file keeps Bradley–Terry.
        var pairwise = table
        pairwise.kway = KWayVotes()
        let bt = try RatingTrajectory.compute(pairwise, schedule: TrajectorySchedule(every: .seconds(Self.day)), ranker: Self.ranker())
        #expect(bt.model == "bradley-terry")
        // Asking for Bradley–Terry on K-way votes is refused at every point, and said so.
        var asked = Self.ranker()
        asked.builder.options.model = .bradleyTerry
        let refused = try RatingTrajectory.compute(table, schedule: TrajectorySchedule(every: .seconds(Self.day)), ranker: asked)
        #expect(refused.model == nil)
        #expect(refused.warnings.contains { $0.contains("--model bradley-terry") })
    }

    /// Bootstrap intervals per point, seeded: the same seed gives the same
    /// series; the newcomer (day three) is provisional for its first votes.
    @Test func intervalsAreSeededAndNewcomersProvisional() throws {
        let (table, _) = try Self.load()
        let schedule = TrajectorySchedule(every: .seconds(Self.day / 2))
        let one = try RatingTrajectory.compute(table, schedule: schedule, ranker: Self.ranker(.bootstrap(rounds: 50, seed: 3), provisional: 150))
        let two = try RatingTrajectory.compute(table, schedule: schedule, ranker: Self.ranker(.bootstrap(rounds: 50, seed: 3), provisional: 150))
        #expect(one.series == two.series)
        #expect(one.intervals == "bootstrap" && one.rounds == 50 && one.seed == 3)
        for series in one.series {
            for v in series.values { #expect(v.lower <= v.rating && v.rating <= v.upper, "\(series.name) point \(v.point)") }
        }
        let newcomer = try #require(one.series.first { $0.name == "model-005" })
        #expect(newcomer.values.first!.point > 0)
        #expect(newcomer.values.contains { $0.provisional } && newcomer.values.contains { !$0.provisional })
        for v in newcomer.values where v.votes < 150 { #expect(v.provisional) }
    }
}
