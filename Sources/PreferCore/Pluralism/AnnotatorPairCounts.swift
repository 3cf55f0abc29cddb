/// Votes grouped by annotator, and within an annotator by unordered pair:
/// the sufficient statistics of every model in which an annotator's votes
/// share a latent variable (the Bradley–Terry mixture, its bootstrap over
/// annotators).
///
/// Rows `start[u]..<start[u + 1]` belong to annotator `u`; a row holds one
/// pair the annotator judged (an index into `first`/`second`), the first
/// contender's weighted score there (wins plus half the ties) and the
/// weighted number of votes. Votes without a voter are left out and counted
/// in `votesWithoutVoter`; self-battles are ignored. Built in O(votes) plus a
/// sort of each annotator's rows, O(votes · log(votes per annotator)).
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
    /// Votes per annotator (unweighted).
    public internal(set) var votesPerVoter: [Int]
    /// Votes used (unweighted).
    public internal(set) var totalVotes: Int
    public internal(set) var votesWithoutVoter: Int
    public internal(set) var selfBattles: Int

    public var voterCount: Int { voters.count }
    public var contenderCount: Int { contenders.count }
    public var pairCount: Int { first.count }
    public var rowCount: Int { pair.count }

    /// Groups `table`'s votes by its `voters` column (empty when it has none).
    public init(_ table: VoteTable) {
        contenders = table.contenders
        first = []
        second = []
        start = [0]
        pair = []
        score = []
        count = []
        votesPerVoter = []
        totalVotes = 0
        votesWithoutVoter = 0
        selfBattles = 0
        guard let column = table.voters else {
            voters = []
            votesWithoutVoter = table.count
            return
        }
        // Renumber the voter codes in order of first appearance among usable votes.
        var voterOf = [Int32](repeating: -1, count: column.values.count)
        var names: [String] = []
        var perVoter: [Int] = []
        var rowVoter = [Int32](repeating: -1, count: table.count)
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
            if voterOf[Int(code)] < 0 {
                voterOf[Int(code)] = Int32(names.count)
                names.append(column.values[Int(code)])
                perVoter.append(0)
            }
            let u = voterOf[Int(code)]
            rowVoter[row] = u
            perVoter[Int(u)] += 1
        }
        voters = names
        votesPerVoter = perVoter
        totalVotes = perVoter.reduce(0, +)
        // Counting sort of the votes by annotator.
        var offset = [Int](repeating: 0, count: names.count + 1)
        for u in 0..<names.count { offset[u + 1] = offset[u] + perVoter[u] }
        var next = offset
        var sorted = [Int](repeating: 0, count: totalVotes)
        for row in 0..<table.count where rowVoter[row] >= 0 {
            let u = Int(rowVoter[row])
            sorted[next[u]] = row
            next[u] += 1
        }
        // Per annotator, merge repeated pairs.
        var slotOf = PairSlotIndex(contenders: contenders.count)
        var local: [(pair: Int32, score: Double, count: Double)] = []
        pair.reserveCapacity(totalVotes)
        score.reserveCapacity(totalVotes)
        count.reserveCapacity(totalVotes)
        start.reserveCapacity(names.count + 1)
        for u in 0..<names.count {
            local.removeAll(keepingCapacity: true)
            for k in offset[u]..<offset[u + 1] {
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
    }

    /// The annotator index of each vote row of `table` (the table this was
    /// built from), -1 where the vote has no voter or is a self-battle.
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
}
