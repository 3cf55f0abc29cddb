import Foundation

extension PairwiseProblem {
    /// Firth's bias-reduced Bradley–Terry estimate: the maximiser of the
    /// likelihood penalised by Jeffreys' prior, ℓ*(θ) = ℓ(θ) + ½ log det I(θ)
    /// (Firth 1993, "Bias reduction of maximum likelihood estimates";
    /// for paired comparisons, Kosmidis & Firth 2021, and R's
    /// BradleyTerry2 with `br = TRUE`).
    ///
    /// Prefer uses it only where the plain MLE does not exist — a contender
    /// that never lost or never won, or groups one of which beat the other in
    /// every meeting — because its estimates stay finite whenever the
    /// comparison graph is connected (Kosmidis & Firth 2021). The modified
    /// score adds half a pair's leverage hᵢⱼ to its score and hᵢⱼ to its
    /// battles: Σⱼ (sᵢⱼ + hᵢⱼ/2 − (tᵢⱼ + hᵢⱼ) pᵢⱼ), with hᵢⱼ = wᵢⱼ (eᵢ−eⱼ)ᵀ I⁺ (eᵢ−eⱼ).
    /// Each iteration costs O(n³) for I⁺ plus O(pairs).
    func firth(from start: [Double], tolerance: Double, maxIterations: Int) -> Solution {
        precondition(ridge == 0 && multiplicity == 1, "Firth's fit is for the plain likelihood")
        var theta = start

        func penalised(_ theta: [Double]) -> Double? {
            guard let chol = definiteFactor(information(theta)) else { return nil }
            return logLikelihood(theta) + 0.5 * chol.logDeterminant
        }

        /// Modified score and the adjusted information at θ.
        func step(_ theta: [Double]) -> (score: [Double], info: [Double])? {
            guard let chol = definiteFactor(information(theta)) else { return nil }
            let inv = chol.inverse()
            var g = [Double](repeating: 0, count: n)
            var adjusted = t
            for p in 0..<i.count {
                let a = Int(i[p])
                let b = Int(j[p])
                let q = Self.sigmoid(theta[a] - theta[b])
                let w = t[p] * q * (1 - q)
                let leverage = w * (inv[a * n + a] + inv[b * n + b] - 2 * inv[a * n + b])
                adjusted[p] = t[p] + leverage
                let r = s[p] + 0.5 * leverage - adjusted[p] * q
                g[a] += r
                g[b] -= r
            }
            return (g, information(theta, weights: adjusted))
        }

        guard var objective = penalised(theta) else {
            return Solution(theta: theta, iterations: 0, gradientNorm: .infinity, converged: false)
        }
        var iterations = 0
        var converged = false
        var lastScore = [Double](repeating: .infinity, count: n)
        while iterations < maxIterations {
            iterations += 1
            guard let (score, info) = step(theta), let chol = definiteFactor(info) else { break }
            lastScore = score
            var delta = score
            chol.solve(&delta)
            var size = 1.0
            var candidate = theta
            var value = objective
            while true {
                for k in 0..<n { candidate[k] = theta[k] + size * delta[k] }
                if let v = penalised(candidate), v >= objective - 1e-12 * Swift.abs(objective) {
                    value = v
                    break
                }
                if size < 1e-10 { value = penalised(candidate) ?? objective; break }
                size *= 0.5
            }
            let largest = delta.reduce(0) { max($0, Swift.abs($1)) } * size
            theta = candidate
            objective = value
            if largest < tolerance {
                converged = true
                lastScore = step(theta)?.score ?? lastScore
                break
            }
        }
        let norm = lastScore.reduce(0) { max($0, Swift.abs($1)) }
        return Solution(theta: theta, iterations: iterations, gradientNorm: norm, converged: converged)
    }
}
