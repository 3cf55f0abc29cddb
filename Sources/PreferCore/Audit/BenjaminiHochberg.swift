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

    /// `line` is k·q/m at the number k rejected.
    public typealias Result = Rejections

    public func apply(_ pValues: [Double]) -> Result {
        let m = pValues.count
        let order = Rejections.ascending(pValues)
        var k = 0
        for (rank, index) in order.enumerated() where pValues[index] <= Double(rank + 1) * level / Double(m) {
            k = rank + 1
        }
        return Rejections(rejectingFirst: k, of: order, line: Double(k) * level / Double(m))
    }
}
