import Foundation

/// Refits one bootstrap resample with the full-data estimator: chord
/// (simplified-Newton) steps from θ̂ with the full-data information matrix
/// factored once, or, where that cannot work, `BradleyTerry.fit` itself.
struct BootstrapRound: Sendable {
    let counts: PairCounts
    let fit: BradleyTerryFit
    let n: Int
    /// Pairs sorted by (first, second) contender, so the gradient of a
    /// contender's run of pairs accumulates in a register.
    let pairA: [Int32]
    let pairB: [Int32]
    /// Start of each contender's run in the sorted pairs (n + 1 entries).
    let runStart: [Int32]
    /// Per draw position: the cell's (sorted) pair, its score per vote (w·{1, 0, ½}) and weight.
    let positionPair: [Int32]
    let positionScore: [Double]
    let positionWeight: [Double]
    /// Draw position → cell index.
    let order: [Int32]
    let chord: Cholesky?
    let penalized: Bool
    let multiplicity: Double
    let ridge: Double
    let tolerance: Double
    let maxChordSteps = 40
    /// Convergence of a round: the largest step in natural log-strength units
    /// (10⁻⁷ ≈ 2·10⁻⁵ Elo, far below the Monte Carlo error of a percentile).
    static let roundTolerance = 1e-7

    init(counts: PairCounts, fit: BradleyTerryFit, order: [Int32]) {
        self.counts = counts
        self.fit = fit
        self.order = order
        n = counts.contenderCount
        let sortedPairs = (0..<counts.pairCount).sorted {
            (counts.first[$0], counts.second[$0]) < (counts.first[$1], counts.second[$1])
        }
        var rank = [Int32](repeating: 0, count: counts.pairCount)
        for (k, p) in sortedPairs.enumerated() { rank[p] = Int32(k) }
        pairA = sortedPairs.map { counts.first[$0] }
        pairB = sortedPairs.map { counts.second[$0] }
        var runStart = [Int32](repeating: 0, count: counts.contenderCount + 1)
        for a in pairA { runStart[Int(a) + 1] += 1 }
        for k in 0..<counts.contenderCount { runStart[k + 1] += runStart[k] }
        self.runStart = runStart
        positionPair = order.map { rank[Int(counts.cells[Int($0)].pair)] }
        positionScore = order.map { k in
            let cell = counts.cells[Int(k)]
            switch cell.kind {
            case .firstWins: return cell.weight
            case .secondWins: return 0
            case .tie: return 0.5 * cell.weight
            }
        }
        positionWeight = order.map { counts.cells[Int($0)].weight }
        let estimator = fit.estimator
        penalized = estimator.l2 > 0
        multiplicity = estimator.multiplicity
        ridge = estimator.ridge
        tolerance = max(estimator.tolerance, Self.roundTolerance)
        // The chord iteration needs one problem over everyone with a finite MLE.
        let single = fit.graph.componentCount == 1 && fit.componentMethods == [.maximumLikelihood]
            && !fit.provisional.contains(true)
        if penalized || single {
            let problem = PairwiseProblem(counts, members: Array(0..<n), multiplicity: multiplicity, ridge: ridge)
            chord = problem.definiteFactor(problem.information(fit.theta))
        } else {
            chord = nil
        }
    }

    struct Scratch {
        var s: [Double]
        var t: [Double]
        var theta: [Double]
        var e: [Double]
        var g: [Double]
        var score: [Double]
        var total: [Double]
        var cellCounts: [UInt32]
        var anderson: AndersonMixer
    }

    func makeScratch() -> Scratch {
        Scratch(
            s: Array(repeating: 0, count: pairA.count),
            t: Array(repeating: 0, count: pairA.count),
            theta: Array(repeating: 0, count: n),
            e: Array(repeating: 0, count: n),
            g: Array(repeating: 0, count: n),
            score: Array(repeating: 0, count: n),
            total: Array(repeating: 0, count: n),
            cellCounts: Array(repeating: 0, count: order.count),
            anderson: AndersonMixer(dimension: n, memory: 3)
        )
    }

    /// Fits the resample whose cell counts (in draw-position order) are
    /// `cellCounts`, writing Elo ratings (NaN for absent contenders) to `out`.
    func fitRound(
        cellCounts: UnsafeBufferPointer<UInt32>,
        scratch: inout Scratch,
        into out: UnsafeMutableBufferPointer<Double>
    ) -> (iterations: Int, fullFit: Bool) {
        if let chord, let steps = chordFit(cellCounts, chord, &scratch) {
            let c = fit.estimator.eloPerNat
            let base = fit.estimator.initialRating
            if let a = fit.anchorIndex, let anchor = fit.estimator.anchor {
                let ta = scratch.theta[a]
                for k in 0..<n { out[k] = anchor.rating + c * (scratch.theta[k] - ta) }
            } else {
                for k in 0..<n { out[k] = base + c * scratch.theta[k] }
            }
            for k in 0..<n where scratch.total[k] == 0 { out[k] = .nan }
            return (steps, false)
        }
        return (fullFit(cellCounts, &scratch, into: out), true)
    }

    /// Chord steps θ ← θ + H₀⁻¹ ∇ℓ(θ) from θ̂; nil if the resample needs the full fit.
    private func chordFit(_ x: UnsafeBufferPointer<UInt32>, _ chord: Cholesky, _ scratch: inout Scratch) -> Int? {
        let pairs = pairA.count
        let n = self.n
        let m = multiplicity
        let ridge = self.ridge
        var anderson = scratch.anderson
        defer { scratch.anderson = anderson }
        return scratch.s.withUnsafeMutableBufferPointer { s in
            scratch.t.withUnsafeMutableBufferPointer { t in
                scratch.theta.withUnsafeMutableBufferPointer { theta in
                    scratch.e.withUnsafeMutableBufferPointer { e in
                        scratch.g.withUnsafeMutableBufferPointer { g in
                            scratch.score.withUnsafeMutableBufferPointer { score in
                                scratch.total.withUnsafeMutableBufferPointer { total in
                                    positionPair.withUnsafeBufferPointer { pp in
                                        positionScore.withUnsafeBufferPointer { ps in
                                            positionWeight.withUnsafeBufferPointer { pw in
                                                pairA.withUnsafeBufferPointer { pa in
                                                    pairB.withUnsafeBufferPointer { pb in
                                                      runStart.withUnsafeBufferPointer { run in
                                                        fit.theta.withUnsafeBufferPointer { start -> Int? in
                                                            // Pair scores and totals of this resample.
                                                            for p in 0..<pairs {
                                                                s[p] = 0
                                                                t[p] = 0
                                                            }
                                                            for position in 0..<x.count {
                                                                let c = Double(x[position])
                                                                let p = Int(pp[position])
                                                                s[p] += c * ps[position]
                                                                t[p] += c * pw[position]
                                                            }
                                                            for k in 0..<n {
                                                                score[k] = 0
                                                                total[k] = 0
                                                            }
                                                            for p in 0..<pairs {
                                                                let a = Int(pa[p])
                                                                let b = Int(pb[p])
                                                                score[a] += s[p]
                                                                score[b] += t[p] - s[p]
                                                                total[a] += t[p]
                                                                total[b] += t[p]
                                                            }
                                                            if ridge == 0 {
                                                                for k in 0..<n where total[k] <= 0 || score[k] <= 0 || score[k] >= total[k] {
                                                                    return nil
                                                                }
                                                            }
                                                            for k in 0..<n { theta[k] = start[k] }
                                                            anderson.reset()
                                                            for step in 1...maxChordSteps {
                                                                for k in 0..<n {
                                                                    e[k] = Foundation.exp(theta[k])
                                                                    g[k] = -ridge * theta[k]
                                                                }
                                                                for a in 0..<n {
                                                                    let ea = e[a]
                                                                    var ga = 0.0
                                                                    for p in Int(run[a])..<Int(run[a + 1]) {
                                                                        let b = Int(pb[p])
                                                                        let r = m * (s[p] - t[p] * ea / (ea + e[b]))
                                                                        ga += r
                                                                        g[b] -= r
                                                                    }
                                                                    g[a] += ga
                                                                }
                                                                chord.solve(g)
                                                                var largest = 0.0
                                                                for k in 0..<n { largest = max(largest, Swift.abs(g[k])) }
                                                                if !largest.isFinite { return nil }
                                                                if largest < tolerance {
                                                                    for k in 0..<n { theta[k] += g[k] }
                                                                    return step
                                                                }
                                                                anderson.step(theta, g)
                                                            }
                                                            return nil
                                                        }
                                                      }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The full estimator on the resample, aligned to the full-data scale.
    private func fullFit(_ x: UnsafeBufferPointer<UInt32>, _ scratch: inout Scratch, into out: UnsafeMutableBufferPointer<Double>) -> Int {
        for position in 0..<x.count { scratch.cellCounts[Int(order[position])] = x[position] }
        let resample = scratch.cellCounts.withUnsafeBufferPointer { PairCounts(resampling: counts, cellCounts: $0) }
        guard let refit = try? fit.estimator.fit(resample) else {
            for k in 0..<n { out[k] = .nan }
            return 0
        }
        var ratings = refit.ratings
        let present = (0..<n).map { resample.contenderVotes[$0] > 0 }
        if !penalized {
            for c in 0..<refit.graph.componentCount {
                let members = refit.graph.members(of: c).filter { present[$0] }
                guard !members.isEmpty else { continue }
                let shift: Double
                if let a = fit.anchorIndex, let anchor = fit.estimator.anchor, members.contains(a) {
                    shift = anchor.rating - ratings[a]
                } else {
                    shift = members.reduce(0) { $0 + fit.ratings[$1] - ratings[$1] } / Double(members.count)
                }
                for k in members { ratings[k] += shift }
            }
        } else if let a = fit.anchorIndex, !present[a] {
            let members = (0..<n).filter { present[$0] }
            let shift = members.reduce(0) { $0 + fit.ratings[$1] - ratings[$1] } / Double(max(members.count, 1))
            for k in members { ratings[k] += shift }
        }
        for k in 0..<n { out[k] = present[k] ? ratings[k] : .nan }
        return refit.iterations
    }
}
