/// Win and tie counts of every pair, kept dense so that votes can be added
/// one at a time (a simulated arena, a server counting as votes arrive) and
/// turned into `PairCounts` whenever a fit is wanted.
///
/// Memory O(n²); `add` is O(1); `counts()` is O(n²).
public struct PairTally: Sendable {
    public let contenders: [String]
    /// Per unordered pair i < j (index i·n + j): wins of i, wins of j, ties, both-bad.
    private var cells: [Int]

    public init(contenders: [String]) {
        self.contenders = contenders
        cells = Array(repeating: 0, count: contenders.count * contenders.count * 4)
    }

    public var contenderCount: Int { contenders.count }

    /// Counts one battle: `a` was shown left, `b` right.
    public mutating func add(_ a: Int, _ b: Int, _ outcome: Outcome) {
        precondition(a != b, "a battle needs two different contenders")
        let i = min(a, b)
        let j = max(a, b)
        let seen = a == i ? outcome : outcome.swapped
        let kind: Int
        switch seen {
        case .aWins: kind = 0
        case .bWins: kind = 1
        case .tie: kind = 2
        case .bothBad: kind = 3
        }
        cells[(i * contenders.count + j) * 4 + kind] += 1
    }

    /// Votes on the pair (either order).
    public func votes(_ a: Int, _ b: Int) -> Int {
        let base = (min(a, b) * contenders.count + max(a, b)) * 4
        return cells[base] + cells[base + 1] + cells[base + 2] + cells[base + 3]
    }

    /// The counts every fit reads; pairs in index order.
    public func counts() -> PairCounts {
        PairCounts(tally: self, cells: cells)
    }
}
