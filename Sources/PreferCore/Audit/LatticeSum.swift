import Foundation

/// The exact distribution of a sum of independent variables on a small
/// integer lattice {0, 1, …, r}: r = 1 gives the Poisson–binomial
/// distribution (a count of successes with unequal probabilities), r = 2 a
/// sum of scores 0, ½ and 1 counted in half points (a tie is one half point).
///
/// Built by convolving one term at a time (the textbook dynamic program,
/// e.g. Chen & Liu 1997 for the Poisson–binomial): O(m²·r²) for m terms,
/// exact up to rounding. Above `exactLimit` terms it switches to the
/// saddlepoint approximation with a continuity correction, O(m) per tail.
public struct LatticeSum: Sendable {
    /// Per term, the probabilities of 0, 1, …, r.
    public private(set) var terms: [[Double]] = []
    public let span: Int
    public var exactLimit = 1500

    public init(span: Int) {
        precondition(span >= 1 && span <= 2, "span 1 (counts) or 2 (half points)")
        self.span = span
    }

    public mutating func append(_ probabilities: [Double]) {
        precondition(probabilities.count == span + 1, "one probability per lattice point")
        terms.append(probabilities)
    }

    public var mean: Double {
        terms.reduce(0) { total, p in total + p.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element } }
    }

    /// The whole distribution: entry h is P(S = h).
    public func distribution() -> [Double] {
        var dist = [Double](repeating: 0, count: terms.count * span + 1)
        dist[0] = 1
        var top = 0
        for p in terms {
            var next = [Double](repeating: 0, count: dist.count)
            for h in 0...top where dist[h] != 0 {
                for j in 0...span { next[h + j] += dist[h] * p[j] }
            }
            dist = next
            top += span
        }
        return dist
    }

    /// P(S ≥ h).
    public func upperTail(_ h: Int) -> Double {
        if h <= 0 { return 1 }
        if h > terms.count * span { return 0 }
        if terms.count > exactLimit { return saddlepoint().upperTail(Double(h) - 0.5) }
        let dist = distribution()
        return min(1, dist[h...].reduce(0, +))
    }

    /// P(S ≤ h).
    public func lowerTail(_ h: Int) -> Double {
        if h < 0 { return 0 }
        if h >= terms.count * span { return 1 }
        if terms.count > exactLimit { return saddlepoint().lowerTail(Double(h) + 0.5) }
        let dist = distribution()
        return min(1, dist[...h].reduce(0, +))
    }

    /// P(S ≥ h) and P(S ≤ h), from one pass over the distribution when exact.
    public func tails(_ h: Int) -> (upper: Double, lower: Double) {
        guard terms.count <= exactLimit, h > 0, h < terms.count * span else { return (upperTail(h), lowerTail(h)) }
        let dist = distribution()
        return (min(1, dist[h...].reduce(0, +)), min(1, dist[...h].reduce(0, +)))
    }

    /// Two-sided p-value: twice the smaller tail, at most 1.
    public func twoSided(_ h: Int) -> Double {
        let (upper, lower) = tails(h)
        return min(1, 2 * min(upper, lower))
    }

    func saddlepoint() -> SaddlepointTail {
        var tail = SaddlepointTail()
        for p in terms { tail.append(values: (0...span).map(Double.init), probabilities: p) }
        return tail
    }
}
