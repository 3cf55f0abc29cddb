/// What a multiple-testing procedure (`BenjaminiHochberg`, `HolmBonferroni`)
/// decided about m p-values: it always rejects the k smallest, and draws a
/// line — every p-value at or under it is rejected, every one above it is not.
public struct Rejections: Sendable {
    /// One flag per p-value.
    public var rejected: [Bool]
    /// The procedure's threshold at the number rejected (0 when none is).
    public var line: Double

    /// The indices of `pValues`, smallest p-value first.
    static func ascending(_ pValues: [Double]) -> [Int] {
        pValues.indices.sorted { pValues[$0] < pValues[$1] }
    }

    /// Rejects the first `k` of `order` (indices into m p-values).
    init(rejectingFirst k: Int, of order: [Int], line: Double) {
        rejected = [Bool](repeating: false, count: order.count)
        for index in order.prefix(k) { rejected[index] = true }
        self.line = k > 0 ? line : 0
    }
}
