/// Kendall's τ-b (Kendall, 1945): (concordant − discordant) pairs over
/// √((n₀ − n₁)(n₀ − n₂)), where n₀ counts all pairs and n₁, n₂ the pairs
/// tied in x and in y — the ties-corrected form `scipy.stats.kendalltau`
/// computes by default. nil when either variable is constant. O(n²), for
/// leaderboards of up to a few thousand contenders.
public enum KendallTau {
    public static func tauB(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2 else { return nil }
        var concordant = 0.0
        var discordant = 0.0
        var tiedX = 0.0
        var tiedY = 0.0
        var pairs = 0.0
        for i in 0..<x.count {
            for j in (i + 1)..<x.count {
                pairs += 1
                let dx = x[i] - x[j]
                let dy = y[i] - y[j]
                if dx == 0 { tiedX += 1 }
                if dy == 0 { tiedY += 1 }
                if dx == 0 || dy == 0 { continue }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let denominator = ((pairs - tiedX) * (pairs - tiedY)).squareRoot()
        guard denominator > 0 else { return nil }
        return (concordant - discordant) / denominator
    }
}
