/// The sufficient statistics of the Plackett–Luce fit: pairwise votes as
/// per-pair counts (`PairCounts`) and K-way votes as *cells*, the distinct
/// (ranking pattern, weight) combinations with their vote counts.
///
/// A K-way vote is a sequence of choices (Plackett 1975; Luce 1959): the
/// best among all K candidates, then the best among the rest, and so on for
/// as many places as the voter ranked (at most K − 1). A cell stores its
/// members ranked first, in rank order, then the unranked ones in index
/// order, and `stages` = how many choices the vote holds; votes with the same
/// members, places and weight share a cell whatever order the candidates
/// were shown in. The likelihood, its derivatives and the bootstrap's
/// resampling depend on the votes only through these counts. Building them
/// is one pass over the votes with a hash table keyed by the cell's
/// members: O(Σ K) expected time.
public struct ChoiceCounts: Sendable {
    /// Contender names, indexed as in the vote table.
    public let contenders: [String]
    /// The pairwise votes.
    public let pairs: PairCounts
    /// Cell members, concatenated: ranked ones in rank order, then unranked by index.
    public internal(set) var cellMembers: [Int32]
    /// Cell c's members are `cellMembers[cellOffsets[c]..<cellOffsets[c + 1]]`.
    public internal(set) var cellOffsets: [Int32]
    /// Choices per cell: min(ranked places, K − 1).
    public internal(set) var cellStages: [UInt8]
    /// The weight of each of the cell's votes.
    public internal(set) var cellWeights: [Double]
    /// Votes in each cell.
    public internal(set) var cellCounts: [Int]
    /// Votes each contender took part in (pairwise and K-way).
    public internal(set) var contenderVotes: [Int]
    /// K-way votes.
    public let kwayVotes: Int

    public var contenderCount: Int { contenders.count }
    public var cellCount: Int { cellStages.count }
    /// All votes: pairwise (self-battles excluded) and K-way.
    public var totalVotes: Int { pairs.totalVotes + kwayVotes }

    public init(_ table: VoteTable) {
        pairs = PairCounts(table)
        contenders = table.contenders
        let n = table.contenders.count
        var contenderVotes = pairs.contenderVotes
        let kway = table.kway
        kwayVotes = kway.count
        var cellMembers: [Int32] = []
        var cellOffsets: [Int32] = [0]
        var cellStages: [UInt8] = []
        var cellWeights: [Double] = []
        var cellCounts: [Int] = []

        cellMembers.reserveCapacity(kway.candidates.count)
        cellOffsets.reserveCapacity(kway.count + 1)
        cellStages.reserveCapacity(kway.count)
        cellWeights.reserveCapacity(kway.count)
        cellCounts.reserveCapacity(kway.count)
        var index = CellIndex(capacity: kway.count)
        var members: [Int32] = []
        for row in 0..<kway.count {
            let k = kway.k(at: row)
            let ranked = kway.choiceOrder(at: row, into: &members)
            for id in members { contenderVotes[Int(id)] += 1 }
            let stages = UInt8(min(ranked, k - 1))
            let weight = kway.weight(at: row)
            let found = members.withUnsafeBufferPointer { m in
                index.find(m, stages: stages, weight: weight, members: cellMembers, offsets: cellOffsets, stages: cellStages, weights: cellWeights)
            }
            if let cell = found.cell {
                cellCounts[cell] += 1
            } else {
                index.insert(slot: found.slot, tag: found.tag, cell: cellStages.count)
                cellMembers += members
                cellOffsets.append(Int32(cellMembers.count))
                cellStages.append(stages)
                cellWeights.append(weight)
                cellCounts.append(1)
            }
        }
        precondition(contenderVotes.count == n)
        self.contenderVotes = contenderVotes
        self.cellMembers = cellMembers
        self.cellOffsets = cellOffsets
        self.cellStages = cellStages
        self.cellWeights = cellWeights
        self.cellCounts = cellCounts
    }

    /// Counts with the same cells and pairs, rebuilt from a resample's vote
    /// count per pairwise cell (`pairCellCounts`) and per K-way cell.
    init(resampling base: ChoiceCounts, pairCellCounts: UnsafeBufferPointer<UInt32>, cellCounts counts: UnsafeBufferPointer<UInt32>) {
        contenders = base.contenders
        pairs = PairCounts(resampling: base.pairs, cellCounts: pairCellCounts)
        cellMembers = base.cellMembers
        cellOffsets = base.cellOffsets
        cellStages = base.cellStages
        cellWeights = base.cellWeights
        cellCounts = counts.map(Int.init)
        var contenderVotes = pairs.contenderVotes
        var votes = 0
        for c in 0..<base.cellCount where counts[c] > 0 {
            votes += Int(counts[c])
            for p in Int(base.cellOffsets[c])..<Int(base.cellOffsets[c + 1]) {
                contenderVotes[Int(base.cellMembers[p])] += Int(counts[c])
            }
        }
        kwayVotes = votes
        self.contenderVotes = contenderVotes
    }

    /// Cell c's members (ranked first, best first).
    public func members(ofCell c: Int) -> ArraySlice<Int32> {
        cellMembers[Int(cellOffsets[c])..<Int(cellOffsets[c + 1])]
    }

    /// Each contender's implied pairwise record: in a ranking, a ranked
    /// candidate beats everyone placed below it (ranked lower or unranked);
    /// unranked candidates are not compared with each other. Pairwise votes
    /// count as they are (ties half). Weighted. Returns (points, comparisons).
    public func impliedRecord() -> (points: [Double], comparisons: [Double]) {
        let n = contenderCount
        var points = [Double](repeating: 0, count: n)
        var comparisons = [Double](repeating: 0, count: n)
        for p in 0..<pairs.pairCount {
            let a = Int(pairs.first[p])
            let b = Int(pairs.second[p])
            points[a] += pairs.score(p)
            points[b] += pairs.total(p) - pairs.score(p)
            comparisons[a] += pairs.total(p)
            comparisons[b] += pairs.total(p)
        }
        for c in 0..<cellCount {
            let w = Double(cellCounts[c]) * cellWeights[c]
            let start = Int(cellOffsets[c])
            let k = Int(cellOffsets[c + 1]) - start
            let r = Int(cellStages[c])
            for position in 0..<k {
                let id = Int(cellMembers[start + position])
                if position < r {
                    points[id] += w * Double(k - 1 - position)
                    comparisons[id] += w * Double(k - 1)
                } else {
                    comparisons[id] += w * Double(r)
                }
            }
        }
        return (points, comparisons)
    }
}

/// Open-addressing hash table from a K-way cell's (members, stages, weight)
/// to its index, comparing members against `ChoiceCounts.cellMembers`. One
/// 64-bit word per slot (the hash's high half and the cell index + 1), so a
/// probe costs one cache miss.
private struct CellIndex {
    private var slots: [UInt64]
    private var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < 2 * max(capacity, 1) { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    private static func hash(_ members: UnsafeBufferPointer<Int32>, stages: UInt8, weight: Double) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* (UInt64(stages) &+ 1) ^ weight.bitPattern
        for id in members {
            h = (h ^ UInt64(UInt32(bitPattern: id))) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        return h
    }

    /// The cell holding these members, or nil and the slot where it would go.
    func find(
        _ members: UnsafeBufferPointer<Int32>, stages: UInt8, weight: Double,
        members cellMembers: [Int32], offsets: [Int32], stages cellStages: [UInt8], weights: [Double]
    ) -> (cell: Int?, slot: Int, tag: UInt64) {
        let h = Self.hash(members, stages: stages, weight: weight)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
            if slots[i] & 0xFFFF_FFFF_0000_0000 == tag {
                let c = Int(slots[i] & 0xFFFF_FFFF) - 1
                let start = Int(offsets[c])
                if cellStages[c] == stages && weights[c] == weight
                    && Int(offsets[c + 1]) - start == members.count
                    && (0..<members.count).allSatisfy({ cellMembers[start + $0] == members[$0] }) {
                    return (c, i, tag)
                }
            }
            i = (i + 1) & mask
        }
        return (nil, i, tag)
    }

    mutating func insert(slot: Int, tag: UInt64, cell: Int) {
        slots[slot] = tag | UInt64(cell + 1)
    }
}
