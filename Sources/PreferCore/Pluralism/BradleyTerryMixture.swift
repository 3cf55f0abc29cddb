import Foundation

/// A latent-class mixture of Bradley–Terry models over annotators: each
/// annotator belongs to one of T preference types, each type has its own
/// strengths, and all of an annotator's votes come from their one type
/// (a finite mixture of paired-comparison models, as in the latent-class
/// Bradley–Terry models of Dittrich, Hatzinger & Katzenbeisser 1998 and
/// the mixture-of-preference-types view of PAL, Chen et al. 2024).
///
/// Model: annotator u has type z_u ~ Categorical(π); given z_u = t, each of
/// u's votes on (i, j) scores y ∈ {1, ½, 0} for i (ties and "both bad" are
/// half a win) with log-likelihood y·log σ(θ_ti − θ_tj) + (1−y)·log σ(θ_tj − θ_ti),
/// and each of u's K-way votes, ranking m_0 > … > m_{r−1} above the rest of
/// its K candidates (r = min(ranked, K − 1); a best pick has r = 1), has the
/// Plackett–Luce log-likelihood Σ_{s<r} [θ_{t,m_s} − log Σ_{p≥s} e^{θ_{t,m_p}}]
/// (Luce 1959; Plackett 1975) — Bradley–Terry when K = 2, so it is one model:
/// a latent-class Plackett–Luce mixture whose components score pairs as
/// Bradley–Terry. Votes of both kinds share the annotator's type, so the
/// EM responsibilities weigh all of them (PAL's mixture of preference types
/// and VPL's per-user latent, Poddar et al. 2024, with a discrete latent).
/// On pairwise votes alone every number is the Bradley–Terry mixture's.
/// The fit maximises the marginal log-likelihood
///     ℓ = Σ_u log Σ_t π_t exp ℓ_u(t)
/// minus a weak ridge (ρ/2)Σ_t‖θ_t‖² (ρ = 0.01, a N(0, 10²) prior on the
/// natural-log strengths that keeps a type with few votes finite).
///
/// Fitting: EM over annotators (Dempster, Laird & Rubin 1977) — posteriors
/// r_ut, then π_t = mean r_ut and a weighted Bradley–Terry fit per type
/// (Plackett–Luce with the K-way votes; `MixtureEngine`). Starts: `restarts` random hard assignments, each run
/// `warmupIterations` EM steps, and the best continued to convergence (the
/// "short runs of EM" strategy of Biernacki, Celeux & Govaert 2003). Each
/// restart has its own generator from (seed, T, restart).
///
/// Choosing T: BIC = −2ℓ + T(n−1)·log V + (T−1)·log U, with V votes (of
/// both kinds) and U annotators — the strengths are informed by votes, the shares by
/// annotators (Schwarz 1978; Keribin 2000 for its consistency in mixtures).
/// T = 1 is the ordinary (ridge) Bradley–Terry fit, so a BIC that prefers
/// T = 1 says the votes show no pluralism the data can support.
///
/// Cost: O(rows · T) per EM iteration (rows = distinct annotator–pair and
/// annotator–ranking combinations ≤ votes) plus O(T · Σ_cells K·r) to
/// tabulate the rankings' likelihoods, plus T Newton solves O(pairs + n³)
/// (with K-way votes O(pairs + Σ_cells K²·r + n³), cells = distinct
/// rankings), spread over the cores; memory O(rows + U·T + T·(pairs + cells)).
public struct BradleyTerryMixture: Sendable {
    /// Largest number of types BIC chooses among.
    public var maxTypes: Int
    public var restarts: Int
    public var warmupIterations: Int
    public var maxIterations: Int
    /// Converged when an EM step raises the objective by less than
    /// `tolerance` · (1 + |objective|).
    public var tolerance: Double
    public var ridge: Double
    public var seed: UInt64
    /// Worker threads; nil uses every core. The numbers do not depend on it.
    public var threads: Int?
    /// The Elo scale (scale, base, initial rating) of the reported ratings.
    public var estimator: BradleyTerry

    public init(
        maxTypes: Int = 4,
        restarts: Int = 10,
        warmupIterations: Int = 20,
        maxIterations: Int = 2000,
        tolerance: Double = 1e-10,
        ridge: Double = 0.01,
        seed: UInt64 = 42,
        threads: Int? = nil,
        estimator: BradleyTerry = BradleyTerry()
    ) {
        self.maxTypes = maxTypes
        self.restarts = restarts
        self.warmupIterations = warmupIterations
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.ridge = ridge
        self.seed = seed
        self.threads = threads
        self.estimator = estimator
    }

    var workerCount: Int { max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount) }

    /// Fits every T in 1...maxTypes (or only `types`) and chooses by BIC.
    public func select(
        _ data: AnnotatorPairCounts,
        types: Int? = nil,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(RatingError) -> MixtureSelection {
        try validate(data, types: types)
        let candidates = types.map { [$0] } ?? Array(1...min(maxTypes, data.voterCount))
        var fits: [MixtureFit] = []
        for (k, t) in candidates.enumerated() {
            fits.append(fit(data, types: t))
            progress?(k + 1, candidates.count)
        }
        var chosen = 0
        for k in fits.indices where fits[k].bic < fits[chosen].bic { chosen = k }
        return MixtureSelection(fits: fits, chosenIndex: chosen)
    }

    func validate(_ data: AnnotatorPairCounts, types: Int?) throws(RatingError) {
        guard data.totalVotes > 0 else {
            throw RatingError(data.votesWithoutVoter > 0
                ? "The mixture needs to know who voted: none of the votes has a voter (a judge or voter field)."
                : "No votes to fit a mixture to: the input is empty or every row was filtered out.")
        }
        guard data.contenderCount >= 2 else { throw RatingError("The mixture needs at least two contenders.") }
        if let types, types < 1 || types > data.voterCount {
            throw RatingError("--types must be between 1 and the number of annotators (\(data.voterCount)); got \(types).")
        }
        guard maxTypes >= 1 else { throw RatingError("--max-types must be at least 1; got \(maxTypes).") }
        guard restarts >= 1 else { throw RatingError("--restarts must be at least 1; got \(restarts).") }
    }

    /// The best of `restarts` short runs with `types` types, run to convergence.
    public func fit(_ data: AnnotatorPairCounts, types: Int) -> MixtureFit {
        var best: MixtureEngine?
        var bestObjective = -Double.infinity
        var iterations = 0
        if types == 1 {
            var engine = MixtureEngine(data: data, types: 1, ridge: ridge, threads: workerCount)
            for k in 0..<engine.posteriors.count { engine.posteriors[k] = 1 }
            engine.sweep(updatePosteriors: false)
            engine.maximize()
            best = engine
        } else {
            for r in 0..<max(restarts, 1) {
                var rng = Xoshiro256(seed: seed, stream: UInt64(types) << 32 | UInt64(r))
                var engine = MixtureEngine(data: data, types: types, ridge: ridge, threads: workerCount)
                engine.startRandomly(&rng)
                var objective = -Double.infinity
                for _ in 0..<warmupIterations { objective = engine.iterate() }
                iterations += warmupIterations
                if best == nil || objective > bestObjective {
                    best = engine
                    bestObjective = objective
                }
            }
        }
        guard var engine = best else { preconditionFailure("at least one start") }
        let run = Self.converge(&engine, tolerance: tolerance, maxIterations: maxIterations)
        return MixtureFit(engine: engine, objective: run.objective, iterations: iterations + run.iterations,
                          converged: run.converged, estimator: estimator)
    }

    /// Runs EM until the objective stops rising; leaves the posteriors and
    /// sums consistent with the final parameters.
    static func converge(_ engine: inout MixtureEngine, tolerance: Double, maxIterations: Int)
        -> (objective: Double, iterations: Int, converged: Bool)
    {
        var previous = -Double.infinity
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            let objective = engine.iterate()
            iterations += 1
            if objective - previous < tolerance * (1 + Swift.abs(objective)) {
                converged = true
                break
            }
            previous = objective
        }
        let objective = engine.evaluate()
        return (objective, iterations, converged)
    }
}

/// The fits for each number of types tried, and the one BIC chose.
public struct MixtureSelection: Sendable {
    public var fits: [MixtureFit]
    public var chosenIndex: Int
    public var chosen: MixtureFit { fits[chosenIndex] }
}
