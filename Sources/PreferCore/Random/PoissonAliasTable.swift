import Foundation

/// Exact Poisson(λ) variates by the alias method: O(1) per draw after an
/// O(√λ) set-up, for drawing many variates with the same mean.
///
/// The table covers k ∈ [lo, hi] = [λ − 6√λ − 3, λ + 6√λ + 6] (clamped at 0)
/// plus one extra column for the two tails, whose total mass is below 10⁻⁸;
/// a draw that lands there is completed by inversion within the tail, so the
/// distribution is exact to the alias table's 2⁻³² resolution. Pmf values
/// come from log p(k) = k log λ − λ − log Γ(k+1).
///
/// Used by `MultinomialResampler`, where λ is a cell's vote count and every
/// cell with the same count shares one table.
public struct PoissonAliasTable: Sendable {
    public let mean: Double
    @usableFromInline let lo: Int
    @usableFromInline let tailColumn: Int
    @usableFromInline let table: AliasTable
    let hi: Int
    let lowerTailMass: Double
    let upperTailMass: Double

    public init(mean lambda: Double) {
        precondition(lambda > 0, "Poisson mean must be positive")
        mean = lambda
        let sd = lambda.squareRoot()
        lo = max(0, Int((lambda - 6 * sd - 3).rounded(.down)))
        hi = Int((lambda + 6 * sd + 6).rounded(.up))
        // pmf by recurrence outward from the mode (one log-gamma per table).
        let mode = min(max(Int(lambda.rounded(.down)), lo), hi)
        var pmf = [Double](repeating: 0, count: hi - lo + 1)
        pmf[mode - lo] = Foundation.exp(Double(mode) * Foundation.log(lambda) - lambda - lgamma(Double(mode) + 1))
        if mode < hi {
            for k in (mode + 1)...hi { pmf[k - lo] = pmf[k - 1 - lo] * lambda / Double(k) }
        }
        var k = mode - 1
        while k >= lo {
            pmf[k - lo] = pmf[k + 1 - lo] * Double(k + 1) / lambda
            k -= 1
        }
        lowerTailMass = lo == 0 ? 0 : Self.cdf(lo - 1, lambda: lambda)
        let inside = pmf.reduce(0, +)
        upperTailMass = max(0, 1 - inside - lowerTailMass)
        tailColumn = pmf.count
        pmf.append(lowerTailMass + upperTailMass)
        table = AliasTable(weights: pmf)
    }

    /// P(X ≤ k) summed from 0, for the (tiny) lower tail only.
    private static func cdf(_ k: Int, lambda: Double) -> Double {
        var term = Foundation.exp(-lambda)
        var sum = term
        if k > 0 {
            for i in 1...k {
                term *= lambda / Double(i)
                sum += term
            }
        }
        return sum
    }

    @inlinable @inline(__always)
    public func sample(_ rng: inout Xoshiro256) -> Int {
        let column = table.sample(&rng)
        if column != tailColumn { return lo + column }
        return sampleTail(&rng)
    }

    /// Inversion within the tails, conditional on having left [lo, hi].
    @usableFromInline
    func sampleTail(_ rng: inout Xoshiro256) -> Int {
        let lambda = mean
        let logLambda = Foundation.log(lambda)
        func pmf(_ k: Int) -> Double {
            Foundation.exp(Double(k) * logLambda - lambda - lgamma(Double(k) + 1))
        }
        let total = lowerTailMass + upperTailMass
        guard total > 0 else { return lo }
        var u = rng.nextUnit() * total
        if u < lowerTailMass {
            var k = lo - 1
            while k > 0 {
                u -= pmf(k)
                if u <= 0 { return k }
                k -= 1
            }
            return 0
        }
        u -= lowerTailMass
        var k = hi + 1
        while true {
            let p = pmf(k)
            u -= p
            if u <= 0 || p == 0 { return k }
            k += 1
        }
    }
}
