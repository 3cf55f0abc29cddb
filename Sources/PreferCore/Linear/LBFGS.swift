import Foundation

/// Limited-memory BFGS minimisation (Nocedal 1980; Liu & Nocedal 1989) with
/// a backtracking line search on the Armijo condition and the curvature
/// pairs kept only when sᵀy > 0 (so the implied Hessian stays definite on
/// non-convex objectives).
///
/// Each iteration costs one or a few evaluations of f and ∇f plus
/// O(memory · dimension) for the two-loop recursion. Stops when the largest
/// gradient component is below `gradientTolerance` · max(1, |f|), when f
/// stops falling (relative change below `valueTolerance` over an iteration),
/// or after `maxIterations`.
public struct LBFGS: Sendable {
    public var memory: Int
    public var gradientTolerance: Double
    public var valueTolerance: Double
    public var maxIterations: Int

    public init(memory: Int = 10, gradientTolerance: Double = 1e-9, valueTolerance: Double = 1e-14, maxIterations: Int = 5000) {
        self.memory = memory
        self.gradientTolerance = gradientTolerance
        self.valueTolerance = valueTolerance
        self.maxIterations = maxIterations
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        public var gradientNorm: Double
        public var converged: Bool
    }

    /// Minimises f from `start`; `evaluate(x, &gradient)` returns f(x) and fills ∇f(x).
    public func minimize(from start: [Double], _ evaluate: ([Double], inout [Double]) -> Double) -> Result {
        let d = start.count
        var x = start
        var g = [Double](repeating: 0, count: d)
        var f = evaluate(x, &g)
        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var rhoHistory: [Double] = []
        var iterations = 0
        var converged = false
        var trial = [Double](repeating: 0, count: d)
        var gTrial = [Double](repeating: 0, count: d)
        func largest(_ v: [Double]) -> Double { v.reduce(0) { max($0, Swift.abs($1)) } }
        while iterations < maxIterations {
            if largest(g) <= gradientTolerance * max(1, Swift.abs(f)) {
                converged = true
                break
            }
            iterations += 1
            // Two-loop recursion: direction = −H·g.
            var q = g
            var alpha = [Double](repeating: 0, count: sHistory.count)
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alpha[k] = rhoHistory[k] * dot(sHistory[k], q)
                for i in 0..<d { q[i] -= alpha[k] * yHistory[k][i] }
            }
            if let s = sHistory.last, let y = yHistory.last {
                let gamma = dot(s, y) / dot(y, y)
                for i in 0..<d { q[i] *= gamma }
            } else {
                let scale = 1 / max(1, largest(g))
                for i in 0..<d { q[i] *= scale }
            }
            for k in 0..<sHistory.count {
                let beta = rhoHistory[k] * dot(yHistory[k], q)
                for i in 0..<d { q[i] += sHistory[k][i] * (alpha[k] - beta) }
            }
            var slope = -dot(g, q)
            if slope >= 0 {
                // Not a descent direction: restart from steepest descent.
                sHistory.removeAll()
                yHistory.removeAll()
                rhoHistory.removeAll()
                let scale = 1 / max(1, largest(g))
                q = g.map { $0 * scale }
                slope = -dot(g, q)
            }
            var step = 1.0
            var fTrial = f
            var accepted = false
            for _ in 0..<60 {
                for i in 0..<d { trial[i] = x[i] - step * q[i] }
                fTrial = evaluate(trial, &gTrial)
                if fTrial.isFinite && fTrial <= f + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            guard accepted else { break }
            let s = (0..<d).map { trial[$0] - x[$0] }
            let y = (0..<d).map { gTrial[$0] - g[$0] }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y).squareRoot() * dot(s, s).squareRoot() && sy > 0 {
                sHistory.append(s)
                yHistory.append(y)
                rhoHistory.append(1 / sy)
                if sHistory.count > memory {
                    sHistory.removeFirst()
                    yHistory.removeFirst()
                    rhoHistory.removeFirst()
                }
            }
            let change = f - fTrial
            x = trial
            g = gTrial
            f = fTrial
            if change <= valueTolerance * max(1, Swift.abs(f)) && largest(g) <= 1e3 * gradientTolerance * max(1, Swift.abs(f)) {
                converged = true
                break
            }
        }
        return Result(x: x, value: f, iterations: iterations, gradientNorm: largest(g), converged: converged)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
}
