import Foundation

extension ChoiceProblem {
    /// Firth's bias-reduced estimate (Firth 1993): the maximiser of
    /// ℓ*(β) = ℓ(β) + ½ log det I(β), Jeffreys' prior as a penalty, used only
    /// where the plain MLE does not exist (a contender never beaten or never
    /// winning, or a group that beat another in every meeting), because it
    /// stays finite whenever the votes connect the contenders (Kosmidis &
    /// Firth 2021 for Bradley–Terry; the same argument holds for
    /// Plackett–Luce, an exponential family in θ). On pairwise votes with
    /// ties as half wins it is `PairwiseProblem.firth`'s estimate.
    ///
    /// The modified score is ∇ℓ + ½ tr(I⁻¹ ∂I/∂βₖ); for a choice among a set
    /// S with probabilities p and count c it adds
    /// ½ c pₖ [Mₖₖ − Σⱼ Mⱼⱼ pⱼ − 2 (Mp)ₖ + 2 pᵀMp] (M = I⁻¹), and the tie
    /// models' terms follow from their third derivatives. Steps are Fisher
    /// scoring with the information, halved until ℓ* does not decrease.
    /// Each iteration is O(d³) for I⁻¹ plus O(pairs + Σ cells K²·r).
    func firth(from start: [Double], tolerance: Double, maxIterations: Int) -> Solution {
        var beta = start
        let d = dimension

        func penalised(_ beta: [Double]) -> Double? {
            let ll = logLikelihood(beta)
            guard ll.isFinite, let chol = definiteFactor(information(beta)) else { return nil }
            return ll + 0.5 * chol.logDeterminant
        }

        guard var objective = penalised(beta) else {
            return Solution(beta: beta, iterations: 0, gradientNorm: .infinity, converged: false)
        }
        var iterations = 0
        var converged = false
        var lastScore = [Double](repeating: .infinity, count: d)
        while iterations < maxIterations {
            iterations += 1
            guard let chol = definiteFactor(information(beta)) else { break }
            let score = modifiedScore(beta, inverse: chol.inverse())
            lastScore = score
            var delta = score
            chol.solve(&delta)
            var size = 1.0
            var candidate = beta
            var value = objective
            while true {
                for k in 0..<d { candidate[k] = beta[k] + size * delta[k] }
                if let v = penalised(candidate), v >= objective - 1e-12 * Swift.abs(objective) {
                    value = v
                    break
                }
                if size < 1e-10 {
                    candidate = beta
                    break
                }
                size *= 0.5
            }
            let largest = delta.reduce(0) { max($0, Swift.abs($1)) } * size
            beta = candidate
            objective = value
            if largest < tolerance {
                converged = true
                if let chol = definiteFactor(information(beta)) {
                    lastScore = modifiedScore(beta, inverse: chol.inverse())
                }
                break
            }
        }
        let norm = lastScore.reduce(0) { max($0, Swift.abs($1)) }
        return Solution(beta: beta, iterations: iterations, gradientNorm: norm, converged: converged)
    }

    /// ∇ℓ + ½ tr(M ∂I/∂βₖ) for each k, with M = I⁻¹ (made definite).
    func modifiedScore(_ beta: [Double], inverse m: [Double]) -> [Double] {
        let d = dimension
        var score = gradient(beta)
        var trace = [Double](repeating: 0, count: d)
        let (e, _) = exponentials(beta)
        var p = [Double](repeating: 0, count: KWayVotes.maximumCandidates)
        var v = [Double](repeating: 0, count: KWayVotes.maximumCandidates)
        var ids = [Int](repeating: 0, count: KWayVotes.maximumCandidates)

        /// A choice among `size` alternatives `ids` with probabilities `p`, count `c`.
        func choice(_ size: Int, _ c: Double) {
            var a = 0.0
            for k in 0..<size {
                var s = 0.0
                for l in 0..<size { s += m[ids[k] * d + ids[l]] * p[l] }
                v[k] = s
                a += m[ids[k] * d + ids[k]] * p[k]
            }
            var q = 0.0
            for k in 0..<size { q += p[k] * v[k] }
            for k in 0..<size {
                trace[ids[k]] += c * p[k] * (m[ids[k] * d + ids[k]] - a - 2 * v[k] + 2 * q)
            }
        }

        for cell in 0..<stages.count {
            let start = Int(offsets[cell])
            let end = Int(offsets[cell + 1])
            var total = 0.0
            for q in start..<end { total += e[Int(members[q])] }
            for s in 0..<Int(stages[cell]) {
                let size = end - start - s
                for k in 0..<size {
                    ids[k] = Int(members[start + s + k])
                    p[k] = e[ids[k]] / total
                }
                choice(size, counts[cell])
                total -= e[Int(members[start + s])]
            }
        }

        for q in pairI.indices {
            let i = Int(pairI[q])
            let j = Int(pairJ[q])
            let wi = winsI[q]
            let wj = winsJ[q]
            let t = pairTies[q]
            switch ties {
            case .half:
                let s = PairwiseProblem.sigmoid(beta[i] - beta[j])
                ids[0] = i
                ids[1] = j
                p[0] = s
                p[1] = 1 - s
                choice(2, wi + wj + t)
            case .davidson:
                let (pi, pj, pt) = davidsonProbabilities(beta[i], beta[j], beta[n])
                let index = [i, j, n]
                let x: [[Double]] = [[1, 0, 0], [0, 1, 0], [0.5, 0.5, 1]]
                let prob = [pi, pj, pt]
                let mean = [pi + pt / 2, pj + pt / 2, pt]
                func mm(_ r: Int, _ s: Int) -> Double { m[index[r] * d + index[s]] }
                var y = [0.0, 0.0, 0.0]
                for r in 0..<3 {
                    for s in 0..<3 { y[r] += mm(r, s) * mean[s] }
                }
                let total = wi + wj + t
                for a in 0..<3 {
                    var z = 0.0
                    var xy = 0.0
                    for r in 0..<3 {
                        xy += x[a][r] * y[r]
                        for s in 0..<3 { z += x[a][r] * mm(r, s) * x[a][s] }
                    }
                    for k in 0..<3 {
                        trace[index[k]] += total * prob[a] * (x[a][k] - mean[k]) * (z - 2 * xy)
                    }
                }
            case .raoKupper:
                let dd = beta[i] - beta[j]
                let eta = beta[n]
                let index = [i, j, n]
                func term(_ weight: Double, _ x: Double, _ alpha: [Double]) {
                    guard weight > 0 else { return }
                    let sp = PairwiseProblem.sigmoid(x)
                    let sm = PairwiseProblem.sigmoid(-x)
                    var quadratic = 0.0
                    for r in 0..<3 {
                        for s in 0..<3 { quadratic += alpha[r] * m[index[r] * d + index[s]] * alpha[s] }
                    }
                    let factor = weight * sp * sm * (sm - sp) * quadratic
                    for k in 0..<3 { trace[index[k]] += factor * alpha[k] }
                }
                term(wi, dd - eta, [1, -1, -1])
                term(wj, -dd - eta, [-1, 1, -1])
                term(t, eta - dd, [-1, 1, 1])
                term(t, eta + dd, [1, -1, 1])
                if t > 0 {
                    let x = Foundation.expm1(2 * eta)
                    trace[n] -= t * 8 * (x + 1) * (x + 2) / (x * x * x) * m[n * d + n]
                }
            }
        }
        for k in 0..<d { score[k] += 0.5 * trace[k] }
        return score
    }
}
