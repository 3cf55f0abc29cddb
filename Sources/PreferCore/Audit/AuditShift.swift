/// How far the audit moved each contender's rating: the rating fitted on
/// the votes the audit keeps minus the rating fitted on all votes, with the
/// same estimator (so with the same centring or anchor). Two Bradley–Terry
/// fits on pair counts: O(votes + pairs + n³).
public enum AuditShift {
    /// Shift per contender name; a contender left without votes by the
    /// audit has none.
    public static func compute(
        _ table: VoteTable, keep: [Bool], estimator: BradleyTerry = BradleyTerry()
    ) throws(RatingError) -> [String: Double] {
        func ratings(_ t: VoteTable) throws(RatingError) -> [String: Double] {
            let compact = t.hasContendersWithoutVotes ? t.compacted() : t
            let counts = PairCounts(compact)
            guard counts.totalVotes > 0 else { return [:] }
            let fit = try estimator.fit(counts)
            return Dictionary(uniqueKeysWithValues: zip(fit.contenders, fit.ratings))
        }
        let before = try ratings(table)
        let after = try ratings(table.filtered(keep))
        var shift: [String: Double] = [:]
        for (name, rating) in after {
            if let old = before[name] { shift[name] = rating - old }
        }
        return shift
    }

    /// Fills each entry's `auditShift`.
    public static func annotate(_ board: inout Leaderboard, with shifts: [String: Double]) {
        for k in board.contenders.indices {
            board.contenders[k].auditShift = shifts[board.contenders[k].name]
        }
    }
}
