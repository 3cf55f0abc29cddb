/// Per-pair win and tie counts: the sufficient statistics of every pairwise
/// model Prefer fits (Bradley–Terry with ties as half wins, its bootstrap and
/// its sandwich errors depend on the votes only through them).
///
/// Pairs are unordered (`first` < `second` as contender indices) and listed in
/// order of first appearance; only pairs with at least one vote are kept.
/// Counts are weighted when the votes carry weights. A row that stands for
/// several annotations (`VoteTable.annotations`, aggregated data) counts
/// each of them: in the counts, in `votes`, and as that many draws in its
/// resampling cell, so the bootstrap resamples annotations, not rows, and
/// the sample size is the number of annotations. Aggregation is one pass
/// over the votes, O(votes), with a dense pair index for up to 2,048
/// contenders and a hash map beyond.
public struct PairCounts: Sendable {
    /// Contender names, indexed as in the vote table.
    public let contenders: [String]
    public internal(set) var first: [Int32]
    public internal(set) var second: [Int32]
    /// Weighted wins of `first` over `second`.
    public internal(set) var firstWins: [Double]
    /// Weighted wins of `second` over `first`.
    public internal(set) var secondWins: [Double]
    /// Weighted ties of either kind.
    public internal(set) var ties: [Double]
    /// The "both bad" share of `ties`.
    public internal(set) var bothBad: [Double]
    /// Number of votes (unweighted; annotations, for aggregated rows) per pair.
    public internal(set) var votes: [Int]
    /// Number of votes each contender took part in.
    public internal(set) var contenderVotes: [Int]
    /// The (pair, outcome, weight) cells with their vote counts, which the
    /// bootstrap resamples.
    public internal(set) var cells: [ResamplingCell]
    /// Votes that pitted a contender against itself (ignored).
    public internal(set) var selfBattles: Int

    public var contenderCount: Int { contenders.count }
    public var pairCount: Int { first.count }
    public var totalVotes: Int { votes.reduce(0, +) }

    /// `first`'s score against `second`: wins plus half the ties.
    @inlinable
    public func score(_ pair: Int) -> Double { firstWins[pair] + 0.5 * ties[pair] }

    /// All battles of the pair (weighted).
    @inlinable
    public func total(_ pair: Int) -> Double { firstWins[pair] + secondWins[pair] + ties[pair] }

    /// A resampling cell: one unordered pair, one outcome, one vote weight.
    public struct ResamplingCell: Sendable, Hashable {
        public enum Kind: UInt8, Sendable { case firstWins = 0, secondWins = 1, tie = 2 }
        public var pair: Int32
        public var kind: Kind
        public var weight: Double
        public var count: Int
    }

    public init(_ table: VoteTable) {
        let n = table.contenders.count
        contenders = table.contenders
        first = []
        second = []
        firstWins = []
        secondWins = []
        ties = []
        bothBad = []
        votes = []
        contenderVotes = [Int](repeating: 0, count: n)
        cells = []
        selfBattles = 0

        // Per pair slot: [firstWins, secondWins, tie, bothBad] vote counts.
        var counts: [Int] = []
        var slotOf = PairSlotIndex(contenders: n)
        var weightedCells: [CellKey: Int] = [:]
        let weights = table.weights.flatMap { w in w.allSatisfy { $0 == 1 } ? nil : w }
        let annotations = table.annotations

        table.a.withUnsafeBufferPointer { a in
            table.b.withUnsafeBufferPointer { b in
                table.outcomes.withUnsafeBufferPointer { o in
                    for row in 0..<a.count {
                        let x = a[row]
                        let y = b[row]
                        if x == y {
                            selfBattles += 1
                            continue
                        }
                        let i = min(x, y)
                        let j = max(x, y)
                        let slot = slotOf.slot(i, j) {
                            first.append(i)
                            second.append(j)
                            counts.append(contentsOf: [0, 0, 0, 0])
                        }
                        let m = annotations.map { Int($0[row]) } ?? 1
                        contenderVotes[Int(x)] += m
                        contenderVotes[Int(y)] += m
                        let outcome = x == i ? o[row] : o[row].swapped
                        let kind: Int
                        switch outcome {
                        case .aWins: kind = 0
                        case .bWins: kind = 1
                        case .tie: kind = 2
                        case .bothBad: kind = 3
                        }
                        counts[slot * 4 + kind] += m
                        if let weights {
                            let key = CellKey(pair: Int32(slot), kind: UInt8(min(kind, 2)), weight: weights[row])
                            weightedCells[key, default: 0] += m
                        }
                    }
                }
            }
        }

        let pairs = first.count
        votes = (0..<pairs).map { counts[$0 * 4] + counts[$0 * 4 + 1] + counts[$0 * 4 + 2] + counts[$0 * 4 + 3] }
        if weights == nil {
            firstWins = (0..<pairs).map { Double(counts[$0 * 4]) }
            secondWins = (0..<pairs).map { Double(counts[$0 * 4 + 1]) }
            ties = (0..<pairs).map { Double(counts[$0 * 4 + 2] + counts[$0 * 4 + 3]) }
            bothBad = (0..<pairs).map { Double(counts[$0 * 4 + 3]) }
            for p in 0..<pairs {
                for kind in 0..<3 {
                    let c = kind == 2 ? counts[p * 4 + 2] + counts[p * 4 + 3] : counts[p * 4 + kind]
                    if c > 0 {
                        cells.append(ResamplingCell(pair: Int32(p), kind: .init(rawValue: UInt8(kind))!, weight: 1, count: c))
                    }
                }
            }
        } else {
            firstWins = Array(repeating: 0, count: pairs)
            secondWins = Array(repeating: 0, count: pairs)
            ties = Array(repeating: 0, count: pairs)
            bothBad = Array(repeating: 0, count: pairs)
            cells = weightedCells.map { key, count in
                ResamplingCell(pair: key.pair, kind: .init(rawValue: key.kind)!, weight: key.weight, count: count)
            }.sorted { ($0.pair, $0.kind.rawValue, $0.weight) < ($1.pair, $1.kind.rawValue, $1.weight) }
            for cell in cells {
                let w = cell.weight * Double(cell.count)
                switch cell.kind {
                case .firstWins: firstWins[Int(cell.pair)] += w
                case .secondWins: secondWins[Int(cell.pair)] += w
                case .tie: ties[Int(cell.pair)] += w
                }
            }
            // The both-bad share of the weighted ties, for reporting.
            for row in 0..<table.count where table.outcomes[row] == .bothBad && table.a[row] != table.b[row] {
                let i = min(table.a[row], table.b[row])
                let j = max(table.a[row], table.b[row])
                bothBad[slotOf.existing(i, j)!] += weights![row] * Double(annotations.map { $0[row] } ?? 1)
            }
        }
    }

    /// Counts rebuilt from a resample of `cells` (one count per cell, same order).
    init(resampling base: PairCounts, cellCounts: UnsafeBufferPointer<UInt32>) {
        contenders = base.contenders
        first = base.first
        second = base.second
        let pairs = base.pairCount
        firstWins = Array(repeating: 0, count: pairs)
        secondWins = Array(repeating: 0, count: pairs)
        ties = Array(repeating: 0, count: pairs)
        bothBad = Array(repeating: 0, count: pairs)
        votes = Array(repeating: 0, count: pairs)
        contenderVotes = Array(repeating: 0, count: base.contenderCount)
        cells = base.cells
        selfBattles = 0
        for (k, cell) in base.cells.enumerated() {
            let c = Int(cellCounts[k])
            cells[k].count = c
            let p = Int(cell.pair)
            let w = cell.weight * Double(c)
            switch cell.kind {
            case .firstWins: firstWins[p] += w
            case .secondWins: secondWins[p] += w
            case .tie: ties[p] += w
            }
            votes[p] += c
            contenderVotes[Int(first[p])] += c
            contenderVotes[Int(second[p])] += c
        }
    }

    private struct CellKey: Hashable {
        var pair: Int32
        var kind: UInt8
        var weight: Double
    }
}

/// Maps an unordered contender pair to its slot in `PairCounts`, densely for
/// small arenas and through a hash map for large ones.
struct PairSlotIndex {
    private let n: Int
    private var dense: [Int32]
    private var sparse: [UInt64: Int32] = [:]
    private var next: Int32 = 0

    init(contenders n: Int) {
        self.n = n
        dense = n <= 2048 ? Array(repeating: -1, count: n * n) : []
    }

    /// The slot of (i, j), i < j, calling `created` when the pair is new.
    @inline(__always)
    mutating func slot(_ i: Int32, _ j: Int32, created: () -> Void) -> Int {
        if !dense.isEmpty {
            let key = Int(i) * n + Int(j)
            let s = dense[key]
            if s >= 0 { return Int(s) }
            dense[key] = next
        } else {
            let key = UInt64(i) << 32 | UInt64(j)
            if let s = sparse[key] { return Int(s) }
            sparse[key] = next
        }
        created()
        next += 1
        return Int(next - 1)
    }

    func existing(_ i: Int32, _ j: Int32) -> Int? {
        if !dense.isEmpty {
            let s = dense[Int(i) * n + Int(j)]
            return s >= 0 ? Int(s) : nil
        }
        return sparse[UInt64(i) << 32 | UInt64(j)].map(Int.init)
    }
}
