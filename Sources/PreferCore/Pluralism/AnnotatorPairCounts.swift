/// Votes grouped by annotator, and within an annotator by unordered pair
/// and by K-way ranking pattern: the sufficient statistics of every model in
/// which an annotator's votes share a latent variable (the mixture of
/// preference types, its bootstrap over annotators).
///
/// Pairwise rows `start[u]..<start[u + 1]` belong to annotator `u`; a row
/// holds one pair the annotator judged (an index into `first`/`second`), the
/// first contender's weighted score there (wins plus half the ties) and the
/// weighted number of votes. K-way rows `kwayStart[u]..<kwayStart[u + 1]`
/// hold one ranking pattern (a *cell*, as in `ChoiceCounts`: the members
/// ranked first, best first, then the unranked ones by index, and how many
/// choices the vote makes, min(ranked, K − 1)) and the weighted number of
/// the annotator's votes with that pattern. Votes without a voter are left
/// out and counted in `votesWithoutVoter`; self-battles are ignored.
/// Annotators are numbered in order of first appearance among the pairwise
/// votes, then among the K-way ones. Built in O(votes + Σ K) plus a sort of
/// each annotator's rows, O(votes · log(votes per annotator)).
public struct AnnotatorPairCounts: Sendable {
    /// Contender names, indexed as in the vote table.
    public let contenders: [String]
    /// Annotator names in order of first appearance.
    public let voters: [String]
    /// The unordered pairs that any annotator judged (`first` < `second`).
    public internal(set) var first: [Int32]
    public internal(set) var second: [Int32]
    /// Row ranges per annotator: `start.count == voters.count + 1`.
    public internal(set) var start: [Int]
    /// Per row: the pair, the first contender's score and the votes.
    public internal(set) var pair: [Int32]
    public internal(set) var score: [Double]
    public internal(set) var count: [Double]
    /// The K-way ranking patterns any annotator gave: cell c's members are
    /// `cellMembers[cellOffsets[c]..<cellOffsets[c + 1]]`, ranked ones first
    /// (best first), and it makes `cellStages[c]` choices.
    public internal(set) var cellMembers: [Int32] = []
    public internal(set) var cellOffsets: [Int32] = [0]
    public internal(set) var cellStages: [UInt8] = []
    /// K-way row ranges per annotator: `kwayStart.count == voters.count + 1`.
    public internal(set) var kwayStart: [Int] = []
    /// Per K-way row: the cell and the weighted number of votes.
    public internal(set) var kwayCell: [Int32] = []
    public internal(set) var kwayCount: [Double] = []
    /// Votes per annotator, pairwise and K-way (unweighted).
    public internal(set) var votesPerVoter: [Int]
    /// Votes used, pairwise and K-way (unweighted).
    public internal(set) var totalVotes: Int
    /// K-way votes used (unweighted).
    public internal(set) var kwayVotes: Int = 0
    public internal(set) var votesWithoutVoter: Int
    public internal(set) var selfBattles: Int

    public var voterCount: Int { voters.count }
    public var contenderCount: Int { contenders.count }
    public var pairCount: Int { first.count }
    public var rowCount: Int { pair.count }

    public var cellCount: Int { cellStages.count }
    public var kwayRowCount: Int { kwayCell.count }

    /// Groups `table`'s votes, pairwise and K-way, by their `voters` columns
    /// (empty when neither has one).
    public init(_ table: VoteTable) {
        contenders = table.contenders
        first = []
        second = []
        start = [0]
        pair = []
        score = []
        count = []
        votesWithoutVoter = 0
        selfBattles = 0
        // Number the voters in order of first appearance among usable votes: pairwise, then K-way.
        var names: [String] = []
        var perVoter: [Int] = []
        var indexOf: [String: Int32] = [:]
        func voterIndex(_ name: String) -> Int32 {
            if let u = indexOf[name] { return u }
            let u = Int32(names.count)
            indexOf[name] = u
            names.append(name)
            perVoter.append(0)
            return u
        }
        var rowVoter = [Int32](repeating: -1, count: table.count)
        if let column = table.voters {
            var voterOf = [Int32](repeating: -1, count: column.values.count)
            for row in 0..<table.count {
                let code = column.codes[row]
                guard code >= 0 else {
                    votesWithoutVoter += 1
                    continue
                }
                if table.a[row] == table.b[row] {
                    selfBattles += 1
                    continue
                }
                if voterOf[Int(code)] < 0 { voterOf[Int(code)] = voterIndex(column.values[Int(code)]) }
                let u = voterOf[Int(code)]
                rowVoter[row] = u
                perVoter[Int(u)] += 1
            }
        } else {
            votesWithoutVoter += table.count
        }
        let pairwiseVotes = perVoter.reduce(0, +)
        let kway = table.kway
        var kwayVoter = [Int32](repeating: -1, count: kway.count)
        if let column = kway.voters {
            var voterOf = [Int32](repeating: -1, count: column.values.count)
            for row in 0..<kway.count {
                let code = column.codes[row]
                guard code >= 0 else {
                    votesWithoutVoter += 1
                    continue
                }
                if voterOf[Int(code)] < 0 { voterOf[Int(code)] = voterIndex(column.values[Int(code)]) }
                let u = voterOf[Int(code)]
                kwayVoter[row] = u
                perVoter[Int(u)] += 1
            }
        } else {
            votesWithoutVoter += kway.count
        }
        voters = names
        votesPerVoter = perVoter
        totalVotes = perVoter.reduce(0, +)
        kwayVotes = totalVotes - pairwiseVotes
        let u = names.count
        // Counting sort of the pairwise votes by annotator.
        var pairsPerVoter = [Int](repeating: 0, count: u)
        for row in 0..<table.count where rowVoter[row] >= 0 { pairsPerVoter[Int(rowVoter[row])] += 1 }
        var offset = [Int](repeating: 0, count: u + 1)
        for v in 0..<u { offset[v + 1] = offset[v] + pairsPerVoter[v] }
        var next = offset
        var sorted = [Int](repeating: 0, count: pairwiseVotes)
        for row in 0..<table.count where rowVoter[row] >= 0 {
            let v = Int(rowVoter[row])
            sorted[next[v]] = row
            next[v] += 1
        }
        // Per annotator, merge repeated pairs.
        var slotOf = PairSlotIndex(contenders: contenders.count)
        var local: [(pair: Int32, score: Double, count: Double)] = []
        pair.reserveCapacity(pairwiseVotes)
        score.reserveCapacity(pairwiseVotes)
        count.reserveCapacity(pairwiseVotes)
        start.reserveCapacity(u + 1)
        for v in 0..<u {
            local.removeAll(keepingCapacity: true)
            for k in offset[v]..<offset[v + 1] {
                let row = sorted[k]
                let x = table.a[row]
                let y = table.b[row]
                let i = min(x, y)
                let j = max(x, y)
                let slot = slotOf.slot(i, j) {
                    first.append(i)
                    second.append(j)
                }
                let w = table.weight(at: row)
                let s = x == i ? table.outcomes[row].scoreForA : 1 - table.outcomes[row].scoreForA
                local.append((Int32(slot), w * s, w))
            }
            local.sort { $0.pair < $1.pair }
            var k = 0
            while k < local.count {
                var s = local[k].score
                var c = local[k].count
                var m = k + 1
                while m < local.count && local[m].pair == local[k].pair {
                    s += local[m].score
                    c += local[m].count
                    m += 1
                }
                pair.append(local[k].pair)
                score.append(s)
                count.append(c)
                k = m
            }
            start.append(pair.count)
        }
        groupKWay(kway, voterOf: kwayVoter)
    }

    /// The K-way rows: each usable vote's pattern (a cell, shared by every
    /// annotator who gave it) with its weight, merged per annotator. O(Σ K)
    /// expected (a hash of each pattern) plus a sort of each annotator's rows.
    private mutating func groupKWay(_ kway: KWayVotes, voterOf kwayVoter: [Int32]) {
        let u = voters.count
        kwayStart = [0]
        kwayStart.reserveCapacity(u + 1)
        guard kwayVotes > 0 else {
            kwayStart += Array(repeating: 0, count: u)
            return
        }
        var cellOf: [[Int32]: Int32] = [:]
        var rows = [[(cell: Int32, count: Double)]](repeating: [], count: u)
        var members: [Int32] = []
        for row in 0..<kway.count where kwayVoter[row] >= 0 {
            let k = kway.k(at: row)
            let ranked = kway.choiceOrder(at: row, into: &members)
            let stages = Int32(min(ranked, k - 1))
            // The key: the members, then the number of choices.
            let key = members + [-1 - stages]
            let cell: Int32
            if let found = cellOf[key] {
                cell = found
            } else {
                cell = Int32(cellStages.count)
                cellOf[key] = cell
                cellMembers += members
                cellOffsets.append(Int32(cellMembers.count))
                cellStages.append(UInt8(stages))
            }
            rows[Int(kwayVoter[row])].append((cell, kway.weight(at: row)))
        }
        for v in 0..<u {
            var local = rows[v]
            local.sort { $0.cell < $1.cell }
            var k = 0
            while k < local.count {
                var c = local[k].count
                var m = k + 1
                while m < local.count && local[m].cell == local[k].cell {
                    c += local[m].count
                    m += 1
                }
                kwayCell.append(local[k].cell)
                kwayCount.append(c)
                k = m
            }
            kwayStart.append(kwayCell.count)
        }
    }

    /// Cell c's members: ranked ones first, best first, then the unranked.
    public func members(ofCell c: Int) -> ArraySlice<Int32> {
        cellMembers[Int(cellOffsets[c])..<Int(cellOffsets[c + 1])]
    }

    /// The annotator index of each pairwise vote row of `table` (the table
    /// this was built from), -1 where the vote has no voter or is a self-battle.
    public func voterIndex(in table: VoteTable) -> [Int32] {
        guard let column = table.voters else { return Array(repeating: -1, count: table.count) }
        var index: [String: Int32] = [:]
        for (u, name) in voters.enumerated() { index[name] = Int32(u) }
        let byCode = column.values.map { index[$0] ?? -1 }
        return (0..<table.count).map { row in
            let code = column.codes[row]
            return code < 0 || table.a[row] == table.b[row] ? -1 : byCode[Int(code)]
        }
    }

    /// The annotator index of each K-way vote of `table` (the table this was
    /// built from), -1 where the vote has no voter.
    public func kwayVoterIndex(in table: VoteTable) -> [Int32] {
        guard let column = table.kway.voters else { return Array(repeating: -1, count: table.kway.count) }
        var index: [String: Int32] = [:]
        for (u, name) in voters.enumerated() { index[name] = Int32(u) }
        let byCode = column.values.map { index[$0] ?? -1 }
        return (0..<table.kway.count).map { row in
            let code = column.codes[row]
            return code < 0 ? -1 : byCode[Int(code)]
        }
    }
}
