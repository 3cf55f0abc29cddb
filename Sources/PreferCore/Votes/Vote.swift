/// One pairwise judgement: contender A was shown on the left, B on the right,
/// and the voter gave `outcome`.
public struct Vote: Sendable, Hashable {
    /// The contender shown on the left (`model_a`).
    public var a: String
    /// The contender shown on the right (`model_b`).
    public var b: String
    public var outcome: Outcome
    /// How much the vote counts in a fit (1 unless reweighted): an
    /// importance weight, resampled with the vote.
    public var weight: Double
    /// How many identical annotations the row stands for (aggregated data: 7
    /// people preferred A); the bootstrap resamples each of them.
    public var annotations: Int
    /// Who voted: an annotator's pseudonym, an invite name or a judge's name.
    public var voter: String?
    /// When the vote was cast, in seconds since 1970.
    public var timestamp: Double?
    /// The prompt's category, for per-category leaderboards.
    public var category: String?
    /// Any other fields the vote carried, as text.
    public var attributes: [String: String]

    public init(
        a: String,
        b: String,
        outcome: Outcome,
        weight: Double = 1,
        annotations: Int = 1,
        voter: String? = nil,
        timestamp: Double? = nil,
        category: String? = nil,
        attributes: [String: String] = [:]
    ) {
        self.a = a
        self.b = b
        self.outcome = outcome
        self.weight = weight
        self.annotations = annotations
        self.voter = voter
        self.timestamp = timestamp
        self.category = category
        self.attributes = attributes
    }
}
