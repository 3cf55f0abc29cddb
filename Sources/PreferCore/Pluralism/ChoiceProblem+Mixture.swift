extension ChoiceProblem {
    /// One type's M-step of the mixture of preference types
    /// (`BradleyTerryMixture`) on pairwise and K-way votes: the posterior-
    /// weighted pair counts (i's score `s` of `t` votes; ties already half a
    /// win, so the pairwise term is Bradley–Terry), the posterior-weighted
    /// counts of the K-way cells, and the ridge ρ — a penalised Plackett–Luce
    /// likelihood over all `n` contenders, definite for ρ > 0, so no
    /// centring groups are needed. Cells and pairs with no weight are left out.
    init(
        mixtureType n: Int, first: [Int32], second: [Int32], scores: ArraySlice<Double>, totals: ArraySlice<Double>,
        cellMembers: [Int32], cellOffsets: [Int32], cellStages: [UInt8], cellCounts: ArraySlice<Double>, ridge: Double
    ) {
        self.n = n
        ties = .half
        groups = []
        self.ridge = ridge
        wins = Array(repeating: 0, count: n)
        for (q, (s, t)) in zip(scores, totals).enumerated() where t > 0 {
            pairI.append(first[q])
            pairJ.append(second[q])
            winsI.append(s)
            winsJ.append(t - s)
            pairTies.append(0)
        }
        for (c, w) in cellCounts.enumerated() where w > 0 {
            let range = Int(cellOffsets[c])..<Int(cellOffsets[c + 1])
            members += cellMembers[range]
            offsets.append(Int32(members.count))
            stages.append(cellStages[c])
            counts.append(w)
            for s in 0..<Int(cellStages[c]) { wins[Int(cellMembers[range.lowerBound + s])] += w }
        }
    }
}
