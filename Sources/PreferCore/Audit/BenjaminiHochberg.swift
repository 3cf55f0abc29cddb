/// The Benjamini–Hochberg step-up procedure (Benjamini & Hochberg 1995):
/// reject the k smallest of m p-values, k the largest with p₍ₖ₎ ≤ k·q/m.
/// It keeps the expected share of false discoveries among the rejections
/// at most q (independent or positively dependent tests), and when every
/// hypothesis is true it rejects anything at all with probability at most
/// q. O(m log m).
public struct BenjaminiHochberg: Sendable {
    public var level: Double

    public init(level: Double) {
        self.level = level
    }

    public struct Result: Sendable {
        /// One flag per p-value.
        public var rejected: [Bool]
        /// The BH line at the number rejected, k·q/m: every p-value at or
        /// under it is rejected (0 when none is).
        public var line: Double
    }

    public func apply(_ pValues: [Double]) -> Result {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var k = 0
        for (rank, index) in order.enumerated() where pValues[index] <= Double(rank + 1) * level / Double(m) {
            k = rank + 1
        }
        var rejected = [Bool](repeating: false, count: m)
        for index in order.prefix(k) { rejected[index] = true }
        return Result(rejected: rejected, line: k > 0 ? Double(k) * level / Double(m) : 0)
    }
}
