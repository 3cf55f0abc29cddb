import Foundation

/// The result of `BradleyTerryMixture.fit` for one number of types: types
/// ordered by share (largest first, numbered from 0 in that order), each
/// with its strengths, and every annotator's posterior over the types.
public struct MixtureFit: Sendable {
    public let contenders: [String]
    public let voters: [String]
    public let types: Int
    /// Prior share π_t of each type.
    public let shares: [Double]
    /// Natural-log strengths per type, centred to mean 0 (T × n).
    public let theta: [[Double]]
    /// Ratings on the Elo scale per type: initial + scale·θ/ln(base), or
    /// shifted so that the anchor sits at its rating in every type.
    public let ratings: [[Double]]
    /// Posterior type probabilities, row-major U × T.
    public let posteriors: [Double]
    /// The marginal log-likelihood Σ_u log Σ_t π_t exp ℓ_u(t) at the fit.
    public let logLikelihood: Double
    /// The same minus the ridge, which the fit maximises.
    public let objective: Double
    public let bic: Double
    /// Free parameters: T(n − 1) strengths and T − 1 shares.
    public let parameters: Int
    public let iterations: Int
    public let converged: Bool
    public let votes: Int
    public let estimator: BradleyTerry
    /// The strengths as fitted (uncentred), for the intervals' warm starts.
    let rawTheta: [Double]
    let ridge: Double

    init(engine: MixtureEngine, objective: Double, iterations: Int, converged: Bool, estimator: BradleyTerry) {
        let t = engine.types
        let n = engine.n
        let data = engine.data
        let order = (0..<t).sorted { (engine.shares[$0], -$0) > (engine.shares[$1], -$1) }
        contenders = data.contenders
        voters = data.voters
        types = t
        shares = order.map { engine.shares[$0] }
        var raw: [Double] = []
        var centred: [[Double]] = []
        for k in order {
            let row = Array(engine.theta[(k * n)..<((k + 1) * n)])
            raw += row
            let mean = row.reduce(0, +) / Double(n)
            centred.append(row.map { $0 - mean })
        }
        rawTheta = raw
        theta = centred
        ratings = centred.map { estimator.ratings(fromCentred: $0, contenders: data.contenders) }
        var post = [Double](repeating: 0, count: engine.posteriors.count)
        for u in 0..<data.voterCount {
            for (newType, oldType) in order.enumerated() {
                post[u * t + newType] = engine.posteriors[u * t + oldType]
            }
        }
        posteriors = post
        self.objective = objective
        logLikelihood = objective + engine.penalty
        parameters = t * (n - 1) + (t - 1)
        bic = -2 * logLikelihood
            + Double(t * (n - 1)) * Foundation.log(Double(max(data.totalVotes, 1)))
            + Double(t - 1) * Foundation.log(Double(max(data.voterCount, 1)))
        self.iterations = iterations
        self.converged = converged
        votes = data.totalVotes
        self.estimator = estimator
        ridge = engine.ridge
    }

    /// The most probable type of annotator `u`.
    public func assignedType(of u: Int) -> Int {
        var best = 0
        for k in 1..<max(types, 1) where posteriors[u * types + k] > posteriors[u * types + best] { best = k }
        return best
    }

    /// The posterior probability of annotator `u`'s most probable type.
    public func posterior(of u: Int) -> Double {
        posteriors[u * types + assignedType(of: u)]
    }
}
