extension BenjaminiHochberg {
    /// Benjamini–Hochberg adjusted p-values ("q-values"): for the i-th
    /// smallest of m p-values, min over j ≥ i of m·p₍ⱼ₎/j, capped at 1, so
    /// that a hypothesis is rejected at level q exactly when its adjusted
    /// value is ≤ q. NaN entries (tests not made) stay NaN and do not count
    /// in m. O(m log m).
    public static func adjusted(_ pValues: [Double]) -> [Double] {
        let tested = pValues.indices.filter { !pValues[$0].isNaN }
        let m = Double(tested.count)
        let order = tested.sorted { pValues[$0] < pValues[$1] }
        var out = [Double](repeating: .nan, count: pValues.count)
        var running = 1.0
        for (rank, index) in order.enumerated().reversed() {
            running = min(running, pValues[index] * m / Double(rank + 1))
            out[index] = min(1, running)
        }
        return out
    }
}
