/// Percentiles by linear interpolation between order statistics — numpy's
/// default (`method="linear"`): position h = q·(m − 1) in the sorted sample.
/// O(m log m) for the sort.
public enum Percentile {
    /// The q-quantile (0 ≤ q ≤ 1) of `values`, ignoring NaNs; nil if none remain.
    public static func of(_ values: [Double], _ q: Double) -> Double? {
        let sorted = values.filter { !$0.isNaN }.sorted()
        return sorted.isEmpty ? nil : ofSorted(sorted, q)
    }

    /// The q-quantile of an already sorted, NaN-free, non-empty sample.
    public static func ofSorted(_ sorted: [Double], _ q: Double) -> Double {
        let h = q * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let frac = h - Double(lo)
        if frac == 0 || sorted[lo] == sorted[hi] { return sorted[lo] }
        return sorted[lo] + frac * (sorted[hi] - sorted[lo])
    }
}
