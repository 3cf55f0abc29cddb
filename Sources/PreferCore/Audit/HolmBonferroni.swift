/// Holm's step-down procedure (Holm 1979): with m p-values sorted
/// ascending, reject p₍₁₎, p₍₂₎, … while p₍ᵢ₎ ≤ α/(m − i + 1), and stop at
/// the first that is not. The chance of rejecting any true hypothesis
/// (the family-wise error rate) stays at most α under any dependence, and
/// it rejects everything Bonferroni (p ≤ α/m) rejects, and sometimes more.
/// O(m log m).
public struct HolmBonferroni: Sendable {
    public var level: Double

    public init(level: Double) {
        self.level = level
    }

    /// `line` is α/(m − k + 1) at the number k rejected: p₍ₖ₊₁₎ > α/(m − k),
    /// which is above it.
    public typealias Result = Rejections

    public func apply(_ pValues: [Double]) -> Result {
        let m = pValues.count
        let order = Rejections.ascending(pValues)
        var k = 0
        for index in order {
            guard pValues[index] <= level / Double(m - k) else { break }
            k += 1
        }
        return Rejections(rejectingFirst: k, of: order, line: level / Double(m - k + 1))
    }
}
