import Foundation

/// Intransitive triangles the votes support: A > B > C > A with every edge
/// significant, with the false discovery rate controlled across triangles.
///
/// Edge test: for contenders i and j, the exact one-sided sign test on the
/// decisive votes (ties and "both bad" carry no direction and are left out):
/// p(i ≻ j) = P(X ≥ wᵢ), X ~ Binomial(wᵢ + wⱼ, ½). Every vote counts once
/// (weights are ignored); pairs with disjoint votes give independent tests.
///
/// Triangle test: for an oriented triangle, H₀ is "some edge does not go the
/// cycle's way"; it is the union of the three edge nulls, so the
/// intersection–union test rejects it at level α when all three one-sided
/// p-values are ≤ α (Berger 1982): p = max of the three. Both orientations
/// of every triangle whose three pairs met are tested, m = 2 × closed
/// triangles.
///
/// Multiplicity: triangles that share an edge share its votes, so their
/// p-values are dependent in a way no one has shown to be positive
/// regression dependent; the default is therefore Benjamini–Yekutieli
/// (`BenjaminiYekutieli`), which controls the FDR at q under any
/// dependence. Benjamini–Hochberg is offered as the more powerful choice
/// that assumes positive dependence. When no intransitivity is planted, all
/// nulls hold and the FDR is the chance of reporting any cycle at all.
///
/// Cost: O(votes) for the counts, O(pairs · votes per pair) for the exact
/// tails, O(n³) for the triangles (1.3 million on 200 contenders, a few
/// lookups each), O(k log k) to sort the k candidates with p ≤ q.
public struct CycleSearch: Sendable {
    public enum Procedure: String, Sendable, Codable, CaseIterable {
        case benjaminiYekutieli = "by"
        case benjaminiHochberg = "bh"
    }

    public var falseDiscoveryRate: Double
    public var procedure: Procedure
    /// At most this many triangles are listed (all are counted).
    public var limit: Int

    public init(falseDiscoveryRate: Double = 0.05, procedure: Procedure = .benjaminiYekutieli, limit: Int = 50) {
        self.falseDiscoveryRate = falseDiscoveryRate
        self.procedure = procedure
        self.limit = limit
    }

    public struct Edge: Sendable, Codable, Equatable {
        public var winner: String
        public var loser: String
        public var wins: Int
        public var losses: Int
        public var ties: Int
        /// Winner's share of the decisive votes.
        public var winRate: Double
        /// One-sided exact sign-test p-value for winner ≻ loser.
        public var pValue: Double

        enum CodingKeys: String, CodingKey {
            case winner, loser, wins, losses, ties
            case winRate = "win_rate"
            case pValue = "p_value"
        }
    }

    public struct Triangle: Sendable, Codable, Equatable {
        /// A, B, C with A ≻ B ≻ C ≻ A.
        public var cycle: [String]
        public var edges: [Edge]
        /// The intersection–union p-value: the largest edge p-value.
        public var pValue: Double
        /// The procedure's adjusted p-value.
        public var qValue: Double

        enum CodingKeys: String, CodingKey {
            case cycle, edges
            case pValue = "p_value"
            case qValue = "q_value"
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var procedure: String
        public var test: String
        public var falseDiscoveryRate: Double
        /// Oriented triangles tested (2 × triangles whose three pairs met).
        public var tested: Int
        /// Triangles found significant.
        public var significant: Int
        /// The p-value line of the procedure at the number rejected (0 when none).
        public var threshold: Double
        /// The significant triangles, smallest p-value first, at most `limit`.
        public var cycles: [Triangle]
        /// How often each contender appears in a significant triangle.
        public var contenders: [String: Int]

        enum CodingKeys: String, CodingKey {
            case procedure, test
            case falseDiscoveryRate = "fdr"
            case tested, significant, threshold, cycles, contenders
        }
    }

    public func run(_ counts: PairCounts) -> Result {
        let n = counts.contenderCount
        // Dense per ordered pair: the one-sided p-value that row beats column (NaN: never met).
        var p = [Double](repeating: .nan, count: n * n)
        var pairIndex = [Int32](repeating: -1, count: n * n)
        for q in 0..<counts.pairCount {
            let i = Int(counts.first[q])
            let j = Int(counts.second[q])
            let wi = Int(counts.firstWins[q].rounded())
            let wj = Int(counts.secondWins[q].rounded())
            let decisive = wi + wj
            p[i * n + j] = decisive == 0 ? 1 : BinomialTail.upper(wi, n: decisive, p: 0.5)
            p[j * n + i] = decisive == 0 ? 1 : BinomialTail.upper(wj, n: decisive, p: 0.5)
            pairIndex[i * n + j] = Int32(q)
            pairIndex[j * n + i] = Int32(q)
        }
        let q = falseDiscoveryRate
        var candidates: [(i: Int32, j: Int32, k: Int32, p: Double)] = []
        var closed = 0
        p.withUnsafeBufferPointer { p in
            for i in 0..<n {
                for j in (i + 1)..<max(i + 1, n) where !p[i * n + j].isNaN {
                    for k in (j + 1)..<max(j + 1, n) where !p[j * n + k].isNaN && !p[i * n + k].isNaN {
                        closed += 1
                        // i ≻ j ≻ k ≻ i, and the reverse i ≻ k ≻ j ≻ i.
                        let forward = max(p[i * n + j], p[j * n + k], p[k * n + i])
                        if forward <= q { candidates.append((Int32(i), Int32(j), Int32(k), forward)) }
                        let backward = max(p[i * n + k], p[k * n + j], p[j * n + i])
                        if backward <= q { candidates.append((Int32(i), Int32(k), Int32(j), backward)) }
                    }
                }
            }
        }
        let tested = 2 * closed
        let pValues = candidates.map(\.p)
        let rejections: Rejections
        let adjusted: [Double]
        switch procedure {
        case .benjaminiYekutieli:
            let by = BenjaminiYekutieli(level: q)
            rejections = by.apply(pValues, total: tested)
            adjusted = by.adjusted(pValues, total: tested)
        case .benjaminiHochberg:
            // BH on the candidates with the total count: thresholds k·q/m.
            let m = Double(max(tested, 1))
            let order = Rejections.ascending(pValues)
            var k = 0
            for (rank, index) in order.enumerated() where pValues[index] <= Double(rank + 1) * q / m { k = rank + 1 }
            rejections = Rejections(rejectingFirst: k, of: order, line: Double(k) * q / m)
            var out = [Double](repeating: 1, count: pValues.count)
            var running = 1.0
            for (rank, index) in order.enumerated().reversed() {
                running = min(running, m * pValues[index] / Double(rank + 1))
                out[index] = min(1, running)
            }
            adjusted = out
        }
        let rejected = candidates.indices.filter { rejections.rejected[$0] }
            .sorted { (candidates[$0].p, $0) < (candidates[$1].p, $1) }
        var appearances: [String: Int] = [:]
        for index in rejected {
            let c = candidates[index]
            for x in [c.i, c.j, c.k] { appearances[counts.contenders[Int(x)], default: 0] += 1 }
        }
        func edge(_ winner: Int32, _ loser: Int32) -> Edge {
            let w = Int(winner)
            let l = Int(loser)
            let pair = Int(pairIndex[w * n + l])
            let firstIsWinner = Int(counts.first[pair]) == w
            let wins = Int((firstIsWinner ? counts.firstWins[pair] : counts.secondWins[pair]).rounded())
            let losses = Int((firstIsWinner ? counts.secondWins[pair] : counts.firstWins[pair]).rounded())
            return Edge(
                winner: counts.contenders[w], loser: counts.contenders[l],
                wins: wins, losses: losses, ties: Int(counts.ties[pair].rounded()),
                winRate: wins + losses > 0 ? Double(wins) / Double(wins + losses) : 0.5,
                pValue: p[w * n + l])
        }
        let listed = rejected.prefix(max(0, limit)).map { index -> Triangle in
            let c = candidates[index]
            return Triangle(
                cycle: [c.i, c.j, c.k].map { counts.contenders[Int($0)] },
                edges: [edge(c.i, c.j), edge(c.j, c.k), edge(c.k, c.i)],
                pValue: c.p, qValue: adjusted[index])
        }
        return Result(
            procedure: procedure == .benjaminiYekutieli ? "benjamini-yekutieli" : "benjamini-hochberg",
            test: "exact one-sided sign test per edge on decisive votes; triangle p = largest edge p (intersection-union)",
            falseDiscoveryRate: q,
            tested: tested,
            significant: rejected.count,
            threshold: rejections.line,
            cycles: listed,
            contenders: appearances)
    }
}
