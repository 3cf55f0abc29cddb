/// Walker's alias method (Walker 1977; Vose's stable construction, 1991):
/// draws an index i with probability w_i / Σw in O(1) after O(m) set-up.
///
/// Each column holds a 32-bit threshold and an alias index packed in one
/// 64-bit word, so a draw is one random number, one multiply and one load.
/// Probabilities are represented to 2⁻³² per column.
public struct AliasTable: Sendable {
    @usableFromInline let columns: [UInt64]

    /// Builds the table for non-negative weights with a positive sum.
    public init(weights: [Double]) {
        let m = weights.count
        precondition(m > 0, "an alias table needs at least one outcome")
        let total = weights.reduce(0, +)
        precondition(total > 0, "an alias table needs a positive total weight")
        var scaled = weights.map { $0 * Double(m) / total }
        var small: [Int] = []
        var large: [Int] = []
        small.reserveCapacity(m)
        large.reserveCapacity(m)
        for (i, q) in scaled.enumerated() {
            if q < 1 { small.append(i) } else { large.append(i) }
        }
        var threshold = [Double](repeating: 1, count: m)
        var alias = Array(0..<m)
        while let s = small.popLast() {
            guard let l = large.last else {
                break
            }
            threshold[s] = scaled[s]
            alias[s] = l
            scaled[l] = (scaled[l] + scaled[s]) - 1
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // Whatever is left (rounding) keeps its own column in full.
        columns = (0..<m).map { i in
            let t = threshold[i] >= 1 ? UInt64(UInt32.max) : UInt64(max(0, threshold[i]) * 4_294_967_296.0)
            return (min(t, UInt64(UInt32.max)) << 32) | UInt64(alias[i])
        }
    }

    public var count: Int { columns.count }

    @inlinable @inline(__always)
    public func sample(_ rng: inout Xoshiro256) -> Int {
        let m = rng.next().multipliedFullWidth(by: UInt64(columns.count))
        let column = Int(m.high)
        let entry = columns[column]
        return UInt32(truncatingIfNeeded: m.low >> 32) < UInt32(truncatingIfNeeded: entry >> 32)
            ? column : Int(truncatingIfNeeded: entry & 0xFFFF_FFFF)
    }
}
