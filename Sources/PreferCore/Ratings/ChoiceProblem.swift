import Dispatch
import Foundation

/// The Plackett–Luce log-likelihood of K-way votes plus the pairwise votes
/// under a tie model, in natural log-strength units θ over contenders
/// renumbered 0..<n, with the tie parameter τ as coordinate n when the tie
/// model has one (β = (θ, τ)).
///
/// - K-way cell with members m₀…m_{K−1} (ranked first), r choices and
///   weighted count c: c·Σ_{s<r} [θ_{m_s} − log Σ_{p≥s} e^{θ_{m_p}}]
///   (Plackett 1975; Luce 1959).
/// - Pairwise votes, per pair with weighted wins wᵢ, wⱼ and ties t:
///   `half`: (wᵢ + t/2) log σ(θᵢ−θⱼ) + (wⱼ + t/2) log σ(θⱼ−θᵢ), which is
///   Bradley–Terry and also Plackett–Luce on two candidates;
///   `davidson` (τ = log ν): a choice among i, j and "tie" with utilities θᵢ,
///   θⱼ and τ + (θᵢ+θⱼ)/2;
///   `raoKupper` (τ = log θ_RK > 0): wᵢ log σ(d−τ) + wⱼ log σ(−d−τ)
///   + t [log σ(τ−d) + log σ(τ+d) + log(1 − e^{−2τ})], d = θᵢ − θⱼ.
///
/// Every term is concave in β, so Newton's method with step halving
/// converges to the maximum. The likelihood is invariant to shifting θ
/// within a connected group of contenders; `groups` lists them, and solves
/// add uᵤuᵤᵀ (u = the group's indicator) to the information so that each
/// group's Σθ stays where it started. One evaluation of the gradient is
/// O(pairs + Σ cells K); of the information O(pairs + Σ cells K²·r).
struct ChoiceProblem: Sendable {
    let n: Int
    /// The tie model in effect (`half` when there is no tie to fit).
    let ties: TieModel
    var hasTie: Bool { ties != .half }
    var dimension: Int { hasTie ? n + 1 : n }

    // Pairwise votes per pair (local ids): weighted wins of i, of j, and ties.
    var pairI: [Int32] = []
    var pairJ: [Int32] = []
    var winsI: [Double] = []
    var winsJ: [Double] = []
    var pairTies: [Double] = []

    // K-way cells (local ids) and their weighted counts.
    var members: [Int32] = []
    var offsets: [Int32] = [0]
    var stages: [UInt8] = []
    var counts: [Double] = []

    /// Per contender: choices won in K-way cells (pairwise votes have their own terms).
    var wins: [Double]
    /// Groups of contenders (local indices) whose θ are identified only up to a shift.
    var groups: [[Int]]
    /// A ridge: (ρ/2)‖θ‖² is subtracted from ℓ (the mixture of types' M-step,
    /// `ChoiceProblem(mixtureType:)`); 0 for the Plackett–Luce fit. With a
    /// ridge the information is definite and `groups` are not needed.
    var ridge = 0.0

    /// The sub-problem over `contenders` (global indices, renumbered in this
    /// order) with centring groups `groups` (local indices).
    init(_ counts: ChoiceCounts, contenders: [Int], groups: [[Int]], ties requested: TieModel) {
        var local = [Int32](repeating: -1, count: counts.contenderCount)
        for (k, m) in contenders.enumerated() { local[m] = Int32(k) }
        n = contenders.count
        self.groups = groups
        let pairs = counts.pairs
        var tieTotal = 0.0
        for p in 0..<pairs.pairCount {
            let a = local[Int(pairs.first[p])]
            let b = local[Int(pairs.second[p])]
            guard a >= 0, b >= 0, pairs.total(p) > 0 else { continue }
            pairI.append(a)
            pairJ.append(b)
            winsI.append(pairs.firstWins[p])
            winsJ.append(pairs.secondWins[p])
            pairTies.append(pairs.ties[p])
            tieTotal += pairs.ties[p]
        }
        ties = requested.hasParameter && tieTotal > 0 ? requested : .half
        wins = Array(repeating: 0, count: n)
        for c in 0..<counts.cellCount where counts.cellCounts[c] > 0 {
            let range = Int(counts.cellOffsets[c])..<Int(counts.cellOffsets[c + 1])
            guard range.allSatisfy({ local[Int(counts.cellMembers[$0])] >= 0 }) else { continue }
            let w = Double(counts.cellCounts[c]) * counts.cellWeights[c]
            for p in range { members.append(local[Int(counts.cellMembers[p])]) }
            offsets.append(Int32(members.count))
            stages.append(counts.cellStages[c])
            self.counts.append(w)
            for s in 0..<Int(counts.cellStages[c]) { wins[Int(local[Int(counts.cellMembers[range.lowerBound + s])])] += w }
        }
    }

    /// A starting point: θ = 0 and the tie parameter that matches the tie
    /// share when all strengths are equal.
    func start() -> [Double] {
        var beta = [Double](repeating: 0, count: dimension)
        guard hasTie else { return beta }
        let t = pairTies.reduce(0, +)
        let total = t + winsI.reduce(0, +) + winsJ.reduce(0, +)
        let share = min(max(t / total, 1e-6), 1 - 1e-6)
        switch ties {
        case .davidson: beta[n] = Foundation.log(2 * share / (1 - share))
        case .raoKupper: beta[n] = Foundation.log((1 + share) / (1 - share))
        case .half: break
        }
        return beta
    }

    /// e^{θ − shift} per contender, with shift = max θ (so nothing overflows).
    func exponentials(_ beta: [Double]) -> (e: [Double], shift: Double) {
        var shift = -Double.infinity
        for k in 0..<n { shift = max(shift, beta[k]) }
        if !shift.isFinite { shift = 0 }
        return ((0..<n).map { Foundation.exp(beta[$0] - shift) }, shift)
    }

    // MARK: - Likelihood and derivatives

    /// The K-way cells in at most eight fixed ranges, summed in parallel and
    /// then in order, so results do not depend on the number of threads.
    func cellChunks(matrixSize: Int = 0) -> [Range<Int>] {
        let cells = stages.count
        var parts = min(8, cells / 16_384)
        if matrixSize > 0 { parts = min(parts, max(1, 8_000_000 / matrixSize)) }
        guard parts > 1 else { return [0..<cells] }
        return (0..<parts).map { (cells * $0 / parts)..<(cells * ($0 + 1) / parts) }
    }

    /// Runs `body` on each chunk, on all cores when there are several.
    func forEachChunk(_ chunks: [Range<Int>], _ body: @Sendable (Int, Range<Int>) -> Void) {
        if chunks.count == 1 {
            body(0, chunks[0])
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks.count) { body($0, chunks[$0]) }
        }
    }

    /// ℓ(β) and, if asked, ∇ℓ(β) in one pass over the cells.
    func evaluate(_ beta: [Double], gradient wantGradient: Bool = true) -> (ll: Double, gradient: [Double]) {
        if ties == .raoKupper && !(beta[n] > 0) { return (-.infinity, Array(repeating: .nan, count: dimension)) }
        let (e, shift) = exponentials(beta)
        let chunks = cellChunks()
        let n = self.n
        let partialLL = SharedBuffer<Double>(repeating: 0, count: chunks.count)
        let partialAcc = SharedBuffer<Double>(repeating: 0, count: wantGradient ? chunks.count * n : 0)
        defer {
            partialLL.deallocate()
            partialAcc.deallocate()
        }
        let problem = self
        forEachChunk(chunks) { chunk, range in
            problem.members.withUnsafeBufferPointer { m in
                var ll = 0.0
                for c in range {
                    let start = Int(problem.offsets[c])
                    let end = Int(problem.offsets[c + 1])
                    var total = 0.0
                    for p in start..<end { total += e[Int(m[p])] }
                    var sum = 0.0
                    var running = 0.0
                    let w = problem.counts[c]
                    let r = Int(problem.stages[c])
                    for s in 0..<r {
                        let id = Int(m[start + s])
                        sum += Foundation.log(total)
                        if wantGradient {
                            running += w / total
                            partialAcc[chunk * n + id] += running
                        }
                        total -= e[id]
                    }
                    if wantGradient {
                        for p in (start + r)..<end { partialAcc[chunk * n + Int(m[p])] += running }
                    }
                    ll -= w * (sum + Double(r) * shift)
                }
                partialLL[chunk] = ll
            }
        }
        var ll = 0.0
        for chunk in chunks.indices { ll += partialLL[chunk] }
        for k in 0..<n { ll += wins[k] * beta[k] }
        for p in pairI.indices { ll += pairLogLikelihood(p, beta) }
        if ridge > 0 { for k in 0..<n { ll -= 0.5 * ridge * beta[k] * beta[k] } }
        guard wantGradient else { return (ll, []) }
        var g = [Double](repeating: 0, count: dimension)
        for k in 0..<n {
            var acc = 0.0
            for chunk in chunks.indices { acc += partialAcc[chunk * n + k] }
            g[k] = wins[k] - e[k] * acc
        }
        for p in pairI.indices {
            let i = Int(pairI[p])
            let j = Int(pairJ[p])
            let (gi, gt) = pairGradient(p, beta)
            g[i] += gi
            g[j] -= gi
            if hasTie { g[n] += gt }
        }
        if ridge > 0 { for k in 0..<n { g[k] -= ridge * beta[k] } }
        return (ll, g)
    }

    func logLikelihood(_ beta: [Double]) -> Double { evaluate(beta, gradient: false).ll }

    /// ∇ℓ at β.
    func gradient(_ beta: [Double]) -> [Double] { evaluate(beta).gradient }

    /// Pair `p`'s term of ℓ.
    @inline(__always)
    func pairLogLikelihood(_ p: Int, _ beta: [Double]) -> Double {
        let i = Int(pairI[p])
        let j = Int(pairJ[p])
        let t = pairTies[p]
        switch ties {
        case .half:
            let x = beta[i] - beta[j]
            return (winsI[p] + 0.5 * t) * PairwiseProblem.logSigmoid(x) + (winsJ[p] + 0.5 * t) * PairwiseProblem.logSigmoid(-x)
        case .davidson:
            let d = 0.5 * (beta[i] - beta[j])
            let phi = beta[n]
            let top = max(Swift.abs(d), phi)
            let logD = top + Foundation.log(Foundation.exp(d - top) + Foundation.exp(-d - top) + Foundation.exp(phi - top))
            return winsI[p] * d - winsJ[p] * d + t * phi - (winsI[p] + winsJ[p] + t) * logD
        case .raoKupper:
            let d = beta[i] - beta[j]
            let eta = beta[n]
            var ll = winsI[p] * PairwiseProblem.logSigmoid(d - eta) + winsJ[p] * PairwiseProblem.logSigmoid(-d - eta)
            if t > 0 {
                ll += t * (PairwiseProblem.logSigmoid(eta - d) + PairwiseProblem.logSigmoid(eta + d) + Foundation.log(-Foundation.expm1(-2 * eta)))
            }
            return ll
        }
    }

    /// acc[i] += Σ over the choices whose set holds i of c / Σ_set e: the
    /// Plackett–Luce part of the gradient is wins − e ⊙ acc. O(Σ K).
    @inline(__always)
    static func accumulate(
        members m: UnsafeBufferPointer<Int32>, offsets o: UnsafeBufferPointer<Int32>, stages r: UnsafeBufferPointer<UInt8>,
        counts c: UnsafeBufferPointer<Double>, e: UnsafeBufferPointer<Double>, into acc: UnsafeMutableBufferPointer<Double>
    ) {
        for cell in 0..<r.count {
            let start = Int(o[cell])
            let end = Int(o[cell + 1])
            var total = 0.0
            for p in start..<end { total += e[Int(m[p])] }
            var running = 0.0
            let stages = Int(r[cell])
            let w = c[cell]
            for s in 0..<stages {
                let id = Int(m[start + s])
                running += w / total
                acc[id] += running
                total -= e[id]
            }
            for p in (start + stages)..<end { acc[Int(m[p])] += running }
        }
    }

    /// The pairwise part of the gradient of pair `p`: ∂/∂θᵢ (= −∂/∂θⱼ) and ∂/∂τ.
    @inline(__always)
    func pairGradient(_ p: Int, _ beta: [Double]) -> (Double, Double) {
        let i = Int(pairI[p])
        let j = Int(pairJ[p])
        let wi = winsI[p]
        let wj = winsJ[p]
        let t = pairTies[p]
        switch ties {
        case .half:
            let q = PairwiseProblem.sigmoid(beta[i] - beta[j])
            return ((wi + 0.5 * t) - (wi + wj + t) * q, 0)
        case .davidson:
            let (pi, _, pt) = davidsonProbabilities(beta[i], beta[j], beta[n])
            let total = wi + wj + t
            return (wi + 0.5 * t - total * (pi + 0.5 * pt), t - total * pt)
        case .raoKupper:
            let d = beta[i] - beta[j]
            let eta = beta[n]
            let a = PairwiseProblem.sigmoid(eta - d)  // 1 − σ(d − η)
            let b = PairwiseProblem.sigmoid(d + eta)  // 1 − σ(−d − η)
            let tieD = -PairwiseProblem.sigmoid(d - eta) + PairwiseProblem.sigmoid(-eta - d)
            let tieEta = PairwiseProblem.sigmoid(d - eta) + PairwiseProblem.sigmoid(-eta - d) + 2 / Foundation.expm1(2 * eta)
            return (wi * a - wj * b + t * tieD, -wi * a - wj * b + t * tieEta)
        }
    }

    /// Davidson's P(i wins), P(j wins), P(tie).
    @inline(__always)
    func davidsonProbabilities(_ thetaI: Double, _ thetaJ: Double, _ phi: Double) -> (Double, Double, Double) {
        let d = 0.5 * (thetaI - thetaJ)
        let top = max(Swift.abs(d), phi)
        let ei = Foundation.exp(d - top)
        let ej = Foundation.exp(-d - top)
        let et = Foundation.exp(phi - top)
        let total = ei + ej + et
        return (ei / total, ej / total, et / total)
    }

    /// The observed information −∇²ℓ at β (row-major, dimension²). Cells
    /// add their upper triangle, summed in parallel chunks.
    func information(_ beta: [Double]) -> [Double] {
        let d = dimension
        let (e, _) = exponentials(beta)
        let chunks = cellChunks(matrixSize: d * d)
        let partial = SharedBuffer<Double>(repeating: 0, count: chunks.count * d * d)
        defer { partial.deallocate() }
        let problem = self
        forEachChunk(chunks) { chunk, range in
            let h = partial.slice((chunk * d * d)..<((chunk + 1) * d * d))
            var p = [Double](repeating: 0, count: KWayVotes.maximumCandidates)
            var ids = [Int](repeating: 0, count: KWayVotes.maximumCandidates)
            for c in range {
                let start = Int(problem.offsets[c])
                let end = Int(problem.offsets[c + 1])
                var total = 0.0
                for q in start..<end { total += e[Int(problem.members[q])] }
                let w = problem.counts[c]
                for s in 0..<Int(problem.stages[c]) {
                    let size = end - start - s
                    for k in 0..<size {
                        ids[k] = Int(problem.members[start + s + k])
                        p[k] = e[ids[k]] / total
                    }
                    for k in 0..<size {
                        let a = ids[k]
                        let wp = w * p[k]
                        h[a * d + a] += wp * (1 - p[k])
                        for l in (k + 1)..<max(k + 1, size) {
                            let b = ids[l]
                            let v = wp * p[l]
                            if a < b { h[a * d + b] -= v } else { h[b * d + a] -= v }
                        }
                    }
                    total -= e[Int(problem.members[start + s])]
                }
            }
        }
        var h = [Double](repeating: 0, count: d * d)
        for chunk in chunks.indices {
            for x in 0..<(d * d) { h[x] += partial[chunk * d * d + x] }
        }
        for a in 0..<d {
            for b in (a + 1)..<max(a + 1, d) { h[b * d + a] = h[a * d + b] }
        }
        for q in pairI.indices {
            let i = Int(pairI[q])
            let j = Int(pairJ[q])
            let block = pairInformation(q, beta)
            let index = [i, j, n]
            let size = hasTie ? 3 : 2
            for x in 0..<size {
                for y in 0..<size { h[index[x] * d + index[y]] += block[x * 3 + y] }
            }
        }
        if ridge > 0 { for k in 0..<n { h[k * d + k] += ridge } }
        return h
    }

    /// The 3×3 information block of pair `q` over (θᵢ, θⱼ, τ) (row-major;
    /// the τ row and column are zero in `half` mode).
    func pairInformation(_ q: Int, _ beta: [Double]) -> [Double] {
        let i = Int(pairI[q])
        let j = Int(pairJ[q])
        let wi = winsI[q]
        let wj = winsJ[q]
        let t = pairTies[q]
        var block = [Double](repeating: 0, count: 9)
        switch ties {
        case .half:
            let s = PairwiseProblem.sigmoid(beta[i] - beta[j])
            let v = (wi + wj + t) * s * (1 - s)
            block[0] = v
            block[4] = v
            block[1] = -v
            block[3] = -v
        case .davidson:
            // Multinomial logit over {i, j, tie} with design vectors
            // xᵢ = (1,0,0), xⱼ = (0,1,0), x_tie = (½,½,1): N (Σ p x xᵀ − x̄ x̄ᵀ).
            let (pi, pj, pt) = davidsonProbabilities(beta[i], beta[j], beta[n])
            let total = wi + wj + t
            let second: [Double] = [pi + pt / 4, pt / 4, pt / 2, pt / 4, pj + pt / 4, pt / 2, pt / 2, pt / 2, pt]
            let mean = [pi + pt / 2, pj + pt / 2, pt]
            for x in 0..<3 {
                for y in 0..<3 { block[x * 3 + y] = total * (second[x * 3 + y] - mean[x] * mean[y]) }
            }
        case .raoKupper:
            let d = beta[i] - beta[j]
            let eta = beta[n]
            func add(_ weight: Double, _ x: Double, _ alpha: (Double, Double, Double)) {
                guard weight > 0 else { return }
                let v = weight * PairwiseProblem.sigmoid(x) * PairwiseProblem.sigmoid(-x)
                let a = [alpha.0, alpha.1, alpha.2]
                for r in 0..<3 {
                    for s in 0..<3 { block[r * 3 + s] += v * a[r] * a[s] }
                }
            }
            add(wi, d - eta, (1, -1, -1))
            add(wj, -d - eta, (-1, 1, -1))
            add(t, eta - d, (-1, 1, 1))
            add(t, eta + d, (1, -1, 1))
            if t > 0 {
                let x = Foundation.expm1(2 * eta)
                block[8] += t * 4 * (x + 1) / (x * x)
            }
        }
        return block
    }

    /// Factors the information made definite by adding uᵤuᵤᵀ for each group
    /// (the likelihood's flat directions); solves then keep each group's Σθ.
    func definiteFactor(_ information: [Double]) -> Cholesky? {
        var m = information
        let d = dimension
        for group in groups {
            for a in group {
                for b in group { m[a * d + b] += 1 }
            }
        }
        return Cholesky(m, n: d)
    }

    /// Newton keeps its information once a full step is below this (in
    /// log-strength) and the steps shrink at least tenfold.
    static let chordFrom = 1e-2

    struct Solution {
        var beta: [Double]
        var iterations: Int
        var gradientNorm: Double
        var converged: Bool
    }

    /// Damped Newton: β ← β + α·(−∇²ℓ)⁻¹∇ℓ with α halved until ℓ does not
    /// decrease. Converged when the largest step is below `tolerance`. One
    /// pass for ℓ and ∇ℓ at each trial point and one for the information at
    /// each accepted one — until the steps are small (`chordFrom`): from then
    /// on the last information is kept (chord steps, which converge at rate
    /// ≈ the relative change of the information over the remaining steps,
    /// ~10⁻³ per step here) and refreshed only when a step fails to shrink
    /// tenfold. That saves the two costliest passes of a typical fit; the
    /// stopping rule is unchanged.
    func newton(from start: [Double], tolerance: Double, maxIterations: Int) -> Solution {
        var beta = start
        var (ll, g) = evaluate(beta)
        var iterations = 0
        var converged = false
        let d = dimension
        var chord: Cholesky?
        var previous = Double.infinity
        while iterations < maxIterations {
            iterations += 1
            if chord == nil {
                chord = definiteFactor(information(beta))
            }
            guard let chol = chord else { break }
            var delta = g
            chol.solve(&delta)
            var step = 1.0
            var candidate = beta
            var trial = (ll: ll, gradient: g)
            while true {
                for k in 0..<d { candidate[k] = beta[k] + step * delta[k] }
                trial = evaluate(candidate)
                if trial.ll >= ll - 1e-12 * Swift.abs(ll) || step < 1e-10 { break }
                step *= 0.5
            }
            let largest = delta.reduce(0) { max($0, Swift.abs($1)) } * step
            if trial.ll.isFinite {
                beta = candidate
                ll = trial.ll
                g = trial.gradient
            }
            if largest < tolerance {
                converged = true
                break
            }
            // Keep the factor once a full step is small and the steps shrink fast.
            if !(step == 1 && largest < Self.chordFrom && largest < 0.1 * previous) { chord = nil }
            previous = largest
        }
        let norm = g.reduce(0) { max($0, Swift.abs($1)) }
        return Solution(beta: beta, iterations: iterations, gradientNorm: norm, converged: converged)
    }

    /// A starting point near the estimate: Bradley–Terry on the pairwise
    /// comparisons the votes imply (each choice's pick beats the others in
    /// its set; ties as half wins), a few Newton steps on O(n²) pairs. nil
    /// when that is not finite (the caller starts from zero).
    func rankBreakingStart() -> [Double]? {
        guard n > 1, n <= 2048, !stages.isEmpty else { return nil }
        var score = [Double](repeating: 0, count: n * n)
        for c in 0..<stages.count {
            let start = Int(offsets[c])
            let end = Int(offsets[c + 1])
            let w = counts[c]
            for s in 0..<Int(stages[c]) {
                let winner = Int(members[start + s])
                for p in (start + s + 1)..<end { score[winner * n + Int(members[p])] += w }
            }
        }
        for p in pairI.indices {
            let i = Int(pairI[p])
            let j = Int(pairJ[p])
            score[i * n + j] += winsI[p] + 0.5 * pairTies[p]
            score[j * n + i] += winsJ[p] + 0.5 * pairTies[p]
        }
        var i: [Int32] = []
        var j: [Int32] = []
        var s: [Double] = []
        var t: [Double] = []
        for a in 0..<n {
            for b in (a + 1)..<n where score[a * n + b] + score[b * n + a] > 0 {
                i.append(Int32(a))
                j.append(Int32(b))
                s.append(score[a * n + b])
                t.append(score[a * n + b] + score[b * n + a])
            }
        }
        let pairs = PairwiseProblem(n: n, i: i, j: j, s: s, t: t, multiplicity: 1, ridge: 0)
        let solution = pairs.newton(from: Array(repeating: 0, count: n), tolerance: 1e-4, maxIterations: 12)
        guard solution.theta.allSatisfy({ $0.isFinite && Swift.abs($0) < 30 }) else { return nil }
        var beta = solution.theta
        // Each group keeps Σθ = 0, where the solver holds it.
        for group in groups {
            let mean = group.reduce(0) { $0 + beta[$1] } / Double(group.count)
            for k in group { beta[k] -= mean }
        }
        if hasTie { beta.append(start()[n]) }
        return beta
    }
}
