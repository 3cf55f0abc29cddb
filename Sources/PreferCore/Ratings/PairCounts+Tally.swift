extension PairCounts {
    /// Counts from a dense tally (`PairTally`): pairs with votes in index
    /// order, unweighted. O(n²).
    init(tally: PairTally, cells tallies: [Int]) {
        let n = tally.contenderCount
        contenders = tally.contenders
        first = []
        second = []
        firstWins = []
        secondWins = []
        ties = []
        bothBad = []
        votes = []
        contenderVotes = Array(repeating: 0, count: n)
        cells = []
        selfBattles = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let base = (i * n + j) * 4
                let w1 = tallies[base]
                let w2 = tallies[base + 1]
                let tie = tallies[base + 2] + tallies[base + 3]
                let total = w1 + w2 + tie
                guard total > 0 else { continue }
                let p = Int32(first.count)
                first.append(Int32(i))
                second.append(Int32(j))
                firstWins.append(Double(w1))
                secondWins.append(Double(w2))
                ties.append(Double(tie))
                bothBad.append(Double(tallies[base + 3]))
                votes.append(total)
                contenderVotes[i] += total
                contenderVotes[j] += total
                if w1 > 0 { cells.append(ResamplingCell(pair: p, kind: .firstWins, weight: 1, count: w1)) }
                if w2 > 0 { cells.append(ResamplingCell(pair: p, kind: .secondWins, weight: 1, count: w2)) }
                if tie > 0 { cells.append(ResamplingCell(pair: p, kind: .tie, weight: 1, count: tie)) }
            }
        }
    }
}
