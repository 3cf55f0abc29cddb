/// Style control: a leaderboard whose ratings are adjusted for the style of
/// the answers (length, Markdown headers, lists, bold), as LMArena computes
/// it (Li, Angelopoulos & Chiang 2024, "Does style matter? Disentangling
/// style and substance in Chatbot Arena"; FastChat's `elo_analysis.py`,
/// `construct_style_matrices` and `fit_mle_elo`).
///
/// For each style feature f with values f_A, f_B on the two sides of a vote,
/// the covariate is the normalised difference
///
///     relative:   (f_A − f_B) / (f_A + f_B + 1)     (LMArena's, the default)
///     difference:  f_A − f_B
///
/// standardised over the votes (mean 0, population standard deviation 1).
/// The strengths and the style coefficients γ are then fitted jointly by
/// `CovariateBradleyTerry` — P(A beats B) = σ(θ_A − θ_B + γᵀz), ties half a
/// win each side — and the ratings reported are the strengths θ on the Elo
/// scale, i.e. the ratings with style held at z = 0 (the average normalised
/// style difference, which is about "equal style" when sides are assigned at
/// random). Each coefficient is reported in log-odds per standard deviation
/// of its normalised difference and in Elo points (× scale/ln base), with
/// the intervals the leaderboard asks for: bootstrap (votes resampled with
/// replacement, standardisation kept fixed as FastChat does, every round
/// refitted: `StyleBootstrap`) or sandwich (robust errors of the joint fit).
///
/// With `estimator.l2 = λ > 0` the fit is FastChat's exactly: every battle
/// counted twice, penalty (λ/2)‖w‖² on the log-base strengths and (λ/2)‖γ‖²
/// on the style coefficients (scikit-learn's LogisticRegression, C = 1/λ),
/// ratings uncentred. Unpenalised, a contender that never lost or never won
/// has no finite rating and the fit stops with an error that says so.
///
/// Cost: one fit, O(iterations · votes · k²), plus the intervals (bootstrap:
/// rounds × a warm-started refit, spread over all cores).
public struct StyleControl: Sendable {
    public enum Normalization: String, Sendable, Codable, CaseIterable {
        case relative
        case difference
    }

    public var features: [StyleFeature]
    public var normalization: Normalization

    public init(features: [StyleFeature], normalization: Normalization = .relative) {
        self.features = features
        self.normalization = normalization
    }

    /// The covariates of `votes` for the chosen features, standardised.
    public struct Covariates: Sendable {
        /// Row-major votes × kept features.
        public var values: [Double]
        /// The features kept (a constant one is dropped).
        public var features: [StyleFeature]
        /// Mean and standard deviation of each kept feature's normalised difference.
        public var means: [Double]
        public var deviations: [Double]
        /// Whether each vote has every feature (votes without are left out of the fit).
        public var complete: [Bool]
        public var warnings: [String]
    }

    /// Reads the feature columns of `votes` and standardises their normalised
    /// differences over the votes that have all of them. O(votes · k).
    public func covariates(_ votes: VoteTable) throws(RatingError) -> Covariates {
        guard !features.isEmpty else {
            throw RatingError("style control needs at least one style feature.")
        }
        var columns: [([Double], [Double])] = []
        for feature in features {
            guard let a = votes.numbers[feature.columnA] else { throw .missingStyleColumn(feature, feature.columnA, votes) }
            guard let b = votes.numbers[feature.columnB] else { throw .missingStyleColumn(feature, feature.columnB, votes) }
            columns.append((a, b))
        }
        let n = votes.count
        var complete = [Bool](repeating: true, count: n)
        var raw = [[Double]](repeating: [Double](repeating: 0, count: n), count: features.count)
        for (j, (a, b)) in columns.enumerated() {
            for r in 0..<n {
                let x = a[r]
                let y = b[r]
                guard x.isFinite, y.isFinite else {
                    complete[r] = false
                    continue
                }
                switch normalization {
                case .relative: raw[j][r] = (x - y) / (x + y + 1)
                case .difference: raw[j][r] = x - y
                }
                if !raw[j][r].isFinite { complete[r] = false }
            }
        }
        let kept = complete.reduce(0) { $0 + ($1 ? 1 : 0) }
        var warnings: [String] = []
        if kept < n {
            warnings.append("\(n - kept) of \(n) votes lack a style feature (\(features.map(\.name).joined(separator: ", "))) and were left out of the style-controlled fit.")
        }
        var keptFeatures: [StyleFeature] = []
        var means: [Double] = []
        var deviations: [Double] = []
        var keptRaw: [[Double]] = []
        for (j, feature) in features.enumerated() {
            var sum = 0.0
            for r in 0..<n where complete[r] { sum += raw[j][r] }
            let mean = kept > 0 ? sum / Double(kept) : 0
            var squares = 0.0
            for r in 0..<n where complete[r] { squares += (raw[j][r] - mean) * (raw[j][r] - mean) }
            let sd = kept > 0 ? (squares / Double(kept)).squareRoot() : 0
            guard sd > 0 else {
                warnings.append("The style feature \(feature.name) does not vary across the votes, so it was left out.")
                continue
            }
            keptFeatures.append(feature)
            means.append(mean)
            deviations.append(sd)
            keptRaw.append(raw[j])
        }
        let k = keptFeatures.count
        var values = [Double](repeating: 0, count: n * k)
        for j in 0..<k {
            for r in 0..<n where complete[r] {
                values[r * k + j] = (keptRaw[j][r] - means[j]) / deviations[j]
            }
        }
        return Covariates(values: values, features: keptFeatures, means: means, deviations: deviations, complete: complete, warnings: warnings)
    }

    /// A style-controlled leaderboard of `votes` with `options` (estimator,
    /// intervals, level, online Elo, matrices, threads as for
    /// `LeaderboardBuilder`), carrying the style coefficients in `style`.
    public func build(
        _ votes: VoteTable,
        options: LeaderboardOptions,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(RatingError) -> Leaderboard {
        try options.validate()
        let allVotes = votes.hasContendersWithoutVotes ? votes.compacted() : votes
        let covariates = try covariates(allVotes)
        guard !covariates.features.isEmpty else {
            throw RatingError("No style feature varies across these votes, so there is nothing to control for: " + covariates.warnings.joined(separator: " "))
        }
        var table = allVotes
        var z = covariates.values
        let k = covariates.features.count
        if covariates.complete.contains(false) {
            table = allVotes.filtered(covariates.complete)
            z = []
            z.reserveCapacity(table.count * k)
            for r in 0..<allVotes.count where covariates.complete[r] {
                z.append(contentsOf: covariates.values[(r * k)..<((r + 1) * k)])
            }
            if table.hasContendersWithoutVotes {
                // Keep z aligned: compaction renumbers contenders, not votes.
                table = table.compacted()
            }
        }
        let counts = PairCounts(table)
        guard counts.totalVotes > 0 else { throw .noVotes }
        let estimator = options.estimator
        let plain = try estimator.fit(counts)
        if estimator.l2 == 0 {
            let stuck = (0..<plain.graph.componentCount).filter { !plain.graph.separable[$0] }
            if !stuck.isEmpty {
                let names = (0..<counts.contenderCount).filter { plain.provisional[$0] && counts.contenderVotes[$0] > 0 }
                    .map { counts.contenders[$0] }
                throw RatingError(
                    "Style control needs every contender to have both won and lost (ties count as both): "
                        + "\(listNames(names)) \(names.count == 1 ? "has" : "have") no finite rating. "
                        + "Use --l2 1 (LMArena's penalised fit), or --exclude the contender until it has more votes.")
            }
        }

        let model = Self.model(estimator, threads: options.threads)
        var design = Self.design(table, covariates: z, k: k)
        var warnings = covariates.warnings
        var features = covariates.features
        var means = covariates.means
        var deviations = covariates.deviations
        let aliased = Set(model.aliasedCovariates(design))
        if !aliased.isEmpty {
            let keep = (0..<k).filter { !aliased.contains($0) }
            warnings.append("The style feature\(aliased.count == 1 ? "" : "s") \(listNames(aliased.sorted().map { features[$0].name })) \(aliased.count == 1 ? "is an exact combination" : "are exact combinations") of the others (or of the contenders), so \(aliased.count == 1 ? "it was" : "they were") left out.")
            design = design.keeping(covariates: keep)
            features = keep.map { features[$0] }
            means = keep.map { means[$0] }
            deviations = keep.map { deviations[$0] }
        }
        let fit = model.fit(design)
        if fit.singular {
            throw RatingError("The style-controlled fit has a singular information matrix (the votes cannot tell the contenders and the style features apart); try fewer style features.")
        }
        let ratings = Self.ratings(fit.parameters, design: design, estimator: estimator, anchor: plain.anchorIndex)

        if !fit.converged {
            warnings.append("The style-controlled fit did not converge within \(estimator.maxIterations) iterations (largest gradient \(fit.gradientNorm)); a style feature may separate the outcomes.")
        }
        let controlled = BradleyTerryFit(
            contenders: counts.contenders,
            theta: Array(fit.theta),
            ratings: ratings,
            iterations: fit.iterations,
            gradientNorm: fit.gradientNorm,
            converged: fit.converged,
            graph: plain.graph,
            provisional: plain.provisional,
            componentMethods: plain.componentMethods,
            warnings: plain.warnings + warnings,
            estimator: estimator,
            anchorIndex: plain.anchorIndex
        )

        var late: [String] = []
        var intervals: RatingIntervals?
        var coefficientBounds: (lower: [Double], upper: [Double], se: [Double])?
        switch options.intervals {
        case .none:
            break
        case .bootstrap(let rounds, let seed):
            let boot = StyleBootstrap(rounds: rounds, seed: seed, level: options.level, threads: options.threads)
                .run(design, fit: fit, controlled: controlled, model: model, progress: progress)
            intervals = boot.intervals
            coefficientBounds = (boot.coefficientLower, boot.coefficientUpper, boot.coefficientSE)
        case .sandwich:
            if let sandwich = Self.sandwich(design, fit: fit, controlled: controlled, level: options.level) {
                intervals = sandwich.intervals
                coefficientBounds = (sandwich.coefficientLower, sandwich.coefficientUpper, sandwich.coefficientSE)
            } else {
                late.append("The style-controlled information matrix is singular (collinear style features?), so no sandwich intervals were computed.")
            }
        }

        let elo = options.onlineElo?.ratings(table)
        var board = LeaderboardBuilder(options: options).assemble(counts: counts, fit: controlled, intervals: intervals, elo: elo)
        board.warnings += late

        let eloPerNat = estimator.eloPerNat
        var coefficients: [Report.Coefficient] = []
        for (j, feature) in features.enumerated() {
            let g = fit.gamma[fit.gamma.startIndex + j]
            coefficients.append(Report.Coefficient(
                name: feature.name,
                columns: [feature.columnA, feature.columnB],
                coefficient: g,
                lower: coefficientBounds?.lower[j],
                upper: coefficientBounds?.upper[j],
                se: coefficientBounds?.se[j],
                elo: g * eloPerNat,
                eloLower: coefficientBounds.map { $0.lower[j] * eloPerNat },
                eloUpper: coefficientBounds.map { $0.upper[j] * eloPerNat },
                mean: means[j],
                sd: deviations[j]
            ))
        }
        var shift: [String: Double] = [:]
        for (c, name) in counts.contenders.enumerated() { shift[name] = ratings[c] - plain.ratings[c] }
        board.style = Report(
            features: coefficients,
            normalization: normalization,
            votes: counts.totalVotes,
            votesWithoutFeatures: allVotes.count - table.count,
            intervals: intervals?.method.rawValue ?? "none",
            level: intervals?.level,
            shift: shift
        )
        return board
    }

    // MARK: - Pieces shared with the bootstrap and the studies

    /// The design of a table's votes with standardised covariates (ties half).
    static func design(_ table: VoteTable, covariates z: [Double], k: Int) -> CovariateDesign {
        let n = table.count
        var aWins = [Double](repeating: 0, count: n)
        var bWins = [Double](repeating: 0, count: n)
        var ties = [Double](repeating: 0, count: n)
        for r in 0..<n {
            switch table.outcomes[r] {
            case .aWins: aWins[r] = 1
            case .bWins: bWins[r] = 1
            case .tie, .bothBad: ties[r] = 1
            }
        }
        return CovariateDesign(
            contenderCount: table.contenders.count, a: table.a, b: table.b, covariates: z, k: k,
            aWins: aWins, bWins: bWins, ties: ties, weights: table.weights, ties: .half)
    }

    /// The covariate model matching a Bradley–Terry estimator: unpenalised,
    /// or FastChat's duplicated, penalised design when `l2 > 0`.
    static func model(_ estimator: BradleyTerry, threads: Int?) -> CovariateBradleyTerry {
        CovariateBradleyTerry(
            tolerance: estimator.tolerance,
            maxIterations: estimator.maxIterations,
            strengthRidge: estimator.ridge,
            covariateRidge: estimator.l2,
            multiplicity: estimator.multiplicity,
            threads: threads)
    }

    /// Elo-scale ratings from fitted strengths: centred per component (as
    /// fitted) or uncentred with L2, then shifted to the anchor if any.
    static func ratings(_ parameters: [Double], design: CovariateDesign, estimator: BradleyTerry, anchor: Int?) -> [Double] {
        let n = design.contenderCount
        var ratings = (0..<n).map { estimator.initialRating + estimator.eloPerNat * parameters[$0] }
        if let anchor, let pin = estimator.anchor {
            let shift = pin.rating - ratings[anchor]
            for c in 0..<n where estimator.l2 > 0 || design.component[c] == design.component[anchor] { ratings[c] += shift }
        }
        return ratings
    }

    /// Sandwich intervals for the ratings and the coefficients.
    static func sandwich(
        _ design: CovariateDesign, fit: CovariateFit, controlled: BradleyTerryFit, level: Double
    ) -> (intervals: RatingIntervals, coefficientLower: [Double], coefficientUpper: [Double], coefficientSE: [Double])? {
        guard let cov = fit.covariance(design, robust: true) else { return nil }
        let n = design.contenderCount
        let m = fit.parameters.count
        let z = Normal.quantile(1 - (1 - level) / 2)
        let c = controlled.estimator.eloPerNat
        var se = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var v = cov[i * m + i]
            if let a = controlled.anchorIndex, design.component[a] == design.component[i] {
                v = cov[i * m + i] + cov[a * m + a] - 2 * cov[i * m + a]
            }
            se[i] = c * max(0, v).squareRoot()
        }
        let gammaSE = (0..<design.k).map { max(0, cov[(n + $0) * m + n + $0]).squareRoot() }
        let gamma = Array(fit.gamma)
        let intervals = RatingIntervals(
            method: .sandwich, level: level,
            lower: (0..<n).map { controlled.ratings[$0] - z * se[$0] },
            upper: (0..<n).map { controlled.ratings[$0] + z * se[$0] },
            standardErrors: se, rankLower: nil, rankUpper: nil, warnings: [], bootstrap: nil)
        return (intervals, (0..<design.k).map { gamma[$0] - z * gammaSE[$0] }, (0..<design.k).map { gamma[$0] + z * gammaSE[$0] }, gammaSE)
    }
}

extension RatingError {
    static func missingStyleColumn(_ feature: StyleFeature, _ column: String, _ votes: VoteTable) -> RatingError {
        let known = votes.numbers.keys.sorted()
        let hint = known.isEmpty
            ? "the votes carry no number columns"
            : "number columns read: \(listNames(known, limit: 12))"
        return RatingError("The style feature \(feature.name) needs the column \"\(column)\", which the votes do not have (\(hint)). Name the columns with --style-feature A_COLUMN,B_COLUMN.")
    }
}
