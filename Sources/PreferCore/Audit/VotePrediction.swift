/// One vote as the audit's signals see it: which contender was shown on
/// each side, what the voter chose, and what the consensus — the
/// Bradley–Terry leaderboard fitted without this voter — expected.
public struct VotePrediction: Sendable, Hashable {
    /// Row in the vote table.
    public var row: Int
    /// Contender shown on the left (`model_a`) and on the right.
    public var left: Int32
    public var right: Int32
    public var outcome: Outcome
    /// θ_left − θ_right in natural log-odds, without the position effect.
    public var gap: Double
    /// Probabilities of a left win, a tie (either kind) and a right win.
    public var win: Double
    public var tie: Double
    public var loss: Double

    /// The left side's expected score (ties count half).
    public var expected: Double { win + 0.5 * tie }
    /// The left side's score in this vote.
    public var score: Double { outcome.scoreForA }

    /// Whether contender `c` took part, and its score and probabilities if so
    /// (oriented so that "win" is `c` winning).
    func seen(by c: Int32) -> (score: Double, win: Double, tie: Double, loss: Double)? {
        if left == c { return (score, win, tie, loss) }
        if right == c { return (1 - score, loss, tie, win) }
        return nil
    }
}
