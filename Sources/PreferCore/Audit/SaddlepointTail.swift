import Foundation

/// Tail probabilities of a sum of independent discrete variables, each with
/// at most three support points, by the Lugannani–Rice saddlepoint formula
/// (Lugannani & Rice 1980; Daniels 1987; Butler, "Saddlepoint Approximations
/// with Applications", 2007, §1.2).
///
/// With K(λ) = Σₖ log Σⱼ pₖⱼ e^{λ vₖⱼ} the cumulant generating function of
/// S = Σₖ Xₖ, the saddlepoint λ̂ solves K′(λ̂) = s, and
///
///     P(S ≤ s) ≈ Φ(w) + φ(w)·(1/w − 1/u),
///     w = sign(λ̂)·√(2(λ̂s − K(λ̂))),  u = λ̂·√K″(λ̂).
///
/// Relative error stays small far into the tails, where a normal
/// approximation is off by orders of magnitude — which is where an audit
/// that controls false flags across thousands of voters decides. At the
/// edge of the support the probability is exact (the product of the
/// extreme outcomes' probabilities). Near the mean (|w| < 10⁻⁴) it falls
/// back to the normal approximation. Cost: O(terms) per Newton step, about
/// 5–20 steps.
public struct SaddlepointTail: Sendable {
    /// Support points, three per term (unused points have probability 0).
    var values: [Double] = []
    var probabilities: [Double] = []

    public init() {}

    public var count: Int { values.count / 3 }

    /// Adds a term taking `values[j]` with probability `probabilities[j]`
    /// (probabilities summing to 1; up to three points).
    public mutating func append(values v: [Double], probabilities p: [Double]) {
        precondition(v.count == p.count && v.count <= 3 && !v.isEmpty, "one to three support points per term")
        for j in 0..<3 {
            values.append(j < v.count ? v[j] : v[0])
            probabilities.append(j < p.count ? max(0, p[j]) : 0)
        }
    }

    /// The mean and variance of the sum.
    public var moments: (mean: Double, variance: Double) {
        var mean = 0.0
        var variance = 0.0
        for k in 0..<count {
            var m = 0.0
            var s = 0.0
            for j in 0..<3 {
                m += probabilities[3 * k + j] * values[3 * k + j]
                s += probabilities[3 * k + j] * values[3 * k + j] * values[3 * k + j]
            }
            mean += m
            variance += s - m * m
        }
        return (mean, max(0, variance))
    }

    /// K(λ), K′(λ), K″(λ).
    func cumulants(_ lambda: Double) -> (k: Double, k1: Double, k2: Double) {
        var k0 = 0.0
        var k1 = 0.0
        var k2 = 0.0
        for t in 0..<count {
            var top = -Double.infinity
            for j in 0..<3 where probabilities[3 * t + j] > 0 { top = max(top, lambda * values[3 * t + j]) }
            var z = 0.0
            var m1 = 0.0
            var m2 = 0.0
            for j in 0..<3 where probabilities[3 * t + j] > 0 {
                let v = values[3 * t + j]
                let e = probabilities[3 * t + j] * Foundation.exp(lambda * v - top)
                z += e
                m1 += e * v
                m2 += e * v * v
            }
            m1 /= z
            m2 /= z
            k0 += top + Foundation.log(z)
            k1 += m1
            k2 += max(0, m2 - m1 * m1)
        }
        return (k0, k1, k2)
    }

    /// The smallest and largest values the sum can take, with the
    /// probability of each.
    func extremes() -> (low: Double, lowProbability: Double, high: Double, highProbability: Double) {
        var low = 0.0
        var high = 0.0
        var pLow = 1.0
        var pHigh = 1.0
        for t in 0..<count {
            var lo = Double.infinity
            var hi = -Double.infinity
            for j in 0..<3 where probabilities[3 * t + j] > 0 {
                lo = min(lo, values[3 * t + j])
                hi = max(hi, values[3 * t + j])
            }
            var qLo = 0.0
            var qHi = 0.0
            for j in 0..<3 where probabilities[3 * t + j] > 0 {
                if values[3 * t + j] == lo { qLo += probabilities[3 * t + j] }
                if values[3 * t + j] == hi { qHi += probabilities[3 * t + j] }
            }
            low += lo
            high += hi
            pLow *= qLo
            pHigh *= qHi
        }
        return (low, pLow, high, pHigh)
    }

    /// P(S ≤ s).
    public func lowerTail(_ s: Double) -> Double {
        guard count > 0 else { return s >= 0 ? 1 : 0 }
        let edge = extremes()
        let tolerance = 1e-9 * max(1, Swift.abs(edge.low), Swift.abs(edge.high))
        if s < edge.low - tolerance { return 0 }
        if s <= edge.low + tolerance { return edge.lowProbability }
        if s >= edge.high - tolerance { return 1 }
        return min(1, max(edge.lowProbability, approximateLower(s)))
    }

    /// P(S ≥ s).
    public func upperTail(_ s: Double) -> Double {
        var mirrored = self
        for k in mirrored.values.indices { mirrored.values[k] = -mirrored.values[k] }
        return mirrored.lowerTail(-s)
    }

    func approximateLower(_ s: Double) -> Double {
        let (mean, variance) = moments
        guard variance > 0 else { return s >= mean ? 1 : 0 }
        // Newton on K′(λ) = s, safeguarded by a bracket.
        var lambda = (s - mean) / variance
        var lo = -Double.infinity
        var hi = Double.infinity
        var c = cumulants(lambda)
        for _ in 0..<200 {
            let f = c.k1 - s
            if Swift.abs(f) <= 1e-12 * max(1, Swift.abs(s)) { break }
            if f > 0 { hi = min(hi, lambda) } else { lo = max(lo, lambda) }
            var next = lambda - f / max(c.k2, 1e-300)
            if !(next > lo && next < hi) || !next.isFinite {
                if lo.isFinite && hi.isFinite {
                    next = 0.5 * (lo + hi)
                } else if lo.isFinite {
                    next = lo + max(1, Swift.abs(lo))
                } else {
                    next = hi - max(1, Swift.abs(hi))
                }
            }
            if next == lambda { break }
            lambda = next
            c = cumulants(lambda)
        }
        let r = lambda * s - c.k
        let w = (lambda < 0 ? -1.0 : 1.0) * (2 * max(0, r)).squareRoot()
        let u = lambda * c.k2.squareRoot()
        if Swift.abs(w) < 1e-4 || Swift.abs(u) < 1e-8 {
            return Normal.cdf((s - mean) / variance.squareRoot())
        }
        let phi = Foundation.exp(-0.5 * w * w) / (2 * Double.pi).squareRoot()
        return Normal.cdf(w) + phi * (1 / w - 1 / u)
    }
}
