/// One slice's leaderboard, and whether it is too small to trust.
///
/// A small slice is shown like any other, never hidden: it is said to be
/// small (`small`, with the reason in `notes`), its contenders under the
/// vote threshold are provisional and its intervals are as wide as its few
/// votes make them (`interval_width_ratio` compares them with the whole
/// board's).
public struct SliceBoard: Sendable, Codable {
    /// What the slice is cut by ("category", "criterion", "country", "time").
    public var field: String
    /// The value its votes share.
    public var value: String
    public var votes: Int
    /// Distinct voters, when the votes carry them.
    public var voters: Int?
    /// Whether the slice is small: its median contender has fewer votes than
    /// the provisional threshold.
    public var small: Bool
    /// Votes of the median contender on this board.
    public var medianVotes: Double
    /// Median over the contenders it shares with the whole board of (this
    /// slice's interval width ÷ the whole board's), when both have intervals.
    public var intervalWidthRatio: Double?
    /// What the reader should know: why the slice is small, an anchor that
    /// is not in it, an error that left it without a board.
    public var notes: [String]
    /// The slice's leaderboard; nil only if it could not be computed (see notes).
    public var board: Leaderboard?

    enum CodingKeys: String, CodingKey {
        case field, value, votes, voters, small
        case medianVotes = "median_votes"
        case intervalWidthRatio = "interval_width_ratio"
        case notes, board
    }

    public init(
        field: String, value: String, votes: Int, voters: Int?, small: Bool, medianVotes: Double,
        intervalWidthRatio: Double?, notes: [String], board: Leaderboard?
    ) {
        self.field = field
        self.value = value
        self.votes = votes
        self.voters = voters
        self.small = small
        self.medianVotes = medianVotes
        self.intervalWidthRatio = intervalWidthRatio
        self.notes = notes
        self.board = board
    }
}
