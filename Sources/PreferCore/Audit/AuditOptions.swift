/// What a `VoteAudit` checks and how strict it is.
public struct AuditOptions: Sendable {
    /// The error budget of the statistical signals: among the voters flagged
    /// by them, about this share at most are expected to be honest. Split by
    /// family (`VoteAudit.Family`); it also sets `boosting.level`.
    public var falseDiscoveryRate: Double
    /// Votes a voter needs before the statistical signals judge them.
    public var minimumVotes: Int
    public var sequential: SequentialOutlierTest
    public var speed: SpeedCheck
    public var volume: VolumeCheck
    public var gold: GoldAccuracy
    public var boosting: CoordinatedBoosting
    /// nil turns the content filters off.
    public var content: ContentFilter?
    /// nil turns prompt down-sampling off.
    public var downsampler: PromptDownsampler?
    /// Refits of the consensus without the voters flagged so far (a group
    /// that inflates a contender hides itself from a consensus it is part of).
    public var passes: Int
    /// Voters holding at least this share of the votes are left out of the
    /// consensus by an exact refit instead of the one-step correction.
    public var exactShare: Double

    public init(
        falseDiscoveryRate: Double = 0.05,
        minimumVotes: Int = 5,
        sequential: SequentialOutlierTest = SequentialOutlierTest(),
        speed: SpeedCheck = SpeedCheck(),
        volume: VolumeCheck = VolumeCheck(),
        gold: GoldAccuracy = GoldAccuracy(),
        boosting: CoordinatedBoosting = CoordinatedBoosting(),
        content: ContentFilter? = ContentFilter(),
        downsampler: PromptDownsampler? = PromptDownsampler(),
        passes: Int = 3,
        exactShare: Double = 0.01
    ) {
        self.falseDiscoveryRate = falseDiscoveryRate
        self.minimumVotes = minimumVotes
        self.sequential = sequential
        self.speed = speed
        self.volume = volume
        self.gold = gold
        self.boosting = boosting
        self.content = content
        self.downsampler = downsampler
        self.passes = passes
        self.exactShare = exactShare
    }

    public func validate() throws(AuditError) {
        guard falseDiscoveryRate > 0 && falseDiscoveryRate < 1 else {
            throw .invalidOption("--fdr must be between 0 and 1 (exclusive), e.g. 0.05; got \(falseDiscoveryRate).")
        }
        guard minimumVotes >= 1 else { throw .invalidOption("--min-votes must be at least 1.") }
        guard volume.maximumPerDay >= 1 else { throw .invalidOption("--max-votes-per-day must be at least 1.") }
        guard speed.minimumMilliseconds >= 0, speed.millisecondsPerCharacter >= 0 else {
            throw .invalidOption("--min-time-ms and --min-ms-per-char must be zero or positive.")
        }
        guard sequential.alpha > 0 && sequential.alpha < 1 else {
            throw .invalidOption("--sequential-alpha must be between 0 and 1, e.g. 0.05.")
        }
        guard passes >= 1 else { throw .invalidOption("the audit needs at least one pass.") }
    }
}
