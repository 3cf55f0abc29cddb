/// Votes cast faster than a person can read the outputs.
///
/// A vote is too fast when its time to vote is below the reading floor
/// max(`minimumMilliseconds`, `millisecondsPerCharacter` × characters of both
/// outputs); without output text the floor is `minimumMilliseconds` alone.
/// Defaults: 2 s — seeing two answers, choosing and clicking takes a person
/// at least that (a bare click reaction is ~0.5–1 s) — and 5 ms a character,
/// about 2,400 words a minute, three times the fastest skimming (~700 wpm)
/// and ten times ordinary reading, so a vote under it means at least one
/// output went unread. A voter is flagged when at least `minimumFastVotes`
/// of their timed votes, and at least `maximumFastShare` of them, are too
/// fast: a person may dispatch an obvious pair quickly now and then, a
/// clicker does so every time. A deterministic rule, not a test: its false
/// flags are the honest voters who really do vote that fast. O(votes).
public struct SpeedCheck: Sendable {
    public var minimumMilliseconds: Double
    public var millisecondsPerCharacter: Double
    public var maximumFastShare: Double
    public var minimumFastVotes: Int

    public init(
        minimumMilliseconds: Double = 2000, millisecondsPerCharacter: Double = 5,
        maximumFastShare: Double = 0.5, minimumFastVotes: Int = 5
    ) {
        self.minimumMilliseconds = minimumMilliseconds
        self.millisecondsPerCharacter = millisecondsPerCharacter
        self.maximumFastShare = maximumFastShare
        self.minimumFastVotes = minimumFastVotes
    }

    public struct Result: Sendable {
        public var timedVotes: Int
        public var fastVotes: Int
        /// Median time to vote over the timed votes, in milliseconds.
        public var medianMilliseconds: Double
        public var flagged: Bool
        public var fastShare: Double { timedVotes > 0 ? Double(fastVotes) / Double(timedVotes) : 0 }
    }

    /// The reading floor of one vote.
    public func floor(characters: Int?) -> Double {
        guard let characters else { return minimumMilliseconds }
        return max(minimumMilliseconds, millisecondsPerCharacter * Double(characters))
    }

    /// `milliseconds[k]` (NaN when unknown) and `characters[k]` (both outputs,
    /// nil when unknown) for each of a voter's votes.
    public func evaluate(milliseconds: [Double], characters: [Int?]) -> Result? {
        var times: [Double] = []
        var fast = 0
        for (k, ms) in milliseconds.enumerated() where ms.isFinite {
            times.append(ms)
            if ms < floor(characters: characters[k]) { fast += 1 }
        }
        guard !times.isEmpty else { return nil }
        times.sort()
        let median = times.count % 2 == 1
            ? times[times.count / 2] : 0.5 * (times[times.count / 2 - 1] + times[times.count / 2])
        let share = Double(fast) / Double(times.count)
        return Result(
            timedVotes: times.count, fastVotes: fast, medianMilliseconds: median,
            flagged: fast >= minimumFastVotes && share >= maximumFastShare
        )
    }
}
