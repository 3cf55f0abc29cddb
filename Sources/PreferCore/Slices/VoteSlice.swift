/// A subset of a vote table, possibly re-read or re-weighted, to be ranked on
/// its own: the votes of one category, one criterion, one annotator group,
/// one stretch of time, or all the votes weighted to a target population.
///
/// Every per-subset leaderboard in Prefer is one `VoteSlice` turned into a
/// `VoteTable` (`VoteTable.slice(_:)`) and ranked by `LeaderboardBuilder`, so
/// every model the builder knows works per slice (Plackett–Luce too, when
/// the slice holds K-way votes). Materialising a slice costs
/// O(votes × columns) (`VoteTable.filtered`).
public struct VoteSlice: Sendable, Hashable {
    /// What the slice is cut by: a field name ("category", "language",
    /// "country"), "criterion", "time" or "weighting".
    public var field: String
    /// The value of `field` the votes share ("coding", "FR", a time).
    public var value: String
    /// Rows of the full table, ascending (so online Elo keeps file order).
    public var rows: [Int32]
    /// One outcome per row in `rows` replacing the table's (the vote's
    /// choice on one criterion), if any.
    public var outcomes: [Outcome]?
    /// One factor per row in `rows` multiplying the vote's weight
    /// (population weighting), if any.
    public var weightFactors: [Double]?
    /// The K-way votes of the slice (rows of `VoteTable.kway`, ascending),
    /// or nil to keep every K-way vote (slicers that read pairwise columns
    /// only, such as a category whose K-way votes were chosen beforehand).
    public var kwayRows: [Int32]?
    /// One factor per row in `kwayRows` multiplying the K-way vote's weight, if any.
    public var kwayWeightFactors: [Double]?
    /// One contender index per row in `kwayRows` replacing the K-way vote's
    /// ranking by "this one is best" (its pick on one criterion), or -1 to
    /// keep the vote's ranking; nil keeps every ranking.
    public var kwayBest: [Int32]?

    public init(
        field: String, value: String, rows: [Int32], outcomes: [Outcome]? = nil, weightFactors: [Double]? = nil,
        kwayRows: [Int32]? = nil, kwayWeightFactors: [Double]? = nil
    ) {
        precondition(outcomes == nil || outcomes!.count == rows.count, "one outcome per row")
        precondition(weightFactors == nil || weightFactors!.count == rows.count, "one weight factor per row")
        precondition(kwayWeightFactors == nil || kwayWeightFactors!.count == (kwayRows?.count ?? -1), "one weight factor per K-way row")
        self.field = field
        self.value = value
        self.rows = rows
        self.outcomes = outcomes
        self.weightFactors = weightFactors
        self.kwayRows = kwayRows
        self.kwayWeightFactors = kwayWeightFactors
    }

    /// Number of votes in the slice (its K-way votes counted when listed).
    public var count: Int { rows.count + (kwayRows?.count ?? 0) }
}

extension VoteTable {
    /// The votes of `slice`, in file order, with its outcomes and weight
    /// factors applied. Contender indices are kept (contenders may be left
    /// without votes; `LeaderboardBuilder` drops them).
    public func slice(_ slice: VoteSlice) -> VoteTable {
        var keep = [Bool](repeating: false, count: count)
        var previous = -1
        var ascending = true
        for row in slice.rows {
            keep[Int(row)] = true
            if Int(row) <= previous { ascending = false }
            previous = Int(row)
        }
        precondition(ascending, "slice rows must be ascending and distinct")
        var out = filtered(keep)
        if let outcomes = slice.outcomes { out.outcomes = outcomes }
        if let factors = slice.weightFactors {
            let base = out.weights ?? Array(repeating: 1, count: out.count)
            out.weights = zip(base, factors).map { $0 * $1 }
        }
        if let kwayRows = slice.kwayRows {
            var keepKWay = [Bool](repeating: false, count: kway.count)
            for row in kwayRows { keepKWay[Int(row)] = true }
            out = out.filteredKWay(keepKWay)
            if let factors = slice.kwayWeightFactors {
                let base = out.kway.weights ?? Array(repeating: 1, count: out.kway.count)
                out.kway.weights = zip(base, factors).map { $0 * $1 }
            }
            if let best = slice.kwayBest {
                precondition(best.count == out.kway.count, "one best pick per K-way row")
                for (row, pick) in best.enumerated() where pick >= 0 {
                    for p in out.kway.offsets[row]..<out.kway.offsets[row + 1] {
                        out.kway.places[p] = out.kway.candidates[p] == pick ? 1 : 0
                    }
                }
            }
        }
        return out
    }

    /// The K-way votes' text column a field name refers to, as
    /// `textColumn(named:)` for the pairwise votes.
    public func kwayTextColumn(named field: String) -> TextColumn? {
        switch field {
        case "category": kway.categories
        case "voter", "judge": kway.voters
        default: kway.attributes[field]
        }
    }

    /// The text column a field name refers to: `category` → the categories,
    /// `voter` or `judge` → the voters, anything else → the attribute of that
    /// name (kept by the parser when asked for in `VoteParseOptions.fields`).
    public func textColumn(named field: String) -> TextColumn? {
        switch field {
        case "category": categories
        case "voter", "judge": voters
        default: attributes[field]
        }
    }

    /// Whether `contender` takes part in at least one vote, pairwise or K-way. O(votes).
    public func hasVotes(for contender: String) -> Bool {
        guard let id = index(of: contender).map(Int32.init) else { return false }
        return a.contains(id) || b.contains(id) || kway.candidates.contains(id)
    }
}
