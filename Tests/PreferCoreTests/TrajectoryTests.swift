import Foundation
import Testing
@testable import PreferCore

@Suite("Rating trajectories")
struct TrajectoryTests {
    static let day = 86400.0
    /// 2024-05-01T00:00:00Z, a Wednesday.
    static let may1 = 1_714_521_600.0

    @Test func spansParse() {
        #expect(TrajectorySpan(parsing: "1d") == .seconds(86400))
        #expect(TrajectorySpan(parsing: "1w") == .seconds(604_800))
        #expect(TrajectorySpan(parsing: "12h") == .seconds(43200))
        #expect(TrajectorySpan(parsing: "30min") == .seconds(1800))
        #expect(TrajectorySpan(parsing: "10000votes") == .votes(10000))
        #expect(TrajectorySpan(parsing: "10k votes") == .votes(10000))
        #expect(TrajectorySpan(parsing: "1 vote") == .votes(1))
        for bad in ["", "d", "0d", "-1d", "1y", "votes", "1.5votes"] { #expect(TrajectorySpan(parsing: bad) == nil, "\(bad)") }
        #expect(TrajectorySpan.seconds(604_800).description == "1w")
        #expect(TrajectorySpan.seconds(172_800).description == "2d")
        #expect(TrajectorySpan.votes(500).description == "500votes")
    }

    func table(days: Int, perDay: Int, start: Double = may1) -> VoteTable {
        var votes: [Vote] = []
        for d in 0..<days {
            votes += PlantedVotes.draw(
                ["a": 1100, "b": 1000, "c": 900], count: perDay, seed: UInt64(d + 1),
                start: start + Double(d) * Self.day + 3600, spacing: 60)
        }
        return VoteTable(votes)
    }

    @Test func dailyWeeklyAndVoteCountPoints() throws {
        let t = table(days: 10, perDay: 100)
        let daily = try TrajectorySchedule(every: .seconds(Self.day)).plan(t)
        #expect(daily.points.count == 10)
        #expect(daily.points.map(\.votes) == (1...10).map { $0 * 100 })
        #expect(daily.points[0].end == "2024-05-02T00:00:00Z")
        #expect(daily.order == "timestamp")
        // Weeks end on Mondays: May 6 and May 13, 2024.
        let weekly = try TrajectorySchedule(every: .seconds(7 * Self.day)).plan(t)
        #expect(weekly.points.map(\.end) == ["2024-05-06T00:00:00Z", "2024-05-13T00:00:00Z"])
        #expect(weekly.points.map(\.votes) == [500, 1000])
        let byVotes = try TrajectorySchedule(every: .votes(300)).plan(t)
        #expect(byVotes.points.map(\.lastVote) == [300, 600, 900, 1000])
        let windowed = try TrajectorySchedule(every: .seconds(Self.day), window: .seconds(2 * Self.day)).plan(t)
        #expect(windowed.points.map(\.votes) == [100] + Array(repeating: 200, count: 9))
        let lastVotes = try TrajectorySchedule(every: .votes(400), window: .votes(250)).plan(t)
        #expect(lastVotes.points.map(\.votes) == [250, 250, 250])
        #expect(lastVotes.slices[1].rows.count == 250)
    }

    @Test func timeOrderNotFileOrder() throws {
        // The file lists the second day first: points still follow time.
        let t = table(days: 2, perDay: 50)
        var reversed = VoteTable()
        for row in (0..<t.count).reversed() { reversed.append(t.vote(at: row)) }
        let plan = try TrajectorySchedule(every: .votes(50)).plan(reversed)
        #expect(plan.slices[0].rows == (50..<100).map(Int32.init))
    }

    @Test func timeSpansNeedTimestamps() {
        let t = VoteTable(PlantedVotes.draw(["a": 1000, "b": 900], count: 20, seed: 1))
        #expect(throws: TrajectorySchedule.Problem.self) { try TrajectorySchedule(every: .seconds(Self.day)).plan(t) }
        #expect((try? TrajectorySchedule(every: .votes(5)).plan(t))?.order == "file")
        #expect(throws: TrajectorySchedule.Problem.self) { try TrajectorySchedule(every: .votes(1)).plan(VoteTable(PlantedVotes.draw(["a": 1000, "b": 900], count: 10_001, seed: 1))) }
    }

    func ranker(seed: UInt64, provisional: Int = 100) -> SliceRanker {
        SliceRanker(
            builder: LeaderboardBuilder(options: LeaderboardOptions(intervals: .bootstrap(rounds: 100, seed: seed), threads: 2)),
            provisionalVotes: provisional)
    }

    @Test func deterministicGivenTheSeed() throws {
        let t = table(days: 5, perDay: 200)
        let schedule = TrajectorySchedule(every: .seconds(Self.day))
        let one = try RatingTrajectory.compute(t, schedule: schedule, ranker: ranker(seed: 9))
        let two = try RatingTrajectory.compute(t, schedule: schedule, ranker: ranker(seed: 9))
        let other = try RatingTrajectory.compute(t, schedule: schedule, ranker: ranker(seed: 10))
        #expect(one.series == two.series)
        #expect(one.series != other.series)
        #expect(one.series.map { $0.values.map(\.rating) } == other.series.map { $0.values.map(\.rating) })
        #expect(one.seed == 9 && one.rounds == 100 && one.cumulative)
        // Intervals narrow as votes accumulate.
        let a = one.series.first { $0.name == "a" }!
        #expect(a.values.last!.upper - a.values.last!.lower < (a.values.first!.upper - a.values.first!.lower) * 0.6)
    }

    @Test func aNewcomerIsProvisionalForItsFirstVotes() throws {
        var votes = PlantedVotes.draw(["a": 1100, "b": 1000, "c": 900], count: 3000, seed: 1, start: Self.may1, spacing: 60)
        // "new" enters on day 3, in a third of the battles.
        let later = PlantedVotes.draw(["a": 1100, "new": 1050, "c": 900], count: 1500, seed: 2, start: Self.may1 + 2 * Self.day + 60, spacing: 90)
        votes += later
        let t = VoteTable(votes)
        let trajectory = try RatingTrajectory.compute(
            t, schedule: TrajectorySchedule(every: .seconds(Self.day / 4)), ranker: ranker(seed: 1, provisional: 200))
        let newcomer = try #require(trajectory.series.first { $0.name == "new" })
        #expect(newcomer.values.first!.point > 0)
        for v in newcomer.values { #expect(v.provisional == (v.votes < 200), "point \(v.point): \(v.votes) votes") }
        #expect(newcomer.values.contains { $0.provisional } && newcomer.values.contains { !$0.provisional })
        #expect(trajectory.series.first { $0.name == "a" }!.values.allSatisfy { !$0.provisional || $0.votes < 200 })
        let svg = TrajectorySVG.chart(trajectory).svg(title: "Ratings over time", id: "trajectory")
        #expect(svg.contains("stroke-dasharray") && svg.contains("<polygon") && svg.contains(">new</text>"))
        #expect(svg.contains("2024-05"))
    }
}
