import Foundation

/// What one more vote on each pair would teach, from a fitted Bradley–Terry
/// model: the scores (or, for `width`, the design) the active sampling rules
/// give the pairs.
///
/// Information. A vote on (i, j) with qᵢⱼ = σ(θᵢ−θⱼ) has score y ∈ {0, ½, 1}
/// (ties count half). Its curvature is w = q(1−q) and its score variance
/// g = q(1−q) − t/4, t the tie probability, so its sandwich (Godambe)
/// information is e = w²/g ≥ w: ties make close pairs more informative still.
/// t is modelled as ν·2·min(q, 1−q) (ties likelier between close contenders),
/// with ν estimated from the votes as ties / Σ 2·min(q, 1−q). With tᵢⱼ votes
/// on each pair, M = Σ tᵢⱼ·eᵢⱼ·(eᵢ−eⱼ)(eᵢ−eⱼ)ᵀ + ρI (ρ = 1/`priorSD`², a
/// weak prior that keeps contenders with few votes finite) and the
/// covariance of the centred strengths is C = P·M⁻¹·P (P = I − 11ᵀ/n).
///
/// One more vote on (i, j) adds e along d = eᵢ−eⱼ; by Sherman–Morrison every
/// variance drops by ΔVar(θₖ) = e/(1 + e·s)·(C·d)ₖ², s = dᵀCd = Var(θᵢ−θⱼ),
/// and Var(θᵢ−θⱼ) drops from s to s/(1 + e·s). The rules:
///
/// - `width` (MV-optimal design): the distribution ξ over pairs for the next
///   B votes (B = a tenth of the votes so far, at least 10·n: the votes the
///   plan serves before the next refreshes re-plan) that minimises
///   Σₖ (rₖ·Var(θₖ))ᵐ (m = 32, a smooth maximum of the variances) given the
///   information M already has, rₖ the ratio of the contender's sandwich
///   variance (what its interval shows) to the model's (clamped to [½, 2]) —
///   computed by the multiplicative algorithm
///   for optimal designs (Silvey, Titterington & Torsney 1978): ξₐ ←
///   ξₐ·exp(η·gₐ/max g), gₐ = eₐ·Σₖ ωₖ(C·dₐ)ₖ², ωₖ = rₖ(rₖCₖₖ/max rC)^(m−1), the
///   decrease of the objective per unit of mass on pair a. Warm-started from
///   the previous plan's design, so the refreshes refine it.
/// - `lmarena`: √s − √(s/(1+e·s)), the decrease of the pair's
///   rating-difference standard error (Chiang et al. 2024, §5, where the
///   pair's estimate rests on its own votes: √(Σ/n) − √(Σ/(n+1))).
/// - `topK`: the same design with rₖ also divided by dₖ², dₖ the distance of
///   θₖ from the top-k boundary c (midway between the k-th and (k+1)-th
///   fitted strengths, floored at 0.5 Elo): it minimises the largest
///   se/distance, the contenders whose intervals straddle the boundary.
/// - `informationGain`: Σₖ [H(πₖ) − E H(πₖ′)], the expected information gain about
///   top-k membership (Lindley 1956), πₖ = Φ((θₖ − c)/√Cₖₖ) with c midway
///   between the k-th and (k+1)-th fitted strengths, H the binary entropy and
///   the expectation over the preposterior θₖ′ ~ N(θₖ, ΔVar) with variance
///   Cₖₖ − ΔVar (three-point Gauss–Hermite).
///
/// Cost: O(pairs + n³) for the covariance; O(n³) for the `lmarena` and
/// `informationGain` scores of all n(n−1)/2 pairs; O(n³) per design iteration.
struct PairInformation: Sendable {
    let n: Int
    /// Natural log strengths.
    let theta: [Double]
    /// The information of the votes so far (without the prior), row-major n×n.
    let information: [Double]
    /// Covariance of the centred strengths, row-major n×n.
    let covariance: [Double]
    /// Tie propensity ν: P(tie) = ν·2·min(q, 1−q).
    let tiePropensity: Double
    let rho: Double
    let votes: Double
    /// Per contender, what the design weighs its variance by: the
    /// leaderboard's (sandwich) variance over this model-based one, clamped
    /// to [½, 2], so that the design equalises the variances the intervals
    /// will actually show (1 until `observe` is called); for the top-k rule,
    /// also divided by the squared distance to the top-k boundary.
    var inflation: [Double]

    /// The prior standard deviation in natural units (400 Elo).
    static let defaultPriorSD = 400 / (400 / Foundation.log(10.0))
    /// The smooth maximum's exponent in the width rule.
    static let widthExponent = 32.0
    /// The design's horizon, as a share of the votes so far (at least 10 per contender).
    static let horizonShare = 0.1
    /// Smallest distance to the top-k boundary the top-k rule uses (0.5 Elo, in nats).
    static let boundaryFloor = 0.5 * Foundation.log(10.0) / 400

    init(counts: PairCounts, theta: [Double], priorSD: Double = defaultPriorSD) {
        let n = counts.contenderCount
        self.n = n
        self.theta = theta
        var ties = 0.0
        var closeness = 0.0
        for p in 0..<counts.pairCount {
            let q = PairwiseProblem.sigmoid(theta[Int(counts.first[p])] - theta[Int(counts.second[p])])
            ties += counts.ties[p]
            closeness += counts.total(p) * 2 * min(q, 1 - q)
        }
        tiePropensity = closeness > 0 ? min(1, ties / closeness) : 0
        votes = Double(counts.totalVotes)
        rho = 1 / (priorSD * priorSD)
        var m = [Double](repeating: 0, count: n * n)
        for p in 0..<counts.pairCount {
            let a = Int(counts.first[p])
            let b = Int(counts.second[p])
            let w = counts.total(p) * Self.perVote(theta[a] - theta[b], tiePropensity)
            m[a * n + a] += w
            m[b * n + b] += w
            m[a * n + b] -= w
            m[b * n + a] -= w
        }
        information = m
        covariance = Self.centredInverse(m, n: n, rho: rho)
        inflation = Array(repeating: 1, count: n)
    }

    /// Sets `inflation` from the fit's sandwich intervals (O(cells + n³)).
    mutating func observe(_ counts: PairCounts, fit: BradleyTerryFit) {
        guard fit.graph.componentCount == 1, fit.estimator.l2 == 0 else { return }
        let sandwich = SandwichIntervals().compute(counts, fit: fit)
        let perNat = fit.estimator.eloPerNat
        for k in 0..<n {
            let model = variance(k)
            let observed = sandwich.standardErrors[k] / perNat
            guard model > 0, observed > 0, !fit.provisional[k] else { continue }
            inflation[k] = min(2, max(0.5, observed * observed / model))
        }
    }

    /// The sandwich information of one vote between strengths differing by x.
    @inline(__always)
    static func perVote(_ x: Double, _ nu: Double) -> Double {
        let q = PairwiseProblem.sigmoid(x)
        let w = q * (1 - q)
        let t = min(nu * 2 * min(q, 1 - q), 1)
        let g = max(w - t / 4, 0.05 * w)
        return w * w / g
    }

    @inline(__always)
    func perVote(_ i: Int, _ j: Int) -> Double { Self.perVote(theta[i] - theta[j], tiePropensity) }

    /// P·(M + ρI)⁻¹·P.
    static func centredInverse(_ m: [Double], n: Int, rho: Double) -> [Double] {
        var a = m
        for k in 0..<n { a[k * n + k] += rho }
        var sigma: [Double]
        if let factor = Cholesky(a, n: n) {
            sigma = factor.inverse()
        } else {
            // Not reachable with ρ > 0 and finite strengths; the prior alone then.
            sigma = [Double](repeating: 0, count: n * n)
            for k in 0..<n { sigma[k * n + k] = 1 / rho }
        }
        var rowMean = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n { s += sigma[i * n + j] }
            rowMean[i] = s / Double(n)
        }
        let grand = rowMean.reduce(0, +) / Double(n)
        for i in 0..<n {
            for j in 0..<n { sigma[i * n + j] += grand - rowMean[i] - rowMean[j] }
        }
        return sigma
    }

    @inline(__always)
    func variance(_ k: Int) -> Double { max(0, covariance[k * n + k]) }

    /// Index of the unordered pair i < j among the n(n−1)/2 pairs.
    @inline(__always)
    static func pairIndex(_ i: Int, _ j: Int, n: Int) -> Int {
        i * (2 * n - i - 1) / 2 + (j - i - 1)
    }

    /// The rule's score of every pair, in `pairIndex` order (non-negative);
    /// for `width` and `topK`, the design itself. `previous` warm-starts the design.
    func scores(_ settings: ActiveSampling, previous: [Double]? = nil) -> [Double] {
        guard n >= 2 else { return [] }
        switch settings.rule {
        case .width:
            return widthDesign(start: previous, iterations: settings.designIterations)
        case .topK:
            var boundary = self
            boundary.measureAgainstBoundary(k: settings.topK)
            return boundary.widthDesign(start: previous, iterations: settings.designIterations)
        case .lmarena:
            return lmarenaScores()
        case .informationGain:
            return topKScores(k: settings.topK)
        }
    }

    /// Divides each contender's weight by its squared distance to the top-k
    /// boundary (midway between the k-th and (k+1)-th fitted strengths,
    /// floored at 0.5 Elo), so that the design minimises the largest
    /// se/distance: the contenders whose intervals still straddle the
    /// boundary. With k ≥ n nothing is uncertain and the weights stay.
    mutating func measureAgainstBoundary(k: Int) {
        guard k < n else { return }
        let sorted = theta.sorted(by: >)
        let boundary = (sorted[k - 1] + sorted[k]) / 2
        for c in 0..<n {
            let distance = max(Swift.abs(theta[c] - boundary), Self.boundaryFloor)
            inflation[c] /= distance * distance
        }
    }

    /// Variance of the pair's difference and the Sherman–Morrison factor e/(1+e·s).
    @inline(__always)
    private func update(_ i: Int, _ j: Int) -> (s: Double, factor: Double) {
        let e = perVote(i, j)
        let s = max(0, covariance[i * n + i] + covariance[j * n + j] - 2 * covariance[i * n + j])
        return (s, e / (1 + e * s))
    }

    /// The MV-optimal design for the next votes (see the type's notes).
    func widthDesign(start: [Double]?, iterations: Int) -> [Double] {
        let pairs = n * (n - 1) / 2
        var xi: [Double]
        if let start, start.count == pairs, start.allSatisfy({ $0 > 0 && $0.isFinite }) {
            xi = start
            ActiveSamplingPlan.normalise(&xi)
        } else {
            xi = Array(repeating: 1 / Double(pairs), count: pairs)
        }
        let horizon = max(votes * Self.horizonShare, 10 * Double(n))
        var e = [Double](repeating: 0, count: pairs)
        var pi = [Int32](repeating: 0, count: pairs)
        var pj = [Int32](repeating: 0, count: pairs)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let k = Self.pairIndex(i, j, n: n)
                e[k] = perVote(i, j)
                pi[k] = Int32(i)
                pj[k] = Int32(j)
            }
        }
        var gradient = [Double](repeating: 0, count: pairs)
        let step = 0.5
        for _ in 0..<max(1, iterations) {
            var m = information
            for k in 0..<pairs {
                let a = Int(pi[k])
                let b = Int(pj[k])
                let w = horizon * xi[k] * e[k]
                m[a * n + a] += w
                m[b * n + b] += w
                m[a * n + b] -= w
                m[b * n + a] -= w
            }
            let c = Self.centredInverse(m, n: n, rho: rho)
            let shown = (0..<n).map { inflation[$0] * max(0, c[$0 * n + $0]) }
            let largest = shown.max() ?? 0
            guard largest > 0 else { break }
            let omega = (0..<n).map { inflation[$0] * Foundation.pow(shown[$0] / largest, Self.widthExponent - 1) }
            c.withUnsafeBufferPointer { cov in
                for k in 0..<pairs {
                    let a = Int(pi[k])
                    let b = Int(pj[k])
                    var sum = 0.0
                    for r in 0..<n where omega[r] > 1e-12 {
                        let u = cov[r * n + a] - cov[r * n + b]
                        sum += omega[r] * u * u
                    }
                    gradient[k] = e[k] * sum
                }
            }
            let top = gradient.max() ?? 0
            guard top > 0 else { break }
            var total = 0.0
            for k in 0..<pairs {
                xi[k] *= Foundation.exp(step * (gradient[k] / top - 1))
                total += xi[k]
            }
            for k in 0..<pairs { xi[k] = max(xi[k] / total, 1e-300) }
        }
        return xi
    }

    func lmarenaScores() -> [Double] {
        var out = [Double](repeating: 0, count: n * (n - 1) / 2)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let (s, factor) = update(i, j)
                // s/(1+es) = s − factor·s²
                let after = max(0, s - factor * s * s)
                out[Self.pairIndex(i, j, n: n)] = max(0, s.squareRoot() - after.squareRoot())
            }
        }
        return out
    }

    /// Binary entropy of Φ(z), in nats.
    @inline(__always)
    static func membershipEntropy(_ z: Double) -> Double {
        let p = Normal.cdf(z)
        guard p > 0 && p < 1 else { return 0 }
        return -(p * Foundation.log(p) + (1 - p) * Foundation.log(1 - p))
    }

    func topKScores(k: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * (n - 1) / 2)
        guard k < n else { return out }
        let sorted = theta.sorted(by: >)
        let boundary = (sorted[k - 1] + sorted[k]) / 2
        // Contenders whose membership is still uncertain (|z| < 6).
        var open: [Int] = []
        var entropy = [Double](repeating: 0, count: n)
        for c in 0..<n {
            let v = variance(c)
            guard v > 0 else { continue }
            let z = (theta[c] - boundary) / v.squareRoot()
            if Swift.abs(z) < 6 {
                open.append(c)
                entropy[c] = Self.membershipEntropy(z)
            }
        }
        guard !open.isEmpty else { return out }
        let node = 3.0.squareRoot()
        covariance.withUnsafeBufferPointer { cov in
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let (_, factor) = update(i, j)
                    var gain = 0.0
                    for c in open {
                        let u = cov[c * n + i] - cov[c * n + j]
                        let tau2 = factor * u * u
                        let v = variance(c)
                        guard tau2 > 0, tau2 < v else { continue }
                        let after = (v - tau2).squareRoot()
                        let tau = tau2.squareRoot()
                        let m = theta[c] - boundary
                        // E over m' ~ N(m, τ²): nodes 0, ±√3 with weights 2/3, 1/6, 1/6.
                        let expected = 2.0 / 3 * Self.membershipEntropy(m / after)
                            + 1.0 / 6 * Self.membershipEntropy((m + node * tau) / after)
                            + 1.0 / 6 * Self.membershipEntropy((m - node * tau) / after)
                        gain += max(0, entropy[c] - expected)
                    }
                    out[Self.pairIndex(i, j, n: n)] = gain
                }
            }
        }
        return out
    }
}
