import Foundation

/// Robust ("sandwich") standard errors for Bradley–Terry ratings, as LMArena's
/// arena-rank computes them by default (Huber 1967; White 1980).
///
/// Cov(θ̂) = I⁺ · G · I⁺, where I = Σ_cells c·w·p(1−p)·(eᵢ−eⱼ)(eᵢ−eⱼ)ᵀ is the
/// information and G = Σ_cells c·w²·(y − p)²·(eᵢ−eⱼ)(eᵢ−eⱼ)ᵀ the empirical
/// covariance of the per-vote scores (y = 1, 0 or ½; both scaled by the
/// multiplicity for the duplicated L2 design). I is a Laplacian, so I⁺ is
/// taken on the contrasts: (I + 11ᵀ)⁻¹, which equals I⁺ there; the penalised
/// fit uses (I + ρI)⁻¹. Without an anchor the errors are those of the
/// mean-centred ratings; with one, of each rating's difference from the
/// anchor. Intervals are rating ± z·se with z the normal quantile for
/// `level`. Cost: O(cells + n³).
public struct SandwichIntervals: Sendable {
    public var level: Double

    public init(level: Double = 0.95) {
        self.level = level
    }

    public func compute(_ counts: PairCounts, fit: BradleyTerryFit) -> RatingIntervals {
        let n = counts.contenderCount
        let estimator = fit.estimator
        let c = estimator.eloPerNat
        let m = estimator.multiplicity
        var variance = [Double](repeating: 0, count: n)
        let groups: [[Int]] = estimator.l2 > 0
            ? [Array(0..<n)]
            : (0..<fit.graph.componentCount).map { fit.graph.members(of: $0) }
        for members in groups where members.count > 1 {
            let problem = PairwiseProblem(counts, members: members, multiplicity: m, ridge: estimator.ridge)
            let local = members.map { fit.theta[$0] }
            var position = [Int](repeating: -1, count: n)
            for (k, member) in members.enumerated() { position[member] = k }
            let size = members.count
            guard let factor = problem.definiteFactor(problem.information(local)) else { continue }
            let inverse = factor.inverse()
            var g = [Double](repeating: 0, count: size * size)
            for cell in counts.cells {
                let p = Int(cell.pair)
                let a = position[Int(counts.first[p])]
                let b = position[Int(counts.second[p])]
                guard a >= 0, b >= 0 else { continue }
                let q = PairwiseProblem.sigmoid(local[a] - local[b])
                let y: Double
                switch cell.kind {
                case .firstWins: y = 1
                case .secondWins: y = 0
                case .tie: y = 0.5
                }
                let v = Double(cell.count) * cell.weight * cell.weight * m * m * (y - q) * (y - q)
                g[a * size + a] += v
                g[b * size + b] += v
                g[a * size + b] -= v
                g[b * size + a] -= v
            }
            let cov = multiply(multiply(inverse, g, size), inverse, size)
            let anchor = fit.anchorIndex.flatMap { position[$0] >= 0 ? position[$0] : nil }
            for (k, member) in members.enumerated() {
                if let anchor {
                    variance[member] = cov[k * size + k] + cov[anchor * size + anchor] - 2 * cov[k * size + anchor]
                } else {
                    variance[member] = cov[k * size + k]
                }
            }
        }
        let z = Normal.quantile(1 - (1 - level) / 2)
        let se = variance.map { c * max(0, $0).squareRoot() }
        return RatingIntervals(
            method: .sandwich,
            level: level,
            lower: (0..<n).map { fit.ratings[$0] - z * se[$0] },
            upper: (0..<n).map { fit.ratings[$0] + z * se[$0] },
            standardErrors: se,
            rankLower: nil,
            rankUpper: nil,
            warnings: [],
            bootstrap: nil
        )
    }

    private func multiply(_ x: [Double], _ y: [Double], _ n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let v = x[i * n + k]
                if v == 0 { continue }
                for j in 0..<n { out[i * n + j] += v * y[k * n + j] }
            }
        }
        return out
    }
}
