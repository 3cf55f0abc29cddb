import Dispatch
import Foundation

/// Bradley–Terry with covariates: a logistic regression of "A beats B" on the
/// contenders' strengths and on features of the two sides, fitted jointly by
/// maximum likelihood. The model behind style control (Li, Angelopoulos &
/// Chiang 2024, "Does style matter? Disentangling style and substance in
/// Chatbot Arena", LMArena) and behind `prefer drivers`.
///
/// Model, for row r with contenders a, b and covariates zᵣ ∈ ℝᵏ:
///
///     P(A beats B) = σ(θ_a − θ_b + γᵀzᵣ),  σ(x) = 1/(1 + e⁻ˣ)
///
/// with sᵣ successes out of tᵣ trials (`CovariateDesign`), so the
/// log-likelihood is Σᵣ sᵣ log σ(ηᵣ) + (tᵣ − sᵣ) log σ(−ηᵣ), times
/// `multiplicity`, minus (ρ_θ/2)‖θ‖² + (ρ_γ/2)‖γ‖² when ridges are set.
/// Without contenders the model is σ(γᵀzᵣ): a logistic regression through
/// the origin, which is right for pairs because swapping the sides negates z
/// and the outcome. θ is identified only up to a shift per connected
/// component of contenders: unpenalised, each component's θ is kept summing
/// to zero (the Newton system is made definite with the components'
/// indicator vectors, whose solves keep the sums fixed).
///
/// Solved by damped Newton from zero (or a given start): each iteration is
/// one pass over the rows, O(rows·k²) for the Hessian's covariate block plus
/// O(pairs + n·k), spread over `threads` in fixed blocks of rows so that the
/// sums — and the result — do not depend on the thread count; then a dense
/// Cholesky solve, O((n + k)³). Quadratic convergence: 5–8 iterations to a
/// step below `tolerance`.
public struct CovariateBradleyTerry: Sendable {
    /// Convergence: the largest Newton step (natural log-odds units).
    public var tolerance: Double
    public var maxIterations: Int
    /// Ridge ρ_θ on the strengths (0: unpenalised, centred per component).
    public var strengthRidge: Double
    /// Ridge ρ_γ on the covariate coefficients.
    public var covariateRidge: Double
    /// Each row counted this many times (2 for LMArena's duplicated design).
    public var multiplicity: Double
    /// Worker threads for the row passes; nil uses every core.
    public var threads: Int?

    public init(
        tolerance: Double = 1e-10,
        maxIterations: Int = 100,
        strengthRidge: Double = 0,
        covariateRidge: Double = 0,
        multiplicity: Double = 1,
        threads: Int? = nil
    ) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.strengthRidge = strengthRidge
        self.covariateRidge = covariateRidge
        self.multiplicity = multiplicity
        self.threads = threads
    }

    /// Rows per block of a row pass (blocks are summed in order).
    static let blockRows = 1 << 15

    /// Fits the model; `start` (θ then γ) defaults to zeros. `rowCounts`
    /// multiplies each row (a bootstrap resample), nil = once each.
    public func fit(
        _ design: CovariateDesign, start: [Double]? = nil, rowCounts: UnsafeBufferPointer<UInt32>? = nil
    ) -> CovariateFit {
        let n = design.contenderCount
        let m = n + design.k
        var params = start ?? [Double](repeating: 0, count: m)
        precondition(params.count == m, "one start value per parameter")
        var current = evaluate(design, params, rowCounts: rowCounts, hessian: true)
        var iterations = 0
        var converged = false
        var singular = false
        while iterations < maxIterations {
            iterations += 1
            guard let factor = Cholesky(definite(current.information, design), n: m) else {
                singular = true
                break
            }
            var delta = current.gradient
            factor.solve(&delta)
            var step = 1.0
            var candidate = params
            var next: Evaluation
            while true {
                for i in 0..<m { candidate[i] = params[i] + step * delta[i] }
                next = evaluate(design, candidate, rowCounts: rowCounts, hessian: true)
                if next.logLikelihood >= current.logLikelihood - 1e-12 * Swift.abs(current.logLikelihood) || step < 1e-10 { break }
                step *= 0.5
            }
            let largest = delta.reduce(0) { max($0, Swift.abs($1)) } * step
            params = candidate
            current = next
            if largest < tolerance {
                converged = true
                break
            }
        }
        return CovariateFit(
            contenderCount: n,
            parameters: params,
            iterations: iterations,
            converged: converged,
            singular: singular,
            gradientNorm: current.gradient.reduce(0) { max($0, Swift.abs($1)) },
            logLikelihood: current.logLikelihood,
            information: current.information,
            model: self
        )
    }

    /// The covariates whose columns are exact linear combinations of the
    /// strengths' and of earlier covariates' (their coefficients are not
    /// identified; leave them out): a Cholesky factorisation of the
    /// information at zero, in parameter order, that skips every covariate
    /// whose pivot is below 10⁻⁹ of its diagonal. O(rows·k² + (n + k)³).
    public func aliasedCovariates(_ design: CovariateDesign) -> [Int] {
        let n = design.contenderCount
        let m = n + design.k
        guard design.k > 0 else { return [] }
        let h = definite(evaluate(design, [Double](repeating: 0, count: m), rowCounts: nil, hessian: true).information, design)
        var l = [Double](repeating: 0, count: m * m)
        var skipped = [Bool](repeating: false, count: m)
        var aliased: [Int] = []
        for j in 0..<m {
            var d = h[j * m + j]
            for k in 0..<j where !skipped[k] { d -= l[j * m + k] * l[j * m + k] }
            guard d > 1e-9 * max(h[j * m + j], 1e-300) else {
                skipped[j] = true
                if j >= n { aliased.append(j - n) }
                continue
            }
            let pivot = d.squareRoot()
            l[j * m + j] = pivot
            for i in (j + 1)..<max(j + 1, m) {
                var v = h[i * m + j]
                for k in 0..<j where !skipped[k] { v -= l[i * m + k] * l[j * m + k] }
                l[i * m + j] = v / pivot
            }
        }
        return aliased
    }

    /// The information made definite: + ridges, and + the components'
    /// indicator outer products when the strengths are unpenalised.
    func definite(_ information: [Double], _ design: CovariateDesign) -> [Double] {
        let n = design.contenderCount
        let m = n + design.k
        var h = information
        if n > 0 {
            if strengthRidge > 0 {
                for i in 0..<n { h[i * m + i] += strengthRidge }
            } else {
                for i in 0..<n {
                    for j in 0..<n where design.component[i] == design.component[j] { h[i * m + j] += 1 }
                }
            }
        }
        for j in n..<m { h[j * m + j] += covariateRidge }
        return h
    }

    // MARK: - Row passes

    /// Log-likelihood, gradient and (optionally) the information −∇²ℓ, penalties included.
    struct Evaluation {
        var logLikelihood: Double
        var gradient: [Double]
        /// Row-major m×m (empty when not asked for).
        var information: [Double]
    }

    /// One block's sums.
    private struct Partial {
        var logLikelihood = 0.0
        var gradient: [Double]
        var pairWeight: [Double]
        var cross: [Double]
        var covariate: [Double]
    }

    func evaluate(
        _ design: CovariateDesign, _ params: [Double], rowCounts: UnsafeBufferPointer<UInt32>?, hessian: Bool
    ) -> Evaluation {
        let partials = pass(design, params, rowCounts: rowCounts, hessian: hessian)
        let n = design.contenderCount
        let k = design.k
        let m = n + k
        let c = multiplicity
        var ll = 0.0
        var gradient = [Double](repeating: 0, count: m)
        for part in partials {
            ll += part.logLikelihood
            for i in 0..<m { gradient[i] += part.gradient[i] }
        }
        ll *= c
        for i in 0..<m { gradient[i] *= c }
        for i in 0..<n where strengthRidge > 0 {
            ll -= 0.5 * strengthRidge * params[i] * params[i]
            gradient[i] -= strengthRidge * params[i]
        }
        for j in n..<m where covariateRidge > 0 {
            ll -= 0.5 * covariateRidge * params[j] * params[j]
            gradient[j] -= covariateRidge * params[j]
        }
        let information = hessian ? assemble(partials, design, scale: c) : []
        return Evaluation(logLikelihood: ll, gradient: gradient, information: information)
    }

    /// Σᵣ mult²·qᵣ·xᵣxᵣᵀ with qᵣ the row's per-judgement Σ w²(y − p)²: the
    /// "meat" of robust (sandwich) errors.
    func meat(_ design: CovariateDesign, _ params: [Double]) -> [Double] {
        let partials = pass(design, params, rowCounts: nil, hessian: true, meat: true)
        return assemble(partials, design, scale: multiplicity * multiplicity)
    }

    /// Adds the blocks' pair, cross and covariate sums into a dense m×m matrix.
    private func assemble(_ partials: [Partial], _ design: CovariateDesign, scale: Double) -> [Double] {
        let n = design.contenderCount
        let k = design.k
        let m = n + k
        var h = [Double](repeating: 0, count: m * m)
        for part in partials {
            for p in 0..<design.pairFirst.count {
                let w = part.pairWeight[p] * scale
                guard w != 0 else { continue }
                let i = Int(design.pairFirst[p])
                let j = Int(design.pairSecond[p])
                h[i * m + i] += w
                h[j * m + j] += w
                h[i * m + j] -= w
                h[j * m + i] -= w
            }
            for i in 0..<n {
                for j in 0..<k {
                    let v = part.cross[i * k + j] * scale
                    h[i * m + n + j] += v
                    h[(n + j) * m + i] += v
                }
            }
            for j in 0..<k {
                for l in j..<k {
                    let v = part.covariate[j * k + l] * scale
                    h[(n + j) * m + n + l] += v
                    if l != j { h[(n + l) * m + n + j] += v }
                }
            }
        }
        return h
    }

    /// Sums over the rows in fixed blocks, on up to `threads` threads. The
    /// Hessian-like sums use the per-row weight tᵣ·pᵣ(1 − pᵣ), or the robust
    /// meat's qᵣ when `meat` is set.
    private func pass(
        _ design: CovariateDesign,
        _ params: [Double],
        rowCounts: UnsafeBufferPointer<UInt32>?,
        hessian: Bool,
        meat: Bool = false
    ) -> [Partial] {
        let rows = design.rows
        let blocks = max(1, (rows + Self.blockRows - 1) / Self.blockRows)
        let n = design.contenderCount
        let k = design.k
        let m = n + k
        let pairCount = design.pairFirst.count
        let slots = SharedBuffer<Partial?>(repeating: nil, count: blocks)
        defer { slots.deallocate() }
        let counts = rowCounts.map { UnsafeBufferPointerBox(buffer: $0) }
        let work = { @Sendable (block: Int) in
            let r0 = block * Self.blockRows
            let r1 = min(rows, r0 + Self.blockRows)
            var part = Partial(
                gradient: [Double](repeating: 0, count: m),
                pairWeight: hessian ? [Double](repeating: 0, count: pairCount) : [],
                cross: hessian ? [Double](repeating: 0, count: n * k) : [],
                covariate: hessian ? [Double](repeating: 0, count: k * k) : []
            )
            Self.accumulate(design, params, r0..<r1, counts?.buffer, hessian: hessian, meat: meat, into: &part.logLikelihood,
                            &part.gradient, &part.pairWeight, &part.cross, &part.covariate)
            slots[block] = part
        }
        let workers = min(blocks, max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        if workers > 1 {
            DispatchQueue.concurrentPerform(iterations: blocks, execute: work)
        } else {
            for block in 0..<blocks { work(block) }
        }
        return slots.array.map { $0! }
    }

    @inline(__always)
    private static func accumulate(
        _ design: CovariateDesign, _ params: [Double], _ range: Range<Int>, _ counts: UnsafeBufferPointer<UInt32>?,
        hessian: Bool, meat: Bool,
        into ll: inout Double, _ gradient: inout [Double], _ pairWeight: inout [Double], _ cross: inout [Double],
        _ covariate: inout [Double]
    ) {
        let n = design.contenderCount
        let k = design.k
        design.covariates.withUnsafeBufferPointer { z in
        params.withUnsafeBufferPointer { theta in
        gradient.withUnsafeMutableBufferPointer { g in
        pairWeight.withUnsafeMutableBufferPointer { pw in
        cross.withUnsafeMutableBufferPointer { cr in
        covariate.withUnsafeMutableBufferPointer { cv in
            let gamma = theta.baseAddress! + n
            var sum = 0.0
            for r in range {
                let c = counts.map { Double($0[r]) } ?? 1
                if c == 0 { continue }
                let zr = z.baseAddress! + r * k
                var eta = k > 0 ? dot(gamma, zr, k) : 0
                var a = 0
                var b = 0
                if n > 0 {
                    a = Int(design.a[r])
                    b = Int(design.b[r])
                    eta += theta[a] - theta[b]
                }
                let p = PairwiseProblem.sigmoid(eta)
                let s = design.successes[r] * c
                let t = design.trials[r] * c
                if !meat {
                    sum += s * PairwiseProblem.logSigmoid(eta) + (t - s) * PairwiseProblem.logSigmoid(-eta)
                    let residual = s - t * p
                    if n > 0 {
                        g[a] += residual
                        g[b] -= residual
                    }
                    for j in 0..<k { g[n + j] += residual * zr[j] }
                }
                guard hessian else { continue }
                let w: Double
                if meat {
                    let q = 1 - p
                    w = c * (design.aSquares[r] * q * q + design.bSquares[r] * p * p + design.tieSquares[r] * (0.5 - p) * (0.5 - p))
                } else {
                    w = t * p * (1 - p)
                }
                if n > 0 {
                    pw[Int(design.pair[r])] += w
                    for j in 0..<k {
                        let v = w * zr[j]
                        cr[a * k + j] += v
                        cr[b * k + j] -= v
                    }
                }
                for j in 0..<k {
                    let v = w * zr[j]
                    let row = j * k
                    for l in j..<k { cv[row + l] += v * zr[l] }
                }
            }
            ll += sum
        }}}}}}
    }
}

/// A buffer pointer handed to worker threads that only read it.
private struct UnsafeBufferPointerBox: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt32>
}

/// The result of `CovariateBradleyTerry.fit`.
public struct CovariateFit: Sendable {
    public let contenderCount: Int
    /// θ (natural log strengths) then γ (covariate coefficients, log-odds per unit of covariate).
    public let parameters: [Double]
    public let iterations: Int
    public let converged: Bool
    /// Whether the fit stopped on a singular information matrix (collinear covariates).
    public let singular: Bool
    /// Largest absolute gradient of the (penalised) log-likelihood at the solution.
    public let gradientNorm: Double
    public let logLikelihood: Double
    /// The information −∇²ℓ at the solution, row-major (n + k)².
    let information: [Double]
    let model: CovariateBradleyTerry

    public var theta: ArraySlice<Double> { parameters[..<contenderCount] }
    public var gamma: ArraySlice<Double> { parameters[contenderCount...] }

    /// The estimates' covariance (row-major (n + k)²): the inverse
    /// information (model-based), or the sandwich I⁻¹·G·I⁻¹ with G the sum
    /// of the per-judgement score outer products (robust, HC0; Huber 1967,
    /// White 1980). Strength entries are those of the strengths centred per
    /// component (the pseudo-inverse on contrasts) when unpenalised. nil
    /// when the information is singular (a covariate that never varies, or
    /// collinear covariates).
    public func covariance(_ design: CovariateDesign, robust: Bool) -> [Double]? {
        let n = contenderCount
        let m = parameters.count
        guard let factor = Cholesky(model.definite(information, design), n: m) else { return nil }
        var inverse = factor.inverse()
        let centred = n > 0 && model.strengthRidge == 0
        if centred {
            // (I + Σ uuᵀ)⁻¹ = I⁺ + Σ uuᵀ/‖u‖⁴ on the strengths: remove the second term.
            var size = [Double](repeating: 0, count: design.componentCount)
            for i in 0..<n { size[design.component[i]] += 1 }
            for i in 0..<n {
                for j in 0..<n where design.component[i] == design.component[j] {
                    inverse[i * m + j] -= 1 / (size[design.component[i]] * size[design.component[i]])
                }
            }
        }
        guard robust else { return inverse }
        let g = model.meat(design, parameters)
        return Self.multiply(Self.multiply(inverse, g, m), inverse, m)
    }

    static func multiply(_ x: [Double], _ y: [Double], _ n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let v = x[i * n + k]
                if v == 0 { continue }
                for j in 0..<n { out[i * n + j] += v * y[k * n + j] }
            }
        }
        return out
    }
}
