import ArgumentParser
import Foundation
import PreferCore

/// `prefer bench slices`: how the group disagreement report behaves on
/// groups with the same tastes and with a planted difference, and what a
/// rating trajectory costs.
struct SlicesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slices",
        abstract: "Calibrate the group disagreement report and time rating trajectories.",
        discussion: """
        Disagreement: --replicates pairs of groups drawn from the same ratings (each group \
        --group-votes votes over --group-contenders contenders) report how often a contender is \
        flagged as differing beyond its intervals (nominal: 1 − level) and Kendall τ; the same with \
        the best and worst contender swapped in one group reports how often that swap is found. \
        Trajectory: a synthetic arena of --votes votes over --contenders contenders spread evenly \
        over 100 days, ranked at --points points with --rounds bootstrap rounds each (cumulative and \
        with a window of one step), against one build on all the votes; and one board per \
        category for --categories categories.
        """
    )

    @Option(help: "Pairs of groups simulated.") var replicates = 100
    @Option(name: .customLong("group-contenders"), help: "Contenders per group board.") var groupContenders = 8
    @Option(name: .customLong("group-votes"), help: "Votes per group.") var groupVotes = 2000
    @Option(help: "Bootstrap rounds (groups and trajectory points).") var rounds = 200
    @Option(help: "Interval level.") var level = 0.95
    @Option(help: "Contenders of the trajectory arena.") var contenders = 100
    @Option(help: "Votes of the trajectory arena.") var votes = 1_000_000
    @Option(help: "Trajectory points.") var points = 20
    @Option(help: "Categories of the trajectory arena, for timing --by category.") var categories = 20
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Flag(name: .customLong("skip-trajectory")) var skipTrajectory = false
    @Flag(name: .customLong("skip-groups")) var skipGroups = false
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    /// Votes among `ratings` (uniform pairs, ties 10%), tagged with `country`.
    static func votes(_ ratings: [Double], count: Int, country: String, seed: UInt64) -> [Vote] {
        var rng = Xoshiro256(seed: seed)
        let n = ratings.count
        return (0..<count).map { k in
            let i = rng.nextIndex(below: n)
            var j = rng.nextIndex(below: n - 1)
            if j >= i { j += 1 }
            let p = 1 / (1 + pow(10, (ratings[j] - ratings[i]) / 400))
            let u = rng.nextUnit()
            let outcome: Outcome = u < 0.1 ? .tie : (u < 0.1 + 0.9 * p ? .aWins : .bWins)
            return Vote(a: "m\(i)", b: "m\(j)", outcome: outcome, voter: "\(country)-\(k % 40)", attributes: ["country": country])
        }
    }

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        var report: [String: Any] = ["seed": seed, "level": level, "rounds": rounds, "threads": threads ?? ProcessInfo.processInfo.activeProcessorCount]
        if !skipGroups { report["disagreement"] = try groups(progress) }
        if !skipTrajectory { report["trajectory"] = try trajectory(progress) }
        progress.finish()
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }

    func groups(_ progress: ProgressLine) throws -> [String: Any] {
        var options = LeaderboardOptions(intervals: .bootstrap(rounds: rounds, seed: seed), level: level)
        options.threads = threads
        var analysis = SliceAnalysis(ranker: SliceRanker(builder: LeaderboardBuilder(options: options), provisionalVotes: 0))
        analysis.groupBy = "country"
        var flagged = 0, significant = 0, tests = 0, found = 0, foundSignificant = 0, planted = 0
        var taus: [Double] = [], tauLowers: [Double] = [], plantedTaus: [Double] = []
        let start = Date()
        for r in 0..<replicates {
            progress.update("replicate \(r + 1) of \(replicates)")
            var rng = Xoshiro256(seed: seed, stream: UInt64(r))
            let ratings = (0..<groupContenders).map { _ in 1000 + 100 * rng.nextGaussian() }
            for swap in [false, true] {
                var other = ratings
                let best = ratings.indices.max { ratings[$0] < ratings[$1] }!
                let worst = ratings.indices.min { ratings[$0] < ratings[$1] }!
                if swap { other.swapAt(best, worst) }
                let table = VoteTable(
                    Self.votes(ratings, count: groupVotes, country: "A", seed: seed &+ UInt64(2 * r))
                        + Self.votes(other, count: groupVotes, country: "B", seed: seed &+ UInt64(2 * r + 1)))
                analysis.ranker.builder.options.intervals = .bootstrap(rounds: rounds, seed: seed &+ UInt64(r))
                let board = try analysis.ranker.builder.build(table)
                guard let pair = try analysis.run(table, board: board).groups?.disagreement.pairs.first else { continue }
                if swap {
                    planted += 2
                    for name in ["m\(best)", "m\(worst)"] {
                        if pair.differing.contains(name) { found += 1 }
                        if pair.differences.contains(where: { $0.name == name && $0.significant }) { foundSignificant += 1 }
                    }
                    plantedTaus.append(pair.kendallTau ?? .nan)
                } else {
                    flagged += pair.differing.count
                    significant += pair.differences.filter(\.significant).count
                    tests += pair.differences.count
                    taus.append(pair.kendallTau ?? .nan)
                    tauLowers.append(pair.tauLower ?? .nan)
                }
            }
        }
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(x.count, 1)) }
        return [
            "replicates": replicates, "contenders": groupContenders, "votes_per_group": groupVotes,
            "equal_groups": [
                "comparisons": tests,
                "flag_rate_beyond_intervals": Double(flagged) / Double(max(tests, 1)),
                "nominal_rate": 1 - level,
                "false_discoveries_after_bh": significant,
                "mean_kendall_tau": mean(taus),
                "mean_tau_lower": mean(tauLowers),
            ],
            "best_and_worst_swapped": [
                "planted": planted,
                "found_beyond_intervals": Double(found) / Double(max(planted, 1)),
                "found_after_bh": Double(foundSignificant) / Double(max(planted, 1)),
                "mean_kendall_tau": mean(plantedTaus),
            ],
            "seconds": Date().timeIntervalSince(start),
        ]
    }

    func trajectory(_ progress: ProgressLine) throws -> [String: Any] {
        progress.update("drawing \(votes) votes")
        let draw = SyntheticArena(contenders: contenders, votes: votes, seed: seed).draw()
        var table = VoteTable()
        let span = 86400.0 * 100 / Double(votes)  // 100 days
        for row in 0..<draw.table.count {
            var vote = draw.table.vote(at: row)
            vote.timestamp = 1_714_521_600 + Double(row) * span
            vote.category = "category-\(row % categories)"
            table.append(vote)
        }
        var options = LeaderboardOptions(intervals: .bootstrap(rounds: rounds, seed: seed), level: level)
        options.threads = threads
        let builder = LeaderboardBuilder(options: options)
        var timings = LeaderboardBuilder.Timings()
        let t0 = Date()
        let board = try builder.build(table, timings: &timings)
        let whole = Date().timeIntervalSince(t0)
        let ranker = SliceRanker(builder: builder)
        let every = TrajectorySpan.seconds(86400 * 100 / Double(points))
        var result: [String: Any] = [
            "votes": votes, "contenders": contenders, "points": points,
            "one_build_all_votes_s": whole,
            "one_build_fit_s": timings.fit, "one_build_bootstrap_s": timings.intervals,
        ]
        // One board per category.
        let t3 = Date()
        var analysis = SliceAnalysis(ranker: ranker)
        analysis.by = "category"
        progress.update("\(categories) category boards")
        _ = try analysis.run(table, board: board)
        result["by_category"] = ["categories": categories, "total_s": Date().timeIntervalSince(t3)]
        for (name, window) in [("cumulative", nil), ("window", TrajectorySpan.seconds(86400 * 100 / Double(points)))] as [(String, TrajectorySpan?)] {
            let schedule = TrajectorySchedule(every: every, window: window)
            let t1 = Date()
            let plan = try schedule.plan(table)
            let cut = Date().timeIntervalSince(t1)
            let t2 = Date()
            let trajectory = try RatingTrajectory.compute(table, schedule: schedule, ranker: ranker) { done, total in
                progress.update("\(name) point \(done) of \(total)")
            }
            let total = Date().timeIntervalSince(t2)
            result[name] = [
                "points": trajectory.points.count,
                "plan_s": cut,
                "total_s": total,
                "per_point_s": total / Double(max(plan.points.count, 1)),
                "total_over_one_build": total / whole,
            ]
        }
        return result
    }
}
