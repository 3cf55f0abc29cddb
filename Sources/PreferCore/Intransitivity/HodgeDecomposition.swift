import Foundation

/// How much of the pairwise preference signal is transitive: the
/// combinatorial Hodge decomposition of the observed pairwise flow (HodgeRank,
/// Jiang, Lim, Yao & Ye 2011, "Statistical ranking and combinatorial Hodge
/// theory").
///
/// The flow on each pair that met is the empirical log-odds
/// yᵢⱼ = log((sᵢⱼ + ½)/(nᵢⱼ − sᵢⱼ + ½)) (ties as half wins, continuity-corrected)
/// with inverse-variance weight wᵢⱼ = nᵢⱼ·p̃(1 − p̃), p̃ = (sᵢⱼ + ½)/(nᵢⱼ + 1).
/// Its weighted least-squares projection onto gradient flows θᵢ − θⱼ (a
/// graph-Laplacian solve) is the transitive part; the residual is the
/// cyclic part (curl plus harmonic). Reported:
/// - gradient share ‖grad‖²_w / ‖y‖²_w, the share of pairwise variance (about
///   an even split) that one scale explains;
/// - cyclic share, the rest, and the part of it that sampling noise alone
///   would give, df/‖y‖²_w with df = pairs − (n − 1) (each weighted residual
///   is about a standard normal when preferences are transitive);
/// - the residual's χ²(df) statistic and p-value, a test of transitivity
///   (approximate: it needs several votes on most pairs).
/// Cost: O(pairs + n³).
public struct HodgeDecomposition: Sendable {
    public init() {}

    public struct Result: Sendable, Codable, Equatable {
        public var gradientShare: Double
        public var cyclicShare: Double
        /// The cyclic share expected from sampling noise alone.
        public var noiseShare: Double
        public var residual: Double
        public var df: Int
        public var pValue: Double
        /// The gradient potential on the Elo scale (centred at 0 per component).
        public var potential: [Double]

        enum CodingKeys: String, CodingKey {
            case gradientShare = "gradient_share"
            case cyclicShare = "cyclic_share"
            case noiseShare = "noise_share"
            case residual = "residual_chi2"
            case df
            case pValue = "p_value"
            case potential
        }
    }

    public func decompose(_ counts: PairCounts, estimator: BradleyTerry = BradleyTerry()) -> Result {
        let n = counts.contenderCount
        var y: [Double] = []
        var w: [Double] = []
        var laplacian = [Double](repeating: 0, count: n * n)
        var divergence = [Double](repeating: 0, count: n)
        var pairs = 0
        for q in 0..<counts.pairCount {
            let total = counts.total(q)
            guard total > 0 else { continue }
            let s = counts.score(q)
            let flow = Foundation.log((s + 0.5) / (total - s + 0.5))
            let pt = (s + 0.5) / (total + 1)
            let weight = total * pt * (1 - pt)
            let i = Int(counts.first[q])
            let j = Int(counts.second[q])
            y.append(flow)
            w.append(weight)
            laplacian[i * n + i] += weight
            laplacian[j * n + j] += weight
            laplacian[i * n + j] -= weight
            laplacian[j * n + i] -= weight
            divergence[i] += weight * flow
            divergence[j] -= weight * flow
            pairs += 1
        }
        let graph = ComparisonGraph(counts)
        // The Laplacian plus one rank-one term per component is definite; its
        // solve gives the potential with each component's sum fixed at 0.
        var m = laplacian
        for c in 0..<graph.componentCount {
            let members = graph.members(of: c)
            for a in members { for b in members { m[a * n + b] += 1 } }
        }
        var theta = divergence
        if let factor = Cholesky(m, n: n) { factor.solve(&theta) } else { theta = Array(repeating: 0, count: n) }
        var total = 0.0
        var gradient = 0.0
        var residual = 0.0
        var k = 0
        for q in 0..<counts.pairCount where counts.total(q) > 0 {
            let g = theta[Int(counts.first[q])] - theta[Int(counts.second[q])]
            total += w[k] * y[k] * y[k]
            gradient += w[k] * g * g
            residual += w[k] * (y[k] - g) * (y[k] - g)
            k += 1
        }
        let df = max(0, pairs - (n - graph.componentCount))
        let gradientShare = total > 0 ? gradient / total : 1
        return Result(
            gradientShare: gradientShare,
            cyclicShare: total > 0 ? residual / total : 0,
            noiseShare: total > 0 ? min(1, Double(df) / total) : 0,
            residual: residual,
            df: df,
            pValue: df > 0 ? ChiSquared.survival(residual, degreesOfFreedom: Double(df)) : 1,
            potential: theta.map { estimator.eloPerNat * $0 })
    }
}
