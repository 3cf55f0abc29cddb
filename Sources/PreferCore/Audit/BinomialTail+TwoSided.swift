import Foundation

extension BinomialTail {
    /// The exact two-sided p-value of k successes in n fair trials
    /// (Binomial(n, ½)): P(|X − n/2| ≥ |k − n/2|) = 2·P(X ≥ max(k, n − k)),
    /// capped at 1. The tail is summed from its near end in log space and
    /// stops once the terms no longer change the sum (they fall
    /// geometrically), so it is O(√n) rather than O(n) for large n.
    public static func twoSidedFair(_ k: Int, n: Int) -> Double {
        guard n > 0 else { return 1 }
        let high = max(k, n - k)
        if 2 * high == n { return 1 }
        let first = logPMF(high, n: n, p: 0.5)
        var sum = 1.0  // terms relative to the first
        var term = 1.0
        var j = high
        while j < n {
            // P(j+1)/P(j) = (n − j)/(j + 1)
            term *= Double(n - j) / Double(j + 1)
            sum += term
            j += 1
            if term < sum * 1e-17 { break }
        }
        return min(1, 2 * Foundation.exp(first) * sum)
    }
}
