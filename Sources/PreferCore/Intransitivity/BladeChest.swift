import Foundation

/// Bradley–Terry plus a rank-2 skew-symmetric term: a model that can express
/// cycles (the "blade–chest" model of Chen & Joachims 2016, "Modeling
/// intransitivity in matchup and comparison data"; in the form of the
/// general preference embedding of Zhang et al. 2024, "General Preference
/// Modeling with Preference Representations", with one 2-dimensional block).
///
/// Model: P(i ≻ j) = σ(θᵢ − θⱼ + aᵢbⱼ − aⱼbᵢ). The second term is ⟨R vᵢ, vⱼ⟩
/// for the embedding vᵢ = (aᵢ, bᵢ) and R the 90° rotation: a skew-symmetric
/// matrix of rank 2, which can put three contenders in a rock–paper–scissors
/// cycle that no θ can. Free parameters: 3n − 6 (θ up to a shift; (a, b) up
/// to the three-dimensional SL(2) action and the two shifts that turn part of
/// the term into θ), so for n = 3 the model is saturated. Ties count as half
/// a win, as in Bradley–Terry.
///
/// Fit: maximum likelihood on pair counts with a weak ridge (ρ/2)(‖θ‖² +
/// ‖a‖² + ‖b‖²) that fixes the scale of the embedding, by L-BFGS (`LBFGS`)
/// from the Bradley–Terry fit and the best rank-2 skew-symmetric
/// approximation of its residual log-odds (power iteration), unless a start
/// is given. Cost: O(pairs) per evaluation, typically a few hundred.
public struct BladeChest: Sendable {
    public var ridge: Double
    public var maxIterations: Int

    public init(ridge: Double = 0.01, maxIterations: Int = 3000) {
        self.ridge = ridge
        self.maxIterations = maxIterations
    }

    public struct Fit: Sendable {
        public var theta: [Double]
        public var a: [Double]
        public var b: [Double]
        /// The log-likelihood without the ridge.
        public var logLikelihood: Double
        public var iterations: Int
        public var converged: Bool

        /// The logit of i beating j.
        public func logit(_ i: Int, _ j: Int) -> Double {
            theta[i] - theta[j] + a[i] * b[j] - a[j] * b[i]
        }
    }

    /// Fits the pair data, from `start` when given.
    func fit(_ data: PairData, start: Fit? = nil) -> Fit {
        let n = data.n
        let initial: [Double]
        if let start {
            initial = start.theta + start.a + start.b
        } else {
            initial = Self.initialGuess(data, ridge: ridge)
        }
        let pairs = data.i.count
        let ridge = ridge
        let result = LBFGS(gradientTolerance: 1e-9, maxIterations: maxIterations).minimize(from: initial) { z, g in
            for k in 0..<(3 * n) { g[k] = ridge * z[k] }
            var f = 0.0
            for p in 0..<pairs {
                let i = Int(data.i[p])
                let j = Int(data.j[p])
                let ai = z[n + i], aj = z[n + j], bi = z[2 * n + i], bj = z[2 * n + j]
                let x = z[i] - z[j] + ai * bj - aj * bi
                f -= data.s[p] * PairwiseProblem.logSigmoid(x) + (data.t[p] - data.s[p]) * PairwiseProblem.logSigmoid(-x)
                let r = data.s[p] - data.t[p] * PairwiseProblem.sigmoid(x)
                g[i] -= r
                g[j] += r
                g[n + i] -= r * bj
                g[2 * n + j] -= r * ai
                g[n + j] += r * bi
                g[2 * n + i] += r * aj
            }
            var penalty = 0.0
            for v in z { penalty += v * v }
            return f + 0.5 * ridge * penalty
        }
        let z = result.x
        var theta = Array(z[0..<n])
        let mean = theta.reduce(0, +) / Double(max(n, 1))
        theta = theta.map { $0 - mean }
        let fit = Fit(theta: theta, a: Array(z[n..<(2 * n)]), b: Array(z[(2 * n)..<(3 * n)]),
                      logLikelihood: 0, iterations: result.iterations, converged: result.converged)
        var out = fit
        out.logLikelihood = data.logLikelihood { fit.logit($0, $1) }
        return out
    }

    /// θ from the ridge Bradley–Terry fit; (a, b) from the top singular pair
    /// of the skew-symmetric residual log-odds, R ≈ σ(u vᵀ − v uᵀ).
    static func initialGuess(_ data: PairData, ridge: Double) -> [Double] {
        let n = data.n
        let bt = data.bradleyTerry(ridge: ridge)
        var r = [Double](repeating: 0, count: n * n)
        for p in 0..<data.i.count {
            let i = Int(data.i[p])
            let j = Int(data.j[p])
            let q = PairwiseProblem.sigmoid(bt[i] - bt[j])
            let residual = (data.s[p] - data.t[p] * q) / (data.t[p] * q * (1 - q) + 1)
            r[i * n + j] += residual
            r[j * n + i] -= residual
        }
        // Power iteration on RᵀR from a fixed, non-degenerate start.
        var u = (0..<n).map { 1 + 0.1 * Double(($0 * 7919) % 13) }
        var sigma = 0.0
        for _ in 0..<200 {
            var ru = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { ru[i] += r[i * n + j] * u[j] } }
            var rtru = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { rtru[j] += r[i * n + j] * ru[i] } }
            let norm = rtru.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-12 else { break }
            u = rtru.map { $0 / norm }
            sigma = norm.squareRoot()
        }
        var a = [Double](repeating: 0, count: n)
        var b = [Double](repeating: 0, count: n)
        if sigma > 1e-9 {
            var ru = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { ru[i] += r[i * n + j] * u[j] } }
            let s = ru.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let root = s.squareRoot()
            for i in 0..<n {
                a[i] = root * u[i]
                b[i] = -root * ru[i] / s
            }
        } else {
            // No residual signal: a small, fixed embedding off the saddle at 0.
            for i in 0..<n {
                a[i] = 0.01 * Foundation.cos(2 * Double.pi * Double(i) / Double(n))
                b[i] = 0.01 * Foundation.sin(2 * Double.pi * Double(i) / Double(n))
            }
        }
        return bt + a + b
    }
}

/// Pair counts in plain arrays: pair p is (i[p], j[p]) with i's score s[p]
/// (wins plus half the ties) out of t[p] votes.
struct PairData: Sendable {
    var n: Int
    var i: [Int32]
    var j: [Int32]
    var s: [Double]
    var t: [Double]

    init(n: Int, i: [Int32], j: [Int32], s: [Double], t: [Double]) {
        self.n = n
        self.i = i
        self.j = j
        self.s = s
        self.t = t
    }

    init(_ counts: PairCounts) {
        n = counts.contenderCount
        i = []
        j = []
        s = []
        t = []
        for p in 0..<counts.pairCount where counts.total(p) > 0 {
            i.append(counts.first[p])
            j.append(counts.second[p])
            s.append(counts.score(p))
            t.append(counts.total(p))
        }
    }

    var votes: Double { t.reduce(0, +) }

    /// Σ s log σ(x) + (t − s) log σ(−x) for the logits a model gives.
    func logLikelihood(_ logit: (Int, Int) -> Double) -> Double {
        var ll = 0.0
        for p in 0..<i.count {
            let x = logit(Int(i[p]), Int(j[p]))
            ll += s[p] * PairwiseProblem.logSigmoid(x) + (t[p] - s[p]) * PairwiseProblem.logSigmoid(-x)
        }
        return ll
    }

    /// The ridge Bradley–Terry strengths (centred), by Newton.
    func bradleyTerry(ridge: Double) -> [Double] {
        let problem = PairwiseProblem(n: n, i: i, j: j, s: s, t: t, multiplicity: 1, ridge: ridge)
        let theta = problem.newton(from: Array(repeating: 0, count: n), tolerance: 1e-10, maxIterations: 100).theta
        let mean = theta.reduce(0, +) / Double(max(n, 1))
        return theta.map { $0 - mean }
    }
}
