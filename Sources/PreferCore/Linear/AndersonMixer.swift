/// Anderson acceleration of a fixed-point iteration x ← x + f(x) (Anderson
/// 1965; Walker & Ni 2011, "Anderson acceleration for fixed-point
/// iterations"), type II with memory m.
///
/// Keeps the last m changes of iterate ΔX and of residual ΔF and takes
/// x ← x + f − (ΔX + ΔF)·γ with γ = argmin ‖f − ΔF·γ‖₂ (an m×m normal-equation
/// solve, regularised). On a nearly linear contraction — a bootstrap round
/// solved with the full-data Hessian — this behaves like GMRES and needs far
/// fewer steps than the plain iteration. O(m·n) per step besides f.
struct AndersonMixer: Sendable {
    let n: Int
    let memory: Int
    private var dx: [[Double]]
    private var df: [[Double]]
    private var previousX: [Double]
    private var previousF: [Double]
    private var stored = 0
    private var next = 0
    private var started = false

    init(dimension n: Int, memory: Int) {
        self.n = n
        self.memory = memory
        dx = Array(repeating: Array(repeating: 0, count: n), count: memory)
        df = Array(repeating: Array(repeating: 0, count: n), count: memory)
        previousX = Array(repeating: 0, count: n)
        previousF = Array(repeating: 0, count: n)
    }

    mutating func reset() {
        stored = 0
        next = 0
        started = false
    }

    /// Replaces `x` by the accelerated update from residual `f` (= the plain step).
    mutating func step(_ x: UnsafeMutableBufferPointer<Double>, _ f: UnsafeMutableBufferPointer<Double>) {
        if started {
            for k in 0..<n {
                dx[next][k] = x[k] - previousX[k]
                df[next][k] = f[k] - previousF[k]
            }
            next = (next + 1) % memory
            stored = min(stored + 1, memory)
        }
        started = true
        for k in 0..<n {
            previousX[k] = x[k]
            previousF[k] = f[k]
        }
        let m = stored
        guard m > 0 else {
            for k in 0..<n { x[k] += f[k] }
            return
        }
        // Normal equations (ΔFᵀΔF + εI) γ = ΔFᵀ f.
        var a = [Double](repeating: 0, count: m * m)
        var rhs = [Double](repeating: 0, count: m)
        var scale = 0.0
        for i in 0..<m {
            for j in 0...i {
                var sum = 0.0
                for k in 0..<n { sum += df[i][k] * df[j][k] }
                a[i * m + j] = sum
                a[j * m + i] = sum
            }
            scale = max(scale, a[i * m + i])
            var sum = 0.0
            for k in 0..<n { sum += df[i][k] * f[k] }
            rhs[i] = sum
        }
        for i in 0..<m { a[i * m + i] += 1e-12 * scale + 1e-300 }
        guard let chol = Cholesky(a, n: m) else {
            for k in 0..<n { x[k] += f[k] }
            return
        }
        chol.solve(&rhs)
        for k in 0..<n {
            var correction = 0.0
            for i in 0..<m { correction += rhs[i] * (dx[i][k] + df[i][k]) }
            x[k] += f[k] - correction
        }
    }
}
