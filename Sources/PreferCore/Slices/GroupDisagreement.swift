/// How far groups of annotators disagree (*PRISM*, *Community Alignment*,
/// *Artificial Hivemind*): for every pair of groups, the rank correlation of
/// their leaderboards and the contenders whose ratings differ beyond their
/// intervals.
///
/// Each group's board is fitted on its own votes and bootstrapped on its own
/// (`RatingSamples`; groups are disjoint, so this is a stratified bootstrap).
/// For a pair of groups, on the contenders both rate:
/// - Kendall τ-b between the two rankings (`KendallTau`), with the
///   percentile interval of τ recomputed round by round on the paired
///   bootstrap ratings (round r of one group against round r of the other).
/// - Per contender, the difference of its ratings after centring both boards
///   on the shared contenders' mean (ratings are only defined up to a shift),
///   its percentile interval over the rounds, and a two-sided bootstrap
///   p-value, (1 + 2·min(#{d ≤ 0}, #{d ≥ 0})) / (R + 1). A contender
///   *differs beyond its intervals* when the difference's interval excludes
///   0 — at level 0.95, about 5% of contenders of two groups with the same
///   tastes do by chance, so q-values (Benjamini–Hochberg over every
///   contender of every pair) say which differences survive a false-discovery
///   rate of 1 − level.
/// Without bootstrap samples only τ is given. Cost: O(pairs × rounds ×
/// contenders²) for τ, O(pairs × rounds × contenders) for the differences.
public struct GroupDisagreement: Sendable, Codable {
    public struct Difference: Sendable, Codable, Equatable {
        public var name: String
        /// Centred ratings in the first and second group.
        public var ratingA: Double
        public var ratingB: Double
        /// ratingA − ratingB, with its interval.
        public var difference: Double
        public var lower: Double?
        public var upper: Double?
        public var pValue: Double?
        public var qValue: Double?
        /// The difference's interval excludes 0.
        public var beyondIntervals: Bool
        /// Rejected by Benjamini–Hochberg at 1 − level across all differences.
        public var significant: Bool

        enum CodingKeys: String, CodingKey {
            case name
            case ratingA = "rating_a"
            case ratingB = "rating_b"
            case difference, lower, upper
            case pValue = "p_value"
            case qValue = "q_value"
            case beyondIntervals = "beyond_intervals"
            case significant
        }
    }

    public struct Pair: Sendable, Codable {
        public var a: String
        public var b: String
        /// Contenders both groups rate.
        public var contenders: Int
        public var kendallTau: Double?
        public var tauLower: Double?
        public var tauUpper: Double?
        /// Names of the contenders that differ beyond their intervals, largest difference first.
        public var differing: [String]
        public var differences: [Difference]

        enum CodingKeys: String, CodingKey {
            case a, b, contenders
            case kendallTau = "kendall_tau"
            case tauLower = "tau_lower"
            case tauUpper = "tau_upper"
            case differing, differences
        }
    }

    public var level: Double?
    public var rounds: Int?
    public var pairs: [Pair]
    public var method: String

    /// The report for groups named `names`, with their boards and (optional) bootstrap samples.
    public init(names: [String], boards: [Leaderboard], samples: [RatingSamples?], level: Double) {
        precondition(names.count == boards.count && boards.count == samples.count, "one board and sample set per group")
        let bootstrapped = samples.allSatisfy { $0 != nil } && !samples.isEmpty
        self.level = bootstrapped ? level : nil
        rounds = bootstrapped ? samples.compactMap { $0?.rounds }.min() : nil
        method = bootstrapped
            ? "Kendall τ-b on shared contenders; intervals from paired bootstrap rounds of each group's own bootstrap; differences after centring on the shared contenders; Benjamini–Hochberg q-values at \(fixed(1 - level, 2))"
            : "Kendall τ-b on shared contenders; no intervals (give --bootstrap N for them)"
        var pairs: [Pair] = []
        var pValues: [Double] = []
        var locations: [(Int, Int)] = []
        for i in 0..<names.count {
            for j in (i + 1)..<names.count {
                let pair = Self.compare(
                    names[i], boards[i], samples[i], names[j], boards[j], samples[j],
                    level: level, bootstrapped: bootstrapped)
                for (k, d) in pair.differences.enumerated() {
                    if let p = d.pValue {
                        pValues.append(p)
                        locations.append((pairs.count, k))
                    }
                }
                pairs.append(pair)
            }
        }
        if !pValues.isEmpty {
            let m = Double(pValues.count)
            let rejected = BenjaminiHochberg(level: 1 - level).apply(pValues).rejected
            // Adjusted q-values: min over k ≥ rank of p₍ₖ₎·m/k.
            let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
            var q = [Double](repeating: 1, count: pValues.count)
            var running = 1.0
            for (rank, index) in order.enumerated().reversed() {
                running = min(running, pValues[index] * m / Double(rank + 1))
                q[index] = running
            }
            for (n, (p, k)) in locations.enumerated() {
                pairs[p].differences[k].qValue = q[n]
                pairs[p].differences[k].significant = rejected[n]
            }
        }
        self.pairs = pairs
    }

    static func compare(
        _ nameA: String, _ a: Leaderboard, _ sa: RatingSamples?,
        _ nameB: String, _ b: Leaderboard, _ sb: RatingSamples?,
        level: Double, bootstrapped: Bool
    ) -> Pair {
        let shared = a.contenders.map(\.name).filter { b.entry(named: $0) != nil }.sorted()
        let ra = shared.map { a.entry(named: $0)!.rating }
        let rb = shared.map { b.entry(named: $0)!.rating }
        let meanA = ra.reduce(0, +) / Double(max(shared.count, 1))
        let meanB = rb.reduce(0, +) / Double(max(shared.count, 1))
        var pair = Pair(
            a: nameA, b: nameB, contenders: shared.count, kendallTau: KendallTau.tauB(ra, rb),
            tauLower: nil, tauUpper: nil, differing: [], differences: [])
        var differences = shared.indices.map { k in
            Difference(
                name: shared[k], ratingA: ra[k] - meanA, ratingB: rb[k] - meanB,
                difference: (ra[k] - meanA) - (rb[k] - meanB),
                lower: nil, upper: nil, pValue: nil, qValue: nil, beyondIntervals: false, significant: false)
        }
        guard bootstrapped, let sa, let sb, shared.count >= 1 else {
            pair.differences = differences
            return pair
        }
        let ia = sa.indices(of: shared)
        let ib = sb.indices(of: shared)
        let rounds = min(sa.rounds, sb.rounds)
        var taus: [Double] = []
        var deltas = [[Double]](repeating: [], count: shared.count)
        var x: [Double] = []
        var y: [Double] = []
        var present: [Int] = []
        for r in 0..<rounds {
            x.removeAll(keepingCapacity: true)
            y.removeAll(keepingCapacity: true)
            present.removeAll(keepingCapacity: true)
            for k in shared.indices {
                guard let i = ia[k], let j = ib[k] else { continue }
                let u = sa[r, i]
                let v = sb[r, j]
                if u.isNaN || v.isNaN { continue }
                x.append(u)
                y.append(v)
                present.append(k)
            }
            guard !present.isEmpty else { continue }
            if let tau = KendallTau.tauB(x, y) { taus.append(tau) }
            let mx = x.reduce(0, +) / Double(x.count)
            let my = y.reduce(0, +) / Double(y.count)
            for (n, k) in present.enumerated() { deltas[k].append((x[n] - mx) - (y[n] - my)) }
        }
        let qLow = (1 - level) / 2
        if !taus.isEmpty {
            taus.sort()
            pair.tauLower = Percentile.ofSorted(taus, qLow)
            pair.tauUpper = Percentile.ofSorted(taus, 1 - qLow)
        }
        for k in shared.indices where !deltas[k].isEmpty {
            let sorted = deltas[k].sorted()
            let lo = Percentile.ofSorted(sorted, qLow)
            let hi = Percentile.ofSorted(sorted, 1 - qLow)
            let below = sorted.count(where: { $0 <= 0 })
            let above = sorted.count(where: { $0 >= 0 })
            differences[k].lower = lo
            differences[k].upper = hi
            differences[k].pValue = min(1, Double(1 + 2 * min(below, above)) / Double(sorted.count + 1))
            differences[k].beyondIntervals = lo > 0 || hi < 0
        }
        pair.differences = differences
        pair.differing = differences.filter(\.beyondIntervals)
            .sorted { (Swift.abs($0.difference), $1.name) > (Swift.abs($1.difference), $0.name) }
            .map(\.name)
        return pair
    }
}
