/// Cohen's κ between two raters of the same items (Cohen, 1960):
/// κ = (p_o − p_e) / (1 − p_e), with p_o the observed share of agreement
/// (the confusion matrix's diagonal over its total) and p_e the agreement
/// expected by chance from each rater's marginal shares, Σ_k p_k· · p_·k.
/// Undefined (nil) when p_e = 1 (both raters always give the one same label)
/// or there are no items. Matches scikit-learn's `cohen_kappa_score`.
/// O(k²) for k labels.
public enum CohenKappa {
    /// κ of a k×k confusion matrix (rows: one rater, columns: the other).
    public static func kappa(_ matrix: [[Double]]) -> Double? {
        let k = matrix.count
        guard k > 0, matrix.allSatisfy({ $0.count == k }) else { return nil }
        var total = 0.0
        var diagonal = 0.0
        var rows = [Double](repeating: 0, count: k)
        var columns = [Double](repeating: 0, count: k)
        for i in 0..<k {
            for j in 0..<k {
                let value = matrix[i][j]
                total += value
                rows[i] += value
                columns[j] += value
                if i == j { diagonal += value }
            }
        }
        guard total > 0 else { return nil }
        let observed = diagonal / total
        var expected = 0.0
        for i in 0..<k { expected += (rows[i] / total) * (columns[i] / total) }
        guard expected < 1 - 1e-12 else { return nil }
        return (observed - expected) / (1 - expected)
    }

    /// κ of labels given in pairs (each label an index below `labels`).
    public static func kappa(_ pairs: [(Int, Int)], labels: Int) -> Double? {
        kappa(confusion(pairs, labels: labels).map { $0.map(Double.init) })
    }

    /// The confusion matrix: `[first][second]` counts.
    public static func confusion(_ pairs: [(Int, Int)], labels: Int) -> [[Int]] {
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: labels), count: labels)
        for (first, second) in pairs where first >= 0 && first < labels && second >= 0 && second < labels {
            matrix[first][second] += 1
        }
        return matrix
    }
}
