import Foundation

/// Kendall's rank correlation τ-b between two paired samples (Kendall 1945,
/// the tie-corrected form; scipy's `kendalltau` default):
/// τ_b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), with C and D the concordant and
/// discordant pairs, n₀ = n(n−1)/2, n₁ and n₂ the pairs tied in x and in y.
/// 1 when the two orders agree, −1 when they are reversed. Direct count,
/// O(n²) — rankings of a few hundred contenders.
public enum KendallTau {
    /// τ-b of `x` and `y` (same length); nil with fewer than two pairs or
    /// when either side is constant.
    public static func tauB(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count, "paired samples")
        let n = x.count
        guard n >= 2 else { return nil }
        var concordant = 0
        var discordant = 0
        var tiedX = 0
        var tiedY = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dx = x[i] - x[j]
                let dy = y[i] - y[j]
                if dx == 0 { tiedX += 1 }
                if dy == 0 { tiedY += 1 }
                if dx == 0 || dy == 0 { continue }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let pairs = n * (n - 1) / 2
        let denominator = (Double(pairs - tiedX) * Double(pairs - tiedY)).squareRoot()
        guard denominator > 0 else { return nil }
        return Double(concordant - discordant) / denominator
    }
}
