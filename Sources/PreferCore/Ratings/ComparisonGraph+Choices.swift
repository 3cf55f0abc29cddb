extension ComparisonGraph {
    /// The graphs of pairwise and K-way votes together. A K-way vote connects
    /// all its candidates; in its scoring graph each ranked candidate scored
    /// against everyone placed below it (Hunter 2004, Assumption 1 for
    /// Plackett–Luce: the MLE is finite exactly when, within each component,
    /// every contender reaches every other along such edges). Pairwise ties
    /// score both ways. O(pairs + Σ cells K·stages), scoring edges kept once
    /// per ordered pair.
    public init(_ counts: ChoiceCounts) {
        let n = counts.contenderCount
        var links: [(Int32, Int32)] = []
        var outEdges = [[Int32]](repeating: [], count: n)
        var seen = DirectedPairSet(contenders: n)
        func score(_ i: Int32, _ j: Int32) {
            if seen.insert(i, j) { outEdges[Int(i)].append(j) }
        }
        let pairs = counts.pairs
        for p in 0..<pairs.pairCount where pairs.total(p) > 0 {
            let i = pairs.first[p]
            let j = pairs.second[p]
            links.append((i, j))
            let s = pairs.score(p)
            if s > 0 { score(i, j) }
            if pairs.total(p) - s > 0 { score(j, i) }
        }
        for c in 0..<counts.cellCount where counts.cellCounts[c] > 0 {
            let start = Int(counts.cellOffsets[c])
            let end = Int(counts.cellOffsets[c + 1])
            for p in (start + 1)..<end { links.append((counts.cellMembers[start], counts.cellMembers[p])) }
            for s in 0..<Int(counts.cellStages[c]) {
                let winner = counts.cellMembers[start + s]
                for p in (start + s + 1)..<end { score(winner, counts.cellMembers[p]) }
            }
        }
        self.init(contenderCount: n, links: links, scoring: outEdges)
    }
}

/// A set of ordered contender pairs: a bit matrix for up to 4,096
/// contenders, a hash set beyond.
struct DirectedPairSet {
    private let n: Int
    private var bits: [UInt64]
    private var sparse: Set<UInt64> = []

    init(contenders n: Int) {
        self.n = n
        bits = n <= 4096 ? Array(repeating: 0, count: (n * n + 63) / 64) : []
    }

    /// Adds (i, j); true if it was new.
    mutating func insert(_ i: Int32, _ j: Int32) -> Bool {
        if !bits.isEmpty {
            let k = Int(i) * n + Int(j)
            let mask: UInt64 = 1 << UInt64(k & 63)
            if bits[k >> 6] & mask != 0 { return false }
            bits[k >> 6] |= mask
            return true
        }
        return sparse.insert(UInt64(UInt32(bitPattern: i)) << 32 | UInt64(UInt32(bitPattern: j))).inserted
    }
}
