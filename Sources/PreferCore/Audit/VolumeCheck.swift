import Foundation

/// More votes than the arena allows: per voter per day, and on one contender.
///
/// - Daily: the most votes the voter cast in one UTC calendar day, against
///   `maximumPerDay` (a hard rule; needs timestamps). The default, 1,000, is
///   more than eight hours of non-stop voting at 30 s a vote — no person
///   reads that much; set it to the arena's own limit.
/// - Concentration: the share of a voter's votes that involve one
///   contender, against the share of everyone else's votes that do — an
///   exact binomial upper tail, Bonferroni-corrected over the contenders the
///   voter met. An arena that draws pairs at random shows every voter each
///   contender about equally often; a voter who re-rolls battles until their
///   favourite appears does not. Cost: O(votes) per voter.
public struct VolumeCheck: Sendable {
    public var maximumPerDay: Int
    public var minimumVotesOnContender: Int

    public init(maximumPerDay: Int = 1000, minimumVotesOnContender: Int = 10) {
        self.maximumPerDay = maximumPerDay
        self.minimumVotesOnContender = minimumVotesOnContender
    }

    public struct Daily: Sendable {
        /// The busiest UTC day (days since 1970) and its vote count.
        public var day: Int
        public var votes: Int
        public var flagged: Bool
        public var date: String {
            let d = Date(timeIntervalSince1970: Double(day) * 86_400)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let c = calendar.dateComponents([.year, .month, .day], from: d)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
    }

    public struct Concentration: Sendable {
        public var contender: Int32
        public var votes: Int
        public var expected: Double
        public var pValue: Double
    }

    /// `timestamps` in seconds since 1970 (NaN when unknown).
    public func daily(_ timestamps: [Double]) -> Daily? {
        var perDay: [Int: Int] = [:]
        for t in timestamps where t.isFinite { perDay[Int(Foundation.floor(t / 86_400)), default: 0] += 1 }
        guard let busiest = perDay.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }) else { return nil }
        return Daily(day: busiest.key, votes: busiest.value, flagged: busiest.value > maximumPerDay)
    }

    /// The voter's most over-represented contender. `own[c]` counts the
    /// voter's votes involving c; `all[c]` everyone's (voter included), of
    /// `allVotes` votes.
    public func concentration(own: [Int32: Int], voterVotes: Int, all: [Int], allVotes: Int) -> Concentration? {
        let others = allVotes - voterVotes
        guard voterVotes > 0, others > 0 else { return nil }
        var best: Concentration?
        for (c, k) in own.sorted(by: { $0.key < $1.key }) where k >= minimumVotesOnContender {
            let share = min(1, max(0, Double(all[Int(c)] - k) / Double(others)))
            let p = BinomialTail.upper(k, n: voterVotes, p: max(share, 1e-9))
            if best == nil || p < best!.pValue {
                best = Concentration(contender: c, votes: k, expected: share * Double(voterVotes), pValue: p)
            }
        }
        guard var found = best else { return nil }
        found.pValue = min(1, found.pValue * Double(own.count))
        return found
    }
}
