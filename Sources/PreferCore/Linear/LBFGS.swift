import Foundation

/// Limited-memory BFGS (Liu & Nocedal 1989; Nocedal & Wright, "Numerical
/// Optimization", Algorithm 7.4 and 7.5) for smooth unconstrained
/// minimisation.
///
/// The search direction is −H·∇f from the two-loop recursion over the last
/// `memory` steps, with H₀ = (sᵀy / yᵀy)·I; a pair is stored only when
/// sᵀy > 0 (so H stays positive definite). Steps are found by backtracking
/// until the Armijo condition f(x + αd) ≤ f(x) + 10⁻⁴·α·∇fᵀd holds. Stops
/// when ‖∇f‖∞ ≤ `gradientTolerance`·max(1, ‖∇f(x₀)‖∞), or the relative
/// decrease of f falls below `functionTolerance`, or after `maxIterations`.
/// Cost per iteration: one or a few evaluations plus O(memory·dimension).
/// Deterministic: no randomness, fixed arithmetic order.
public struct LBFGS: Sendable {
    public var memory: Int
    public var maxIterations: Int
    public var gradientTolerance: Double
    public var functionTolerance: Double

    public init(memory: Int = 8, maxIterations: Int = 200, gradientTolerance: Double = 1e-6, functionTolerance: Double = 1e-10) {
        self.memory = memory
        self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance
        self.functionTolerance = functionTolerance
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        public var evaluations: Int
        public var converged: Bool
        public var gradientNorm: Double
    }

    /// Minimises f from `start`; `evaluate(x, &g)` returns f(x) and writes ∇f(x) into g.
    public func minimize(from start: [Double], _ evaluate: (_ x: [Double], _ gradient: inout [Double]) -> Double) -> Result {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = evaluate(x, &g)
        var evaluations = 1
        let initialNorm = Self.maxNorm(g)
        let threshold = gradientTolerance * max(1, initialNorm)
        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var rhoHistory: [Double] = []
        var d = [Double](repeating: 0, count: n)
        var xNew = [Double](repeating: 0, count: n)
        var gNew = [Double](repeating: 0, count: n)
        var alpha = [Double](repeating: 0, count: memory)
        var iterations = 0
        var converged = initialNorm <= threshold
        while !converged && iterations < maxIterations {
            iterations += 1
            // Two-loop recursion: d = −H g.
            for k in 0..<n { d[k] = -g[k] }
            let count = sHistory.count
            for m in stride(from: count - 1, through: 0, by: -1) {
                let a = rhoHistory[m] * Self.dot(sHistory[m], d)
                alpha[m] = a
                Self.axpy(-a, yHistory[m], &d)
            }
            if count > 0 {
                let last = count - 1
                let gamma = Self.dot(sHistory[last], yHistory[last]) / Self.dot(yHistory[last], yHistory[last])
                for k in 0..<n { d[k] *= gamma }
            } else {
                let norm = Self.dot(g, g).squareRoot()
                if norm > 0 { for k in 0..<n { d[k] /= max(1, norm) } }
            }
            for m in 0..<count {
                let b = rhoHistory[m] * Self.dot(yHistory[m], d)
                Self.axpy(alpha[m] - b, sHistory[m], &d)
            }
            var slope = Self.dot(g, d)
            if !(slope < 0) {
                // Not a descent direction (numerical trouble): restart with steepest descent.
                sHistory.removeAll()
                yHistory.removeAll()
                rhoHistory.removeAll()
                let norm = Self.dot(g, g).squareRoot()
                for k in 0..<n { d[k] = -g[k] / max(1, norm) }
                slope = Self.dot(g, d)
                if !(slope < 0) { break }
            }
            var step = 1.0
            var fNew = f
            var accepted = false
            for _ in 0..<40 {
                for k in 0..<n { xNew[k] = x[k] + step * d[k] }
                fNew = evaluate(xNew, &gNew)
                evaluations += 1
                if fNew.isFinite && fNew <= f + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            guard accepted else { break }
            var s = [Double](repeating: 0, count: n)
            var y = [Double](repeating: 0, count: n)
            for k in 0..<n {
                s[k] = xNew[k] - x[k]
                y[k] = gNew[k] - g[k]
            }
            let sy = Self.dot(s, y)
            if sy > 1e-12 * Self.dot(y, y) && sy > 0 {
                if sHistory.count == memory {
                    sHistory.removeFirst()
                    yHistory.removeFirst()
                    rhoHistory.removeFirst()
                }
                sHistory.append(s)
                yHistory.append(y)
                rhoHistory.append(1 / sy)
            }
            let decrease = f - fNew
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            if Self.maxNorm(g) <= threshold || decrease <= functionTolerance * max(1, Swift.abs(f)) {
                converged = true
            }
        }
        return Result(x: x, value: f, iterations: iterations, evaluations: evaluations, converged: converged, gradientNorm: Self.maxNorm(g))
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                let n = a.count
                var k = 0
                while k + 4 <= n {
                    s0 += a[k] * b[k]
                    s1 += a[k + 1] * b[k + 1]
                    s2 += a[k + 2] * b[k + 2]
                    s3 += a[k + 3] * b[k + 3]
                    k += 4
                }
                while k < n {
                    s0 += a[k] * b[k]
                    k += 1
                }
                return (s0 + s1) + (s2 + s3)
            }
        }
    }

    static func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for k in 0..<x.count { y[k] += a * x[k] }
            }
        }
    }

    static func maxNorm(_ v: [Double]) -> Double {
        v.reduce(0) { max($0, Swift.abs($1)) }
    }
}
