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

    public struct Result: Sendable {
        /// One flag per p-value.
        public var rejected: [Bool]
        /// α/(m − k + 1) at the number k rejected: every p-value at or under
        /// it is rejected, every p-value above it is not (0 when none is).
        public var line: Double
    }

    public func apply(_ pValues: [Double]) -> Result {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var k = 0
        for index in order {
            guard pValues[index] <= level / Double(m - k) else { break }
            k += 1
        }
        var rejected = [Bool](repeating: false, count: m)
        for index in order.prefix(k) { rejected[index] = true }
        return Result(rejected: rejected, line: k > 0 ? level / Double(m - k + 1) : 0)
    }
}
