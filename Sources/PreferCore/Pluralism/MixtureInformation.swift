import Foundation

/// Standard errors of a Bradley–Terry mixture's per-type ratings from the
/// observed information of the marginal likelihood, by Louis's identity for
/// EM (Louis 1982; McLachlan & Peel 2000, §2.15). An annotator's K-way
/// votes add their Plackett–Luce score and information to g_t and H_t: per
/// choice among the members left S with probabilities p, c·(e_chosen − p)
/// and c·(diag p − p pᵀ).
///
/// Parameters: the strengths θ_1…θ_T and the softmax logits η of the shares
/// (η_0 = 0). Per annotator u, with posteriors r_t, the complete-data score
/// g_t = ∇ℓ_u(t) and Hessian H_t of type t, the Hessian of
/// m_u = log Σ_t π_t exp ℓ_u(t) is
///     ∂²m/∂θ_t∂θ_t' = δ_tt' r_t (H_t + g_t g_tᵀ) − r_t r_t' g_t g_t'ᵀ
///     ∂²m/∂θ_t∂η_l  = r_t (δ_tl − r_l) g_t
///     ∂²m/∂η_k∂η_l  = r_k (δ_kl − r_l) − π_k (δ_kl − π_l)
/// — the complete-data information minus the missing information (the
/// posterior covariance of the scores), which is what makes the errors honest
/// about annotators whose type is uncertain. The information J is the sum
/// over annotators of minus these, plus the ridge ρI on the strengths;
/// Cov = J⁻¹, and the error of a centred rating is √(cᵀ Cov c) with
/// c = e_ti − 1/n over its type (or e_ti − e_t,anchor when anchored), on the
/// Elo scale. Intervals are rating ± z·se.
///
/// Cost: O(Σ_u (T·k_u)² + T·Σ_kway K²·r) to assemble (k_u = contenders
/// annotator u saw) and O((T·n)³) to invert.
public struct MixtureInformation: Sendable {
    public var level: Double

    public init(level: Double = 0.95) {
        self.level = level
    }

    public struct Result: Sendable {
        /// Standard errors on the Elo scale, T × n.
        public var standardErrors: [[Double]]
        public var lower: [[Double]]
        public var upper: [[Double]]
        public var warnings: [String]
    }

    public func compute(_ data: AnnotatorPairCounts, fit: MixtureFit) -> Result {
        let t = fit.types
        let n = data.contenderCount
        let dim = t * n + (t - 1)
        var info = [Double](repeating: 0, count: dim * dim)
        var seen = [Int](repeating: -1, count: n)
        var local: [Int] = []
        var g = [Double](repeating: 0, count: t * n)
        var h = [Double](repeating: 0, count: t * n * n)
        let theta = fit.rawTheta
        let shares = fit.shares
        for u in 0..<data.voterCount {
            let rows = data.start[u]..<data.start[u + 1]
            let kwayRows = data.kwayStart[u]..<data.kwayStart[u + 1]
            local.removeAll(keepingCapacity: true)
            for r in rows {
                for c in [Int(data.first[Int(data.pair[r])]), Int(data.second[Int(data.pair[r])])] where seen[c] < 0 {
                    seen[c] = local.count
                    local.append(c)
                }
            }
            for r in kwayRows {
                for member in data.members(ofCell: Int(data.kwayCell[r])) where seen[Int(member)] < 0 {
                    seen[Int(member)] = local.count
                    local.append(Int(member))
                }
            }
            let k = local.count
            // Scores and (negative) Hessians per type on the local contenders.
            for x in 0..<(t * k) { g[x] = 0 }
            for x in 0..<(t * k * k) { h[x] = 0 }
            for type in 0..<t {
                for r in rows {
                    let q = Int(data.pair[r])
                    let i = Int(data.first[q])
                    let j = Int(data.second[q])
                    let p = PairwiseProblem.sigmoid(theta[type * n + i] - theta[type * n + j])
                    let residual = data.score[r] - data.count[r] * p
                    let w = data.count[r] * p * (1 - p)
                    let a = seen[i]
                    let b = seen[j]
                    g[type * k + a] += residual
                    g[type * k + b] -= residual
                    let base = type * k * k
                    h[base + a * k + a] += w
                    h[base + b * k + b] += w
                    h[base + a * k + b] -= w
                    h[base + b * k + a] -= w
                }
                for r in kwayRows {
                    Self.addChoices(
                        data.members(ofCell: Int(data.kwayCell[r])), stages: Int(data.cellStages[Int(data.kwayCell[r])]),
                        count: data.kwayCount[r], theta: theta[(type * n)..<((type + 1) * n)], local: seen,
                        gradient: &g, gradientBase: type * k, information: &h, informationBase: type * k * k, k: k)
                }
            }
            let post = (0..<t).map { fit.posteriors[u * t + $0] }
            for t1 in 0..<t {
                let r1 = post[t1]
                for t2 in 0..<t {
                    let r2 = post[t2]
                    // J_tt' = δ r_t (−H_t) − δ r_t g gᵀ + r_t r_t' g_t g_t'ᵀ
                    let outer = (t1 == t2 ? -r1 : 0) + r1 * r2
                    if outer == 0 && t1 != t2 { continue }
                    for a in 0..<k {
                        let row = (t1 * n + local[a]) * dim + t2 * n
                        let ga = g[t1 * k + a] * outer
                        for b in 0..<k {
                            var v = ga * g[t2 * k + b]
                            if t1 == t2 { v += r1 * h[t1 * k * k + a * k + b] }
                            info[row + local[b]] += v
                        }
                    }
                }
                // θ_t1 with η_l (l ≥ 1): J = −r_t (δ_tl − r_l) g_t
                for l in 1..<max(t, 1) {
                    let factor = -r1 * ((t1 == l ? 1 : 0) - post[l])
                    if factor == 0 { continue }
                    let column = t * n + (l - 1)
                    for a in 0..<k {
                        let v = factor * g[t1 * k + a]
                        info[(t1 * n + local[a]) * dim + column] += v
                        info[column * dim + t1 * n + local[a]] += v
                    }
                }
            }
            // η blocks: J = −[r_k(δ − r_l) − π_k(δ − π_l)]
            for k1 in 1..<max(t, 1) {
                for l in 1..<max(t, 1) {
                    let delta = k1 == l ? 1.0 : 0
                    let fromPosterior: Double = post[k1] * (delta - post[l])
                    let fromShares: Double = shares[k1] * (delta - shares[l])
                    let v = fromShares - fromPosterior
                    let row: Int = t * n + k1 - 1
                    let column: Int = t * n + l - 1
                    info[row * dim + column] += v
                }
            }
            for c in local { seen[c] = -1 }
        }
        for x in 0..<(t * n) { info[x * dim + x] += fit.ridge }

        var warnings: [String] = []
        var factor = Cholesky(info, n: dim)
        if factor == nil {
            // Not a strict maximum numerically (a type with almost no votes, say):
            // steady the matrix and say so.
            var jitter = 1e-8 * (0..<dim).reduce(0) { max($0, info[$1 * dim + $1]) }
            while factor == nil && jitter < 1e6 {
                var m = info
                for x in 0..<dim { m[x * dim + x] += jitter }
                factor = Cholesky(m, n: dim)
                jitter *= 10
            }
            warnings.append("The mixture's information matrix is not positive definite (a type may have too few votes, or the fit is not at a maximum); its intervals are approximate.")
        }
        let z = Normal.quantile(0.5 + level / 2)
        let scale = fit.estimator.eloPerNat
        var se = [[Double]](repeating: Array(repeating: 0, count: n), count: t)
        if let factor {
            let cov = factor.inverse()
            let anchor = fit.estimator.anchor.flatMap { a in data.contenders.firstIndex(of: a.contender) }
            for type in 0..<t {
                let base = type * n
                var rowMean = [Double](repeating: 0, count: n)
                var total = 0.0
                for i in 0..<n {
                    var s = 0.0
                    for j in 0..<n { s += cov[(base + i) * dim + base + j] }
                    rowMean[i] = s / Double(n)
                    total += s
                }
                total /= Double(n * n)
                for i in 0..<n {
                    let v: Double
                    if let anchor {
                        v = cov[(base + i) * dim + base + i] + cov[(base + anchor) * dim + base + anchor]
                            - 2 * cov[(base + i) * dim + base + anchor]
                    } else {
                        v = cov[(base + i) * dim + base + i] - 2 * rowMean[i] + total
                    }
                    se[type][i] = scale * max(v, 0).squareRoot()
                }
            }
        }
        let lower = (0..<t).map { type in (0..<n).map { fit.ratings[type][$0] - z * se[type][$0] } }
        let upper = (0..<t).map { type in (0..<n).map { fit.ratings[type][$0] + z * se[type][$0] } }
        return Result(standardErrors: se, lower: lower, upper: upper, warnings: warnings)
    }

    /// Adds one K-way cell's Plackett–Luce score and information (`count`
    /// votes, `stages` choices among `members`, ranked first) under
    /// `theta` (one type's strengths, indexed by contender) to `gradient`
    /// and the k×k `information` at their bases, over the local indices
    /// `local[contender]`. O(K²·r).
    static func addChoices(
        _ members: ArraySlice<Int32>, stages: Int, count c: Double, theta: ArraySlice<Double>, local: [Int],
        gradient g: inout [Double], gradientBase: Int, information h: inout [Double], informationBase: Int, k: Int
    ) {
        let ids = members.map { Int($0) }
        let offset = theta.startIndex
        let top = ids.reduce(-Double.infinity) { max($0, theta[offset + $1]) }
        let e = ids.map { Foundation.exp(theta[offset + $0] - top) }
        var total = e.reduce(0, +)
        for s in 0..<stages {
            let chosen = local[ids[s]]
            g[gradientBase + chosen] += c
            for x in s..<ids.count {
                let a = local[ids[x]]
                let px = e[x] / total
                g[gradientBase + a] -= c * px
                h[informationBase + a * k + a] += c * px
                for y in s..<ids.count {
                    let b = local[ids[y]]
                    h[informationBase + a * k + b] -= c * px * e[y] / total
                }
            }
            total -= e[s]
        }
    }
}
