import Foundation

/// The beta distribution Beta(α, β): its CDF, the regularised incomplete
/// beta function I_x(α, β), by Lentz's continued fraction on the side where
/// it converges fast (Numerical Recipes §6.4; Press et al. 2007), to about
/// 1e-14. O(√max(α, β)) iterations.
public struct BetaDistribution: Sendable, Hashable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0, "Beta needs positive parameters")
        self.alpha = alpha
        self.beta = beta
    }

    public var mean: Double { alpha / (alpha + beta) }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(alpha + beta) - lgamma(alpha) - lgamma(beta)
            + alpha * log(x) + beta * log1p(-x)
        if x < (alpha + 1) / (alpha + beta + 2) {
            return min(1, exp(logFront) * Self.fraction(alpha, beta, x) / alpha)
        }
        return max(0, 1 - exp(logFront) * Self.fraction(beta, alpha, 1 - x) / beta)
    }

    /// P(X > x).
    public func survival(_ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        // The mirror image, to keep precision in the far tail.
        return BetaDistribution(alpha: beta, beta: alpha).cdf(1 - x)
    }

    /// The continued fraction of I_x(a, b), modified Lentz.
    private static func fraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if Swift.abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<10_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if Swift.abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if Swift.abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if Swift.abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
