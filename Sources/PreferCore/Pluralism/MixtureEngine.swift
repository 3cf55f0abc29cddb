import Dispatch
import Foundation

/// One EM run of the mixture of preference types (`BradleyTerryMixture`)
/// with T types on annotator-grouped counts: the state (strengths, shares,
/// posteriors) and the two steps.
///
/// The E-step is O(rows · T) with no transcendental function per row: the
/// log σ(θ_ti − θ_tj) and the gaps are tabulated once per pair and type, and a
/// row's log-likelihood is c·log σ(x) − (c − s)·x; likewise each K-way cell's
/// Plackett–Luce log-likelihood is tabulated once per cell and type
/// (O(T · Σ_cells K·r)), and a K-way row adds c times it. Annotators are split into
/// a number of chunks that depends on the data only (never on the thread
/// count), each with its own per-pair sums added in chunk order, so the
/// numbers are the same on any number of cores. The M-step is one warm-started
/// damped Newton solve per type on its weighted pair counts (`PairwiseProblem`
/// with the ridge), O(pairs + n³) per iteration, usually two iterations; with
/// K-way votes, on the weighted pair and cell counts together
/// (`ChoiceProblem(mixtureType:)`, Plackett–Luce with the ridge),
/// O(pairs + Σ_cells K²·r + n³) per iteration. Without K-way votes every
/// number is the pairwise mixture's, bit for bit.
struct MixtureEngine {
    let data: AnnotatorPairCounts
    let types: Int
    let n: Int
    let pairs: Int
    /// K-way ranking patterns (`AnnotatorPairCounts.cellCount`).
    let cells: Int
    let ridge: Double
    let threads: Int
    /// Per-annotator weights (bootstrap multiplicities); nil = all 1.
    var weights: [Double]?
    let chunks: [Range<Int>]

    /// Natural-log strengths, row-major T × n.
    var theta: [Double]
    var shares: [Double]
    /// Posterior type probabilities, row-major U × T.
    var posteriors: [Double]

    /// Weighted per-pair sums of the last E-step: scores and counts, T × pairs.
    var scoreSums: [Double]
    var countSums: [Double]
    /// Weighted votes per K-way cell of the last E-step, T × cells.
    var cellSums: [Double]
    var shareSums: [Double]

    init(data: AnnotatorPairCounts, types: Int, ridge: Double, threads: Int, weights: [Double]? = nil) {
        self.data = data
        self.types = types
        n = data.contenderCount
        pairs = data.pairCount
        cells = data.cellCount
        self.ridge = ridge
        self.threads = max(1, threads)
        self.weights = weights
        // Enough chunks to keep two or more cores busy, few enough that their
        // per-pair sums (2·T·pairs each) stay small next to the rows they cover.
        let u = data.voterCount
        let byRows = max(1, (data.rowCount + data.kwayRowCount) / max(1, 4 * types * max(pairs + cells, 1)))
        let count = max(1, min(16, byRows, u))
        chunks = (0..<count).map { k in (k * u / count)..<((k + 1) * u / count) }
        theta = Array(repeating: 0, count: types * n)
        shares = Array(repeating: 1 / Double(types), count: types)
        posteriors = Array(repeating: 1 / Double(types), count: u * types)
        scoreSums = Array(repeating: 0, count: types * pairs)
        countSums = Array(repeating: 0, count: types * pairs)
        cellSums = Array(repeating: 0, count: types * cells)
        shareSums = Array(repeating: 0, count: types)
    }

    /// A random hard assignment of annotators to types, then an M-step.
    mutating func startRandomly(_ rng: inout Xoshiro256) {
        let u = data.voterCount
        for k in 0..<posteriors.count { posteriors[k] = 0 }
        for v in 0..<u { posteriors[v * types + rng.nextIndex(below: types)] = 1 }
        _ = sweep(updatePosteriors: false)
        maximize()
    }

    /// Starts from given strengths and shares.
    mutating func start(theta: [Double], shares: [Double]) {
        self.theta = theta
        self.shares = shares
    }

    /// One EM iteration; returns the penalised objective at the parameters it started from.
    mutating func iterate() -> Double {
        let objective = sweep(updatePosteriors: true)
        maximize()
        return objective
    }

    /// Σ_u w_u log Σ_t π_t exp ℓ_u(t) − (ρ/2)‖θ‖² at the current parameters,
    /// refreshing the posteriors and the weighted sums.
    mutating func evaluate() -> Double {
        sweep(updatePosteriors: true)
    }

    /// The penalty (ρ/2)‖θ‖².
    var penalty: Double { 0.5 * ridge * theta.reduce(0) { $0 + $1 * $1 } }

    /// E-step (when `updatePosteriors`) and the weighted sums; returns the
    /// penalised objective (meaningful only when the posteriors were updated).
    @discardableResult
    mutating func sweep(updatePosteriors: Bool) -> Double {
        let t = types
        let p = pairs
        // Tabulate log σ(x) and x per type and pair.
        var gapTable = [Double](repeating: 0, count: t * p)
        for k in 0..<t {
            for q in 0..<p {
                gapTable[k * p + q] = theta[k * n + Int(data.first[q])] - theta[k * n + Int(data.second[q])]
            }
        }
        let gap = gapTable
        let logSigma = gap.map { PairwiseProblem.logSigmoid($0) }
        let cellLL = cellLogLikelihoods()
        let m = cells
        let logShares = shares.map { Foundation.log(max($0, 1e-300)) }
        let chunkCount = chunks.count
        // Per chunk: pair scores and counts (2·T·pairs), cell counts (T·cells), shares (T), objective.
        let stride = 2 * t * p + t * m + t + 1
        let partial = SharedBuffer<Double>(repeating: 0, count: chunkCount * stride)
        defer { partial.deallocate() }
        let cellBase = 2 * t * p
        let shareBase = cellBase + t * m
        let chunks = chunks
        let data = data
        let weights = weights
        let work: @Sendable (Int, UnsafeSendableBuffer<Double>) -> Void = { c, shared in
            let posteriors = shared.buffer
            let out = partial.slice((c * stride)..<((c + 1) * stride))
            data.start.withUnsafeBufferPointer { start in
            data.pair.withUnsafeBufferPointer { pair in
            data.score.withUnsafeBufferPointer { score in
            data.count.withUnsafeBufferPointer { count in
            data.kwayStart.withUnsafeBufferPointer { kwayStart in
            data.kwayCell.withUnsafeBufferPointer { kwayCell in
            data.kwayCount.withUnsafeBufferPointer { kwayCount in
            cellLL.withUnsafeBufferPointer { cellLL in
            logSigma.withUnsafeBufferPointer { logSigma in
            gap.withUnsafeBufferPointer { gap in
                var ll = [Double](repeating: 0, count: t)
                var objective = 0.0
                for u in chunks[c] {
                    let w = weights?[u] ?? 1
                    if w == 0 { continue }
                    let rows = start[u]..<start[u + 1]
                    let kwayRows = kwayStart[u]..<kwayStart[u + 1]
                    if updatePosteriors {
                        for k in 0..<t {
                            var sum = logShares[k]
                            let base = k * p
                            for r in rows {
                                let q = base + Int(pair[r])
                                sum += count[r] * logSigma[q] - (count[r] - score[r]) * gap[q]
                            }
                            for r in kwayRows { sum += kwayCount[r] * cellLL[k * m + Int(kwayCell[r])] }
                            ll[k] = sum
                        }
                        var top = ll[0]
                        for k in 1..<t { top = max(top, ll[k]) }
                        var total = 0.0
                        for k in 0..<t {
                            ll[k] = Foundation.exp(ll[k] - top)
                            total += ll[k]
                        }
                        objective += w * (top + Foundation.log(total))
                        for k in 0..<t { posteriors[u * t + k] = ll[k] / total }
                    }
                    for k in 0..<t {
                        let weight = w * posteriors[u * t + k]
                        out[shareBase + k] += weight
                        if weight == 0 { continue }
                        let base = k * p
                        for r in rows {
                            let q = base + Int(pair[r])
                            out[q] += weight * score[r]
                            out[t * p + q] += weight * count[r]
                        }
                        for r in kwayRows { out[cellBase + k * m + Int(kwayCell[r])] += weight * kwayCount[r] }
                    }
                }
                out[stride - 1] = objective
            }}}}}}}}}}
        }
        posteriors.withUnsafeMutableBufferPointer { buffer in
            let shared = UnsafeSendableBuffer(buffer)
            if threads > 1 && chunkCount > 1 {
                DispatchQueue.concurrentPerform(iterations: chunkCount) { c in work(c, shared) }
            } else {
                for c in 0..<chunkCount { work(c, shared) }
            }
        }
        for k in 0..<(t * p) {
            scoreSums[k] = 0
            countSums[k] = 0
        }
        for k in 0..<(t * m) { cellSums[k] = 0 }
        for k in 0..<t { shareSums[k] = 0 }
        var objective = 0.0
        for c in 0..<chunkCount {
            let base = c * stride
            for k in 0..<(t * p) {
                scoreSums[k] += partial[base + k]
                countSums[k] += partial[base + t * p + k]
            }
            for k in 0..<(t * m) { cellSums[k] += partial[base + cellBase + k] }
            for k in 0..<t { shareSums[k] += partial[base + shareBase + k] }
            objective += partial[base + stride - 1]
        }
        return objective - penalty
    }

    /// Each K-way cell's Plackett–Luce log-likelihood per type (T × cells):
    /// Σ_{s<r} [θ_{m_s} − log Σ_{p≥s} e^{θ_{m_p}}], the sums over the members
    /// left taken from the last one back (suffix sums), with e^{θ − max θ}
    /// so that nothing overflows. O(T · Σ_cells K).
    func cellLogLikelihoods() -> [Double] {
        guard cells > 0 else { return [] }
        var out = [Double](repeating: 0, count: types * cells)
        var e = [Double](repeating: 0, count: n)
        var suffix = [Double](repeating: 0, count: KWayVotes.maximumCandidates + 1)
        for k in 0..<types {
            let row = theta[(k * n)..<((k + 1) * n)]
            let top = row.max() ?? 0
            for c in 0..<n { e[c] = Foundation.exp(theta[k * n + c] - top) }
            for cell in 0..<cells {
                let start = Int(data.cellOffsets[cell])
                let size = Int(data.cellOffsets[cell + 1]) - start
                suffix[size] = 0
                for q in stride(from: size - 1, through: 0, by: -1) {
                    suffix[q] = suffix[q + 1] + e[Int(data.cellMembers[start + q])]
                }
                var ll = 0.0
                for s in 0..<Int(data.cellStages[cell]) {
                    ll += theta[k * n + Int(data.cellMembers[start + s])] - top - Foundation.log(suffix[s])
                }
                out[k * cells + cell] = ll
            }
        }
        return out
    }

    /// M-step: shares from the posterior sums, strengths by a weighted
    /// Bradley–Terry fit per type (Plackett–Luce with K-way votes), warm-started.
    mutating func maximize() {
        let total = shareSums.reduce(0, +)
        for k in 0..<types { shares[k] = total > 0 ? shareSums[k] / total : 1 / Double(types) }
        if cells > 0 {
            for k in 0..<types {
                let problem = ChoiceProblem(
                    mixtureType: n, first: data.first, second: data.second,
                    scores: scoreSums[(k * pairs)..<((k + 1) * pairs)], totals: countSums[(k * pairs)..<((k + 1) * pairs)],
                    cellMembers: data.cellMembers, cellOffsets: data.cellOffsets, cellStages: data.cellStages,
                    cellCounts: cellSums[(k * cells)..<((k + 1) * cells)], ridge: ridge)
                let solution = problem.newton(
                    from: Array(theta[(k * n)..<((k + 1) * n)]), tolerance: 1e-10, maxIterations: 50)
                for c in 0..<n { theta[k * n + c] = solution.beta[c] }
            }
            return
        }
        for k in 0..<types {
            let range = (k * pairs)..<((k + 1) * pairs)
            let problem = PairwiseProblem(
                n: n, i: data.first, j: data.second,
                s: Array(scoreSums[range]), t: Array(countSums[range]),
                multiplicity: 1, ridge: ridge
            )
            let solution = problem.newton(
                from: Array(theta[(k * n)..<((k + 1) * n)]), tolerance: 1e-10, maxIterations: 50)
            for c in 0..<n { theta[k * n + c] = solution.theta[c] }
        }
    }
}

/// A mutable buffer shared by workers that write disjoint parts of it.
struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
