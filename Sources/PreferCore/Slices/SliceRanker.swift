/// Ranks slices of a vote table, each with its own intervals, through
/// `LeaderboardBuilder` — so every model and option the builder knows
/// applies per slice — and says which slices are small.
///
/// A slice is small when its median contender has fewer than
/// `provisionalVotes` votes; on every slice's board the contenders under that
/// threshold are provisional (`Leaderboard.markProvisional`). An anchor
/// contender missing from a slice is dropped for that slice (ratings are then
/// centred) and said so. Cost: one build per slice, O(votes × columns) to cut
/// it plus the builder's own cost on the slice's votes.
public struct SliceRanker: Sendable {
    public var builder: LeaderboardBuilder
    /// Contenders with fewer votes on a board are provisional; a slice whose
    /// median contender has fewer is small. 0 marks nothing.
    public var provisionalVotes: Int

    public init(builder: LeaderboardBuilder, provisionalVotes: Int = 50) {
        self.builder = builder
        self.provisionalVotes = provisionalVotes
    }

    /// One slice ranked. `reference` is the whole board, for the interval
    /// width ratio. With `samples`, also the bootstrap's per-round ratings
    /// (`LeaderboardBuilder.buildWithSamples`), for comparisons between slices.
    public func rank(
        _ table: VoteTable,
        _ slice: VoteSlice,
        reference: Leaderboard? = nil,
        samples: Bool = false,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) -> (board: SliceBoard, samples: RatingSamples?) {
        let votes = table.slice(slice)
        var voters: Int?
        if votes.voters != nil || votes.kway.voters != nil {
            let codes = votes.annotatorCodes()
            voters = Set(codes.pair.lazy.filter { $0 >= 0 }).union(codes.kway.lazy.filter { $0 >= 0 }).count
        }
        var notes: [String] = []
        var builder = self.builder
        if let anchor = builder.options.estimator.anchor, !votes.hasVotes(for: anchor.contender) {
            builder.options.estimator.anchor = nil
            notes.append("\(anchor.contender), the anchor, has no votes in this slice: its ratings are centred on \(format(builder.options.estimator.initialRating)) instead.")
        }
        var board: Leaderboard
        var drawn: RatingSamples?
        do {
            if samples {
                (board, drawn) = try builder.buildWithSamples(votes, progress: progress)
            } else {
                board = try builder.build(votes, progress: progress)
            }
        } catch {
            notes.append(error.message)
            return (SliceBoard(
                field: slice.field, value: slice.value, votes: slice.count, voters: voters, small: true,
                medianVotes: 0, intervalWidthRatio: nil, notes: notes, board: nil), nil)
        }
        board.markProvisional(minimumVotes: provisionalVotes)
        let median = board.medianVotesPerContender
        let small = provisionalVotes > 0 && median < Double(provisionalVotes)
        let ratio = reference.flatMap { Self.widthRatio(board, $0) }
        if small {
            var note = "Small slice: its median contender has \(format(median)) votes, under \(provisionalVotes); read its ranks as provisional"
            if let ratio, ratio > 1 { note += " (intervals \(fixed(ratio, 1))× as wide as the whole board's)" }
            notes.append(note + ".")
        }
        return (SliceBoard(
            field: slice.field, value: slice.value, votes: slice.count, voters: voters, small: small,
            medianVotes: median, intervalWidthRatio: ratio, notes: notes, board: board), drawn)
    }

    /// Every slice ranked, in order.
    public func rank(_ table: VoteTable, _ slices: [VoteSlice], reference: Leaderboard? = nil) -> [SliceBoard] {
        slices.map { rank(table, $0, reference: reference).board }
    }

    /// Median over shared contenders of width(board) / width(reference).
    static func widthRatio(_ board: Leaderboard, _ reference: Leaderboard) -> Double? {
        guard board.hasIntervals, reference.hasIntervals else { return nil }
        var ratios: [Double] = []
        for entry in board.contenders {
            guard let whole = reference.entry(named: entry.name) else { continue }
            let w = whole.upper - whole.lower
            if w > 0 { ratios.append((entry.upper - entry.lower) / w) }
        }
        return Percentile.of(ratios, 0.5)
    }
}
