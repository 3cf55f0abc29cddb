import Foundation

/// The chi-squared distribution's upper tail, through the regularised upper
/// incomplete gamma function Q(k/2, x/2): by its power series below a + 1
/// and by Lentz's continued fraction above (Numerical Recipes §6.2; Press et
/// al. 2007), to about 1e-14 relative. O(√x) terms at worst, usually < 100.
public enum ChiSquared {
    /// P(X ≥ x) for X ~ χ²(degreesOfFreedom); 1 for x ≤ 0.
    public static func survival(_ x: Double, degreesOfFreedom k: Double) -> Double {
        precondition(k > 0, "chi-squared needs positive degrees of freedom")
        guard x > 0 else { return 1 }
        guard x.isFinite else { return 0 }
        return Gamma.upperRegularized(k / 2, x / 2)
    }
}

/// Regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x).
enum Gamma {
    static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x < a + 1 { return max(0, 1 - series(a, x)) }
        return continuedFraction(a, x)
    }

    static func lowerRegularized(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x < a + 1 { return series(a, x) }
        return max(0, 1 - continuedFraction(a, x))
    }

    /// P(a, x) = e^{−x} x^a / Γ(a) · Σ xⁿ / (a(a+1)…(a+n)).
    private static func series(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if Swift.abs(term) < Swift.abs(sum) * 1e-16 { break }
        }
        return min(1, sum * exp(-x + a * log(x) - lgamma(a)))
    }

    /// Q(a, x) by the continued fraction 1/(x+1−a− 1·(1−a)/(x+3−a− …)), modified Lentz.
    private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if Swift.abs(d) < tiny { d = tiny }
            c = b + an / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if Swift.abs(delta - 1) < 1e-16 { break }
        }
        return min(1, exp(-x + a * log(x) - lgamma(a)) * h)
    }
}
