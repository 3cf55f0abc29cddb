/// Krippendorff's α for nominal data (Krippendorff, "Content Analysis",
/// 2004/2013, ch. 12; "Computing Krippendorff's Alpha-Reliability", 2011).
///
/// Each unit (a battle: one prompt and one pair of contenders) holds the
/// counts of each category its raters chose; units with fewer than two
/// ratings are not pairable and are skipped. From the coincidence matrix
/// o_ck = Σᵤ nᵤc·(nᵤk − [c = k]) / (mᵤ − 1) with marginals n_c and total n,
///
///     α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k.
///
/// α = 1 is perfect agreement, 0 is agreement at chance level, negative is
/// systematic disagreement; nil when nothing is pairable or every rating
/// falls in one category (no variation to agree about). Handles any number
/// of raters per unit and missing ratings. O(units × categories²).
public enum KrippendorffAlpha {
    public static func nominal(_ units: [[Int]]) -> Double? {
        guard let categories = units.first?.count else { return nil }
        var observedDisagreement = 0.0
        var marginal = [Double](repeating: 0, count: categories)
        for unit in units {
            let m = unit.reduce(0, +)
            guard m >= 2 else { continue }
            let scale = 1 / Double(m - 1)
            for c in 0..<categories {
                marginal[c] += Double(unit[c])
                for k in 0..<categories where k != c {
                    observedDisagreement += Double(unit[c] * unit[k]) * scale
                }
            }
        }
        let n = marginal.reduce(0, +)
        guard n >= 2 else { return nil }
        var expected = 0.0
        for c in 0..<categories {
            for k in 0..<categories where k != c { expected += marginal[c] * marginal[k] }
        }
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * observedDisagreement / expected
    }
}
