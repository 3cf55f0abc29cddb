import Foundation

/// LMArena's sequential test for anomalous voters (Chiang et al. 2024,
/// "Chatbot Arena", §5.1, as the arena runs it on every voter).
///
/// For each of a voter's first `maximumVotes` votes, in time order, the
/// p-value of their choice against the pair's record of everyone else's
/// votes: p = (1 + number of recorded outcomes at most as common as this
/// one) / (record size + 1) — a conformal p-value, so a choice most people
/// made gets p = 1 and one nobody made gets 1/(N+1). The evidence is the
/// running product M = Π 1/(2p); the voter is flagged when M exceeds 1/α at
/// any point, for voters with at least `minimumVotes` votes. Outcomes are
/// "first contender wins", "second wins" and "tie" (a both-bad vote is a
/// tie). Cost: O(votes).
///
/// Prefer reports this test beside its own, for comparison with LMArena,
/// but does not use it for its verdict: Π 1/(2p) is not a supermartingale
/// (1/(2p) has expectation above 1 when two outcomes are rare), so its
/// false-flag rate is not controlled; `prefer audit --simulate` measures it.
public struct SequentialOutlierTest: Sendable {
    public var alpha: Double
    public var minimumVotes: Int
    public var maximumVotes: Int

    public init(alpha: Double = 0.05, minimumVotes: Int = 5, maximumVotes: Int = 100) {
        self.alpha = alpha
        self.minimumVotes = minimumVotes
        self.maximumVotes = maximumVotes
    }

    public struct Result: Sendable {
        /// Votes tested (at most `maximumVotes`).
        public var votes: Int
        /// The largest log10 of M along the way.
        public var maxLog10M: Double
        /// The vote (1-based) at which M first exceeded 1/α.
        public var flaggedAt: Int?
        public var flagged: Bool { flaggedAt != nil }
    }

    /// Per unordered pair: counts of (first wins, second wins, tie).
    public struct Record: Sendable {
        var slots: PairSlotIndex
        var counts: [Double]

        public init(contenders: Int, a: [Int32], b: [Int32], outcomes: [Outcome], included: [Bool]) {
            slots = PairSlotIndex(contenders: contenders)
            counts = []
            for row in 0..<a.count where included[row] && a[row] != b[row] {
                let (slot, category) = Self.locate(&slots, &counts, a[row], b[row], outcomes[row])
                counts[3 * slot + category] += 1
            }
        }

        static func locate(
            _ slots: inout PairSlotIndex, _ counts: inout [Double], _ x: Int32, _ y: Int32, _ outcome: Outcome
        ) -> (Int, Int) {
            let i = min(x, y)
            let j = max(x, y)
            let slot = slots.slot(i, j) { counts.append(contentsOf: [0, 0, 0]) }
            return (slot, category(x, y, outcome))
        }

        static func category(_ x: Int32, _ y: Int32, _ outcome: Outcome) -> Int {
            if outcome.isTie { return 2 }
            let leftWon = outcome == .aWins
            return (x < y) == leftWon ? 0 : 1
        }

        func counts(_ x: Int32, _ y: Int32) -> [Double] {
            guard let slot = slots.existing(min(x, y), max(x, y)) else { return [0, 0, 0] }
            return Array(counts[(3 * slot)..<(3 * slot + 3)])
        }
    }

    /// `rows` in time order; `own` flags the rows the record includes (they
    /// are taken out of it, so a voter is never compared with themselves).
    public func evaluate(
        rows: [Int], a: [Int32], b: [Int32], outcomes: [Outcome], record: Record, own: [Bool]
    ) -> Result? {
        guard rows.count >= minimumVotes else { return nil }
        var mine: [UInt64: [Double]] = [:]
        for row in rows where own[row] && a[row] != b[row] {
            let key = UInt64(min(a[row], b[row])) << 32 | UInt64(max(a[row], b[row]))
            var c = mine[key] ?? [0, 0, 0]
            c[Record.category(a[row], b[row], outcomes[row])] += 1
            mine[key] = c
        }
        var logM = 0.0
        var best = -Double.infinity
        var flaggedAt: Int?
        let limit = Foundation.log10(1 / alpha)
        let tested = rows.prefix(maximumVotes)
        for (k, row) in tested.enumerated() {
            let key = UInt64(min(a[row], b[row])) << 32 | UInt64(max(a[row], b[row]))
            var counts = record.counts(a[row], b[row])
            if let own = mine[key] { for c in 0..<3 { counts[c] = max(0, counts[c] - own[c]) } }
            let observed = counts[Record.category(a[row], b[row], outcomes[row])]
            let total = counts.reduce(0, +)
            let atMost = counts.filter { $0 <= observed }.reduce(0, +)
            let p = (1 + atMost) / (total + 1)
            logM += Foundation.log10(1 / (2 * p))
            best = max(best, logM)
            if flaggedAt == nil && logM > limit { flaggedAt = k + 1 }
        }
        return Result(votes: tested.count, maxLog10M: best, flaggedAt: flaggedAt)
    }
}
