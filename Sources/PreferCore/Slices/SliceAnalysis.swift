/// One entry point for every "one leaderboard per subset or per
/// re-weighting" view: per field value (`by`), per criterion with the Pareto
/// view (`by = "criterion"`), over time (`trajectory`), per annotator group
/// with the disagreement report (`groupBy`), and re-weighted to a population
/// (`weights`, or each group equally when grouping without a target). Each
/// board comes from `SliceRanker`, hence from `LeaderboardBuilder`.
public struct SliceAnalysis: Sendable {
    public var ranker: SliceRanker
    /// Field to cut by, or "criterion".
    public var by: String?
    public var trajectory: TrajectorySchedule?
    /// Annotator attribute to group by.
    public var groupBy: String?
    /// Fewest annotators a group needs to be shown on its own.
    public var minimumGroupSize: Int = 5
    /// Target population: field and shares. Without it, grouping also gives
    /// the board with every group weighted equally.
    public var weights: (field: String, shares: [String: Double])?

    public init(ranker: SliceRanker) {
        self.ranker = ranker
    }

    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// The vote-file fields these views read, to ask the parser to keep.
    public var fields: Set<String> {
        var out: Set<String> = []
        if let by { out.formUnion(by == "criterion" ? CriteriaSlicer.fields : [by]) }
        if let groupBy { out.insert(groupBy) }
        if let weights { out.insert(weights.field) }
        return out.subtracting(["category", "voter", "judge"])
    }

    /// `progress` gets a label and (done, total) of the current step.
    public func run(
        _ table: VoteTable,
        board: Leaderboard,
        progress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)? = nil
    ) throws(Problem) -> SliceReport {
        var report = SliceReport()
        if let by {
            let cut: (slices: [VoteSlice], missing: Int)
            if by == "criterion" {
                let found: CriteriaSlicer.Result?
                do {
                    found = try CriteriaSlicer.slices(table)
                } catch {
                    throw Problem(message: error.message)
                }
                guard let found else {
                    throw Problem(message: "no vote carries criteria: --by criterion reads a \"criteria\" object per vote ({\"helpfulness\": \"left\", …}, as the server exports) or a \"criterion\" field with the vote's winner.")
                }
                cut = (found.slices, found.missing)
            } else {
                guard let found = FieldSlicer.slices(table, field: by) else {
                    throw Problem(message: "no vote carries the field \"\(by)\" to slice by; check its name (a JSON key or CSV column of the vote file).")
                }
                cut = (found.slices, found.missing)
            }
            var boards: [SliceBoard] = []
            for (k, slice) in cut.slices.enumerated() {
                progress?("slice", k, cut.slices.count)
                boards.append(ranker.rank(table, slice, reference: board).board)
            }
            report.slicing = .init(by: by, missing: cut.missing, provisionalVotes: ranker.provisionalVotes)
            report.slices = boards
            if by == "criterion" {
                let rated = boards.filter { $0.board != nil }
                if rated.count >= 2 {
                    report.pareto = ParetoFront(criteria: rated.map(\.value), boards: rated.map { $0.board! })
                }
            }
        }
        if let trajectory {
            do {
                report.trajectory = try RatingTrajectory.compute(table, schedule: trajectory, ranker: ranker) { done, total in
                    progress?("trajectory point", done, total)
                }
            } catch {
                throw Problem(message: error.message)
            }
        }
        if let groupBy {
            report.groups = try groups(table, field: groupBy, board: board, progress: progress)
        }
        if let weights {
            report.weighting = try weighting(table, PostStratification(field: weights.field, target: .shares(weights.shares), minimumSize: minimumGroupSize), board: board)
        } else if let groupBy {
            report.weighting = try weighting(table, PostStratification(field: groupBy, target: .equal, minimumSize: minimumGroupSize), board: board)
        }
        return report
    }

    func groups(
        _ table: VoteTable, field: String, board: Leaderboard,
        progress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)?
    ) throws(Problem) -> SliceReport.Groups {
        guard let partition = AnnotatorGroups(field: field, minimumSize: minimumGroupSize).partition(table) else {
            throw Problem(message: "no vote carries the field \"\(field)\" to group by; check its name (a JSON key or CSV column of the vote file).")
        }
        var boards: [SliceBoard] = []
        var samples: [RatingSamples?] = []
        for (k, slice) in partition.slices.enumerated() {
            progress?("group", k, partition.slices.count)
            // Each group's bootstrap draws its own stream: with one seed for
            // all, group A's round r and group B's round r would share their
            // random numbers, correlate, and make differences look surer.
            var ranker = self.ranker
            if case .bootstrap(let rounds, let seed) = ranker.builder.options.intervals {
                var mix = SplitMix64(state: seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(k + 1)))
                ranker.builder.options.intervals = .bootstrap(rounds: rounds, seed: mix.next())
            }
            let ranked = ranker.rank(table, slice, reference: board, samples: true)
            boards.append(ranked.board)
            samples.append(ranked.samples)
        }
        var notes: [String] = []
        if partition.countedBy == "vote" {
            notes.append("The votes carry no voter, so each vote counts as one annotator: a group may be fewer people than it seems.")
        }
        if partition.mergedGroups > 0 {
            let groups = partition.mergedGroups == 1
                ? "1 group with fewer than \(minimumGroupSize) annotators is"
                : "\(partition.mergedGroups) groups with fewer than \(minimumGroupSize) annotators are"
            notes.append(partition.otherShown
                ? "\(groups) merged into \"\(AnnotatorGroups.other)\"."
                : "\(groups) not shown, not even merged (\"\(AnnotatorGroups.other)\" would have \(partition.mergedAnnotators) annotators); their \(partition.mergedVotes) votes count in the whole board only.")
        }
        let rated = boards.indices.filter { boards[$0].board != nil }
        let disagreement = GroupDisagreement(
            names: rated.map { boards[$0].value },
            boards: rated.map { boards[$0].board! },
            samples: rated.map { samples[$0] },
            level: ranker.builder.options.level)
        return SliceReport.Groups(
            field: field, minGroupSize: minimumGroupSize, annotatorsCountedBy: partition.countedBy,
            groups: partition.groups,
            merged: .init(groups: partition.mergedGroups, votes: partition.mergedVotes, annotators: partition.mergedAnnotators, shown: partition.otherShown),
            missing: partition.missing, boards: boards, disagreement: disagreement, notes: notes)
    }

    /// The board of `table` re-weighted by `stratification`, with the
    /// weighting's report (`prefer rank --weights`, and the server's
    /// `?weights=`). `board`, the whole board, gives the interval width ratio.
    public func weighting(_ table: VoteTable, _ stratification: PostStratification, board: Leaderboard?) throws(Problem) -> SliceReport.Weighting {
        let plan: PostStratification.Plan
        do {
            plan = try stratification.plan(table)
        } catch {
            throw Problem(message: error.message)
        }
        let ranked = ranker.rank(table, plan.slice, reference: board).board
        let votes = plan.slice.count
        return SliceReport.Weighting(
            field: stratification.field, scheme: plan.slice.value, votes: votes, leftOut: plan.leftOut,
            effectiveSampleSize: plan.effectiveSampleSize,
            designEffect: plan.effectiveSampleSize > 0 ? Double(votes) / plan.effectiveSampleSize : 0,
            strata: plan.strata, notes: plan.notes, board: ranked)
    }
}
