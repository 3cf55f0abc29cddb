import Foundation

/// A Bradley–Terry likelihood on pair counts, in natural log-strength units θ
/// (P(i beats j) = σ(θᵢ − θⱼ)), over a set of contenders renumbered 0..<n.
///
/// ℓ(θ) = m · Σ_pairs [ sᵢⱼ log σ(θᵢ−θⱼ) + (tᵢⱼ − sᵢⱼ) log σ(θⱼ−θᵢ) ] − (ρ/2)‖θ‖²
///
/// where sᵢⱼ is i's score against j (wins + ½ ties), tᵢⱼ the pair's battles,
/// m the multiplicity (2 for LMArena's duplicated design) and ρ a ridge
/// coefficient. Gradient and Hessian are O(pairs); the Hessian is m times a
/// weighted graph Laplacian plus ρI.
struct PairwiseProblem: Sendable {
    var n: Int
    var i: [Int32]
    var j: [Int32]
    var s: [Double]
    var t: [Double]
    var multiplicity: Double = 1
    var ridge: Double = 0

    /// The sub-problem on `members` (indices into `counts.contenders`).
    init(_ counts: PairCounts, members: [Int], multiplicity: Double, ridge: Double) {
        var local = [Int32](repeating: -1, count: counts.contenderCount)
        for (k, m) in members.enumerated() { local[m] = Int32(k) }
        n = members.count
        i = []
        j = []
        s = []
        t = []
        for p in 0..<counts.pairCount {
            let a = local[Int(counts.first[p])]
            let b = local[Int(counts.second[p])]
            guard a >= 0, b >= 0, counts.total(p) > 0 else { continue }
            i.append(a)
            j.append(b)
            s.append(counts.score(p))
            t.append(counts.total(p))
        }
        self.multiplicity = multiplicity
        self.ridge = ridge
    }

    init(n: Int, i: [Int32], j: [Int32], s: [Double], t: [Double], multiplicity: Double, ridge: Double) {
        self.n = n
        self.i = i
        self.j = j
        self.s = s
        self.t = t
        self.multiplicity = multiplicity
        self.ridge = ridge
    }

    /// log σ(x), without overflow.
    @inline(__always)
    static func logSigmoid(_ x: Double) -> Double {
        x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x))
    }

    @inline(__always)
    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    func logLikelihood(_ theta: [Double]) -> Double {
        var ll = 0.0
        for p in 0..<i.count {
            let x = theta[Int(i[p])] - theta[Int(j[p])]
            ll += s[p] * Self.logSigmoid(x) + (t[p] - s[p]) * Self.logSigmoid(-x)
        }
        var pen = 0.0
        if ridge > 0 { for v in theta { pen += v * v } }
        return multiplicity * ll - 0.5 * ridge * pen
    }

    /// Gradient of ℓ at θ.
    func gradient(_ theta: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: n)
        for p in 0..<i.count {
            let a = Int(i[p])
            let b = Int(j[p])
            let r = multiplicity * (s[p] - t[p] * Self.sigmoid(theta[a] - theta[b]))
            g[a] += r
            g[b] -= r
        }
        if ridge > 0 { for k in 0..<n { g[k] -= ridge * theta[k] } }
        return g
    }

    /// The negative Hessian −∇²ℓ (row-major n×n), i.e. the observed information.
    func information(_ theta: [Double], weights extra: [Double]? = nil) -> [Double] {
        var h = [Double](repeating: 0, count: n * n)
        for p in 0..<i.count {
            let a = Int(i[p])
            let b = Int(j[p])
            let q = Self.sigmoid(theta[a] - theta[b])
            let w = multiplicity * (extra?[p] ?? t[p]) * q * (1 - q)
            h[a * n + a] += w
            h[b * n + b] += w
            h[a * n + b] -= w
            h[b * n + a] -= w
        }
        if ridge > 0 { for k in 0..<n { h[k * n + k] += ridge } }
        return h
    }

    /// Factors the information made definite: +ρI when penalised, else +11ᵀ
    /// (whose solves keep Σθ fixed, the Laplacian's null space).
    func definiteFactor(_ h: [Double]) -> Cholesky? {
        var m = h
        if ridge <= 0 {
            for k in 0..<(n * n) { m[k] += 1 }
        }
        return Cholesky(m, n: n)
    }

    struct Solution {
        var theta: [Double]
        var iterations: Int
        var gradientNorm: Double
        var converged: Bool
    }

    /// Damped Newton: θ ← θ + α·(−∇²ℓ)⁻¹∇ℓ with α halved until ℓ does not
    /// decrease. Converged when the largest step is below `tolerance`.
    /// Quadratic convergence near the optimum; typically 4–8 iterations.
    func newton(from start: [Double], tolerance: Double, maxIterations: Int) -> Solution {
        var theta = start
        var ll = logLikelihood(theta)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            var g = gradient(theta)
            guard let chol = definiteFactor(information(theta)) else { break }
            chol.solve(&g)
            let delta = g
            var step = 1.0
            var candidate = theta
            var llNew = ll
            while true {
                for k in 0..<n { candidate[k] = theta[k] + step * delta[k] }
                llNew = logLikelihood(candidate)
                if llNew >= ll - 1e-12 * Swift.abs(ll) || step < 1e-10 { break }
                step *= 0.5
            }
            let largest = delta.reduce(0) { max($0, Swift.abs($1)) } * step
            theta = candidate
            ll = llNew
            if largest < tolerance {
                converged = true
                break
            }
        }
        let norm = gradient(theta).reduce(0) { max($0, Swift.abs($1)) }
        return Solution(theta: theta, iterations: iterations, gradientNorm: norm, converged: converged)
    }
}
