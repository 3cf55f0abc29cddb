import Foundation

/// Exact binomial tail probabilities, summed term by term in log space from
/// the far end of the tail (no normal approximation, no underflow for the
/// tiny p-values that decide a flag). O(n).
public enum BinomialTail {
    /// log P(X = k) for X ~ Binomial(n, p).
    public static func logPMF(_ k: Int, n: Int, p: Double) -> Double {
        if p <= 0 { return k == 0 ? 0 : -.infinity }
        if p >= 1 { return k == n ? 0 : -.infinity }
        return lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
            + Double(k) * Foundation.log(p) + Double(n - k) * Foundation.log1p(-p)
    }

    /// P(X ≥ k).
    public static func upper(_ k: Int, n: Int, p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        return sum((k...n).map { logPMF($0, n: n, p: p) })
    }

    /// P(X ≤ k).
    public static func lower(_ k: Int, n: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        return sum((0...k).map { logPMF($0, n: n, p: p) })
    }

    static func sum(_ logs: [Double]) -> Double {
        guard let top = logs.max(), top > -.infinity else { return 0 }
        return min(1, Foundation.exp(top) * logs.reduce(0) { $0 + Foundation.exp($1 - top) })
    }
}
