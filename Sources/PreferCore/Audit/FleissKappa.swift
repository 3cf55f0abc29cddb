/// Fleiss' κ for many raters and nominal categories (Fleiss 1971).
///
/// For unit i with nᵢ ratings and nᵢⱼ in category j, the unit's agreement is
/// Pᵢ = (Σⱼ nᵢⱼ² − nᵢ) / (nᵢ(nᵢ − 1)); P̄ is their mean, pⱼ = Σᵢ nᵢⱼ / Σᵢ nᵢ
/// the category shares and P̄ₑ = Σⱼ pⱼ², and κ = (P̄ − P̄ₑ)/(1 − P̄ₑ). Fleiss
/// assumed the same number of raters per unit; with unequal numbers this is
/// the usual generalisation (each unit weighted equally in P̄, categories
/// pooled over all ratings). Units with fewer than two ratings are skipped.
/// nil when nothing is left or P̄ₑ = 1. O(units × categories).
public enum FleissKappa {
    public struct Result: Sendable, Hashable {
        public var kappa: Double
        /// P̄: the mean share of agreeing rater pairs.
        public var observed: Double
        /// P̄ₑ: the agreement expected by chance.
        public var expected: Double
    }

    public static func compute(_ units: [[Int]]) -> Result? {
        guard let categories = units.first?.count else { return nil }
        var agreement = 0.0
        var counted = 0
        var totals = [Double](repeating: 0, count: categories)
        for unit in units {
            let n = unit.reduce(0, +)
            guard n >= 2 else { continue }
            let squares = unit.reduce(0) { $0 + $1 * $1 }
            agreement += Double(squares - n) / Double(n * (n - 1))
            counted += 1
            for j in 0..<categories { totals[j] += Double(unit[j]) }
        }
        let all = totals.reduce(0, +)
        guard counted > 0, all > 0 else { return nil }
        let observed = agreement / Double(counted)
        let expected = totals.reduce(0) { $0 + ($1 / all) * ($1 / all) }
        guard expected < 1 else { return nil }
        return Result(kappa: (observed - expected) / (1 - expected), observed: observed, expected: expected)
    }
}
