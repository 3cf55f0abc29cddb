/// Draws an index i with probability wᵢ / Σw by inverse transform sampling:
/// one uniform number u in [0, Σw), then a binary search for the first
/// running sum above u. O(m) to build the sums, O(log m) a draw.
///
/// `AliasTable` draws in O(1); this is for weights rebuilt often or read
/// back as sums (the active-sampling plans keep them), where the alias
/// table's set-up would cost more than the draws save.
public enum RunningSums {
    /// The first index whose running sum is above `u` (`sums` ascending, `u` below the last).
    @inlinable
    public static func index(above u: Double, in sums: [Double]) -> Int {
        var lo = 0
        var hi = sums.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if sums[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// An index drawn in proportion to its weight, or nil when the total is not positive.
    @inlinable
    public static func draw<R: RandomNumberGenerator>(from sums: [Double], using rng: inout R) -> Int? {
        guard let total = sums.last, total > 0 else { return nil }
        return index(above: Double.random(in: 0..<total, using: &rng), in: sums)
    }
}
