import Foundation

/// The Benjamini–Yekutieli step-up procedure (Benjamini & Yekutieli 2001,
/// Theorem 1.3): reject the k smallest of m p-values, k the largest with
/// p₍ₖ₎ ≤ k·q / (m·c(m)), c(m) = Σᵢ₌₁ᵐ 1/i. It keeps the false discovery
/// rate at most q under any dependence between the tests, at the price of
/// the factor c(m) ≈ ln m + 0.577 over Benjamini–Hochberg.
///
/// Only p-values at or below q can ever be rejected (every threshold is
/// below q), so a caller with very many hypotheses may pass just those as
/// candidates and give the total count as `total`. O(k log k) for k
/// candidates, O(m) once for c(m) (closed form above 10⁶).
public struct BenjaminiYekutieli: Sendable {
    public var level: Double

    public init(level: Double) {
        self.level = level
    }

    /// c(m) = Σ 1/i, the harmonic number.
    public static func harmonic(_ m: Int) -> Double {
        if m > 1_000_000 {
            let x = Double(m)
            return Foundation.log(x) + 0.577_215_664_901_532_9 + 1 / (2 * x) - 1 / (12 * x * x)
        }
        var sum = 0.0
        var i = m
        while i >= 1 {
            sum += 1 / Double(i)
            i -= 1
        }
        return sum
    }

    /// Decides on `pValues`, which are the candidates among `total` tests
    /// (the rest have p-values above `level`); nil `total` means all are given.
    public func apply(_ pValues: [Double], total: Int? = nil) -> Rejections {
        let m = max(total ?? pValues.count, pValues.count)
        guard m > 0 else { return Rejections(rejectingFirst: 0, of: [], line: 0) }
        let step = level / (Double(m) * Self.harmonic(m))
        let order = Rejections.ascending(pValues)
        var k = 0
        for (rank, index) in order.enumerated() where pValues[index] <= Double(rank + 1) * step {
            k = rank + 1
        }
        return Rejections(rejectingFirst: k, of: order, line: Double(k) * step)
    }

    /// Adjusted p-values (q-values) of the candidates: min over k ≥ rank of
    /// m·c(m)·p₍ₖ₎/k, capped at 1. Exact for every candidate whose q-value is
    /// at most `level`.
    public func adjusted(_ pValues: [Double], total: Int? = nil) -> [Double] {
        let m = max(total ?? pValues.count, pValues.count)
        let factor = Double(m) * Self.harmonic(m)
        let order = Rejections.ascending(pValues)
        var out = [Double](repeating: 1, count: pValues.count)
        var running = 1.0
        for (rank, index) in order.enumerated().reversed() {
            running = min(running, factor * pValues[index] / Double(rank + 1))
            out[index] = min(1, running)
        }
        return out
    }
}
