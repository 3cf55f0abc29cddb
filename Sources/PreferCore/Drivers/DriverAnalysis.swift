import Foundation

/// What drives the votes: for each feature of the two sides (length,
/// formatting, refusals, user features), how often the side with more of it
/// wins, and how much it moves the odds once everything else is held fixed
/// (the questions of *PROFILE*, *WIMHF*, *AdParaphrase*, *Dissecting Human
/// and LLM Preferences* and *R³*).
///
/// Per feature, over decisive judgements (ties left out):
///
/// 1. Raw: among judgements where the sides differ in the feature, the share
///    won by the side with more of it, with its Wilson interval (Wilson 1927)
///    and the exact two-sided binomial p-value against ½.
/// 2. Joint: the coefficient γ_f of the logistic model
///    P(A preferred) = σ(θ_A − θ_B + Σ_f γ_f·(x_A,f − x_B,f)/SD_f), fitted
///    by `CovariateBradleyTerry` with every feature at once, with contender
///    strengths θ when the contenders are known (else through the origin:
///    swapping the sides negates the differences and the outcome). SD_f is
///    the population standard deviation of the difference over the decisive
///    judgements, so γ_f is the change in log-odds per standard deviation of
///    the difference. Wald intervals γ ± z·se from robust (sandwich, HC0,
///    per judgement) standard errors, two-sided p-values, and
///    Benjamini–Hochberg adjusted p-values (q-values) across the features
///    (Benjamini & Hochberg 1995): a feature is a discovery when q ≤ the
///    false discovery rate.
/// 3. When the rows carry sources (humans, judges), the same per source —
///    all with the pooled SD_f, so coefficients compare — and each source's
///    coefficients minus the reference source's (independent samples), with
///    their own q-values.
///
/// A contender that never lost (or never won) in the decisive judgements has
/// an infinite strength; its judgements say nothing about γ in the limit,
/// so they are left out (repeatedly, until every contender left has both),
/// and a warning says so. A feature that does not vary is left out of the
/// model; rows missing a model feature are left out of the model only.
/// Cost: one or a few fits, O(iterations · rows · k²), and O(rows · k) for
/// the raw rates.
public struct DriverAnalysis: Sendable {
    public var level: Double
    public var falseDiscoveryRate: Double
    /// Control for contender strength when the table knows the contenders.
    public var contenders: Bool
    /// The source every other source is compared with; nil picks "human"
    /// when present.
    public var referenceSource: String?
    public var threads: Int?
    public var tolerance: Double = 1e-10
    public var maxIterations: Int = 100

    public init(
        level: Double = 0.95, falseDiscoveryRate: Double = 0.05, contenders: Bool = true,
        referenceSource: String? = nil, threads: Int? = nil
    ) {
        self.level = level
        self.falseDiscoveryRate = falseDiscoveryRate
        self.contenders = contenders
        self.referenceSource = referenceSource
        self.threads = threads
    }

    public func validate() throws(DriverError) {
        guard level > 0 && level < 1 else {
            throw DriverError("--level must be between 0 and 1 (exclusive), e.g. 0.95; got \(level).")
        }
        guard falseDiscoveryRate > 0 && falseDiscoveryRate < 1 else {
            throw DriverError("--fdr must be between 0 and 1 (exclusive), e.g. 0.05; got \(falseDiscoveryRate).")
        }
    }

    /// Analyses `table`. `inputs` and `sourceField` are recorded in `method`.
    public func run(_ table: ComparisonTable, inputs: [String] = [], sourceField: String? = nil) throws(DriverError) -> DriverReport {
        try validate()
        let width = table.features.count
        let n = table.count
        var judgements = 0.0
        var decisive = 0.0
        var tied = 0.0
        for r in 0..<n {
            judgements += table.aWins[r] + table.bWins[r] + table.ties[r]
            decisive += table.aWins[r] + table.bWins[r]
            tied += table.ties[r]
        }
        guard decisive > 0 else { throw .noJudgements }
        var warnings: [String] = []

        // Pooled scale of each feature's difference, over decisive judgements.
        var sd = [Double](repeating: .nan, count: width)
        var means = [Double](repeating: .nan, count: width)
        for f in 0..<width {
            var count = 0.0
            var sum = 0.0
            var level = 0.0
            for r in 0..<n {
                let c = table.aWins[r] + table.bWins[r]
                let x = table.valueA(r, f)
                let y = table.valueB(r, f)
                guard c > 0, x.isFinite, y.isFinite else { continue }
                count += c
                sum += c * (x - y)
                level += c * (x + y) / 2
            }
            guard count > 0 else { continue }
            let mean = sum / count
            var squares = 0.0
            for r in 0..<n {
                let c = table.aWins[r] + table.bWins[r]
                let x = table.valueA(r, f)
                let y = table.valueB(r, f)
                guard c > 0, x.isFinite, y.isFinite else { continue }
                squares += c * (x - y - mean) * (x - y - mean)
            }
            sd[f] = (squares / count).squareRoot()
            means[f] = level / count
        }
        let modelFeatures = (0..<width).filter { sd[$0].isFinite && sd[$0] > 0 }
        let constant = (0..<width).filter { !(sd[$0].isFinite && sd[$0] > 0) }.map { table.features[$0] }
        if !constant.isEmpty {
            warnings.append("\(listNames(constant)) never differ\(constant.count == 1 ? "s" : "") between the two sides (or \(constant.count == 1 ? "is" : "are") missing), so \(constant.count == 1 ? "it is" : "they are") left out of the joint model.")
        }
        let useContenders = contenders && table.hasContenders
        let all = [Bool](repeating: true, count: n)

        let overall = analyse(table, rows: all, modelFeatures: modelFeatures, sd: sd, means: means, useContenders: useContenders)
        warnings += overall.warnings
        warnings += collinearity(table, modelFeatures: modelFeatures, sd: sd)

        let method = DriverReport.Method(
            model: useContenders
                ? "logistic regression of the decisive judgements on contender strengths and the standardised feature differences (Bradley–Terry with covariates)"
                : "logistic regression through the origin of the decisive judgements on the standardised feature differences",
            contenders: useContenders,
            contenderCount: useContenders ? table.contenders.count : 0,
            intervals: "Wald, robust (sandwich, HC0 per judgement) standard errors; raw win rates: Wilson score intervals and exact binomial tests",
            level: level,
            falseDiscoveryRate: falseDiscoveryRate,
            rows: n,
            judgements: judgements,
            decisive: decisive,
            tiedJudgements: tied,
            modelRows: overall.modelRows,
            modelJudgements: overall.modelJudgements,
            modelFeatures: modelFeatures.map { table.features[$0] },
            iterations: overall.iterations,
            converged: overall.converged,
            logLikelihood: overall.logLikelihood,
            inputs: inputs,
            sourceField: table.sources == nil ? nil : sourceField
        )
        var report = DriverReport(features: overall.features, method: method, warnings: warnings)

        // Per source, and each against the reference.
        if let sources = table.sources {
            let names = sources.values.filter { name in (0..<n).contains { sources[$0] == name } }
            if names.count > 1 {
                var perSource: [DriverReport.Source] = []
                for name in names {
                    let keep = (0..<n).map { sources[$0] == name }
                    let result = analyse(table, rows: keep, modelFeatures: modelFeatures, sd: sd, means: means, useContenders: useContenders)
                    report.warnings += result.warnings.map { "\(name): \($0)" }
                    let rows = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
                    let dec = (0..<n).reduce(0.0) { $0 + (keep[$1] ? table.aWins[$1] + table.bWins[$1] : 0) }
                    perSource.append(DriverReport.Source(source: name, rows: rows, decisive: dec, features: result.features, converged: result.converged))
                }
                report.sources = perSource
                let reference = referenceSource ?? (names.contains("human") ? "human" : nil)
                if let reference, let base = perSource.first(where: { $0.source == reference }) {
                    report.sourceComparison = compare(perSource.filter { $0.source != reference }, with: base)
                } else if let reference {
                    report.warnings.append("No row has the reference source \"\(reference)\", so the sources are not compared.")
                }
            }
            let missing = (0..<n).filter { sources[$0] == nil }.count
            if missing > 0 && names.count > 1 {
                report.warnings.append("\(missing) rows have no source; they count in the overall table only.")
            }
        }
        return report
    }

    // MARK: - One table

    private struct Analysis {
        var features: [DriverReport.Feature]
        var warnings: [String]
        var modelRows: Int
        var modelJudgements: Double
        var iterations: Int
        var converged: Bool
        var logLikelihood: Double
    }

    /// Raw rates and the joint model over the rows flagged in `rows`.
    private func analyse(
        _ table: ComparisonTable, rows: [Bool], modelFeatures: [Int], sd: [Double], means: [Double], useContenders: Bool
    ) -> Analysis {
        let width = table.features.count
        let n = table.count
        var warnings: [String] = []
        var out: [DriverReport.Feature] = []
        for f in 0..<width {
            var wins = 0.0
            var losses = 0.0
            for r in 0..<n where rows[r] {
                let x = table.valueA(r, f)
                let y = table.valueB(r, f)
                guard x.isFinite, y.isFinite, x != y else { continue }
                if x > y {
                    wins += table.aWins[r]
                    losses += table.bWins[r]
                } else {
                    wins += table.bWins[r]
                    losses += table.aWins[r]
                }
            }
            let total = wins + losses
            var feature = DriverReport.Feature(
                name: table.features[f], decisivePairs: total, moreWins: wins, moreLosses: losses, discovery: false,
                sdDifference: sd[f].isFinite ? sd[f] : nil, mean: means[f].isFinite ? means[f] : nil)
            if total > 0 {
                feature.winRate = wins / total
                let bounds = WilsonInterval.bounds(successes: wins, trials: total, level: level)
                feature.winRateLower = bounds.lower
                feature.winRateUpper = bounds.upper
                feature.pValue = BinomialTail.twoSidedFair(Int(wins.rounded()), n: Int(total.rounded()))
            }
            out.append(feature)
        }

        // The joint model's rows: decisive, every model feature present,
        // without contenders that never lost or never won.
        var keep = (0..<n).map { r in
            rows[r] && table.aWins[r] + table.bWins[r] > 0 && modelFeatures.allSatisfy { table.valueA(r, $0).isFinite && table.valueB(r, $0).isFinite }
        }
        let incomplete = (0..<n).filter { rows[$0] && table.aWins[$0] + table.bWins[$0] > 0 && !keep[$0] }.count
        if incomplete > 0 {
            warnings.append("\(incomplete) rows with decisive judgements miss a feature of the model and are left out of it.")
        }
        if useContenders {
            var dropped: Set<Int> = []
            while true {
                var won = [Double](repeating: 0, count: table.contenders.count)
                var lost = [Double](repeating: 0, count: table.contenders.count)
                var seen = [Bool](repeating: false, count: table.contenders.count)
                for r in 0..<n where keep[r] {
                    let a = Int(table.contenderA[r])
                    let b = Int(table.contenderB[r])
                    seen[a] = true
                    seen[b] = true
                    won[a] += table.aWins[r]
                    lost[a] += table.bWins[r]
                    won[b] += table.bWins[r]
                    lost[b] += table.aWins[r]
                }
                let extreme = (0..<table.contenders.count).filter { seen[$0] && (won[$0] == 0 || lost[$0] == 0) }
                guard !extreme.isEmpty else { break }
                dropped.formUnion(extreme)
                let set = Set(extreme.map(Int32.init))
                for r in 0..<n where keep[r] && (set.contains(table.contenderA[r]) || set.contains(table.contenderB[r])) { keep[r] = false }
            }
            if !dropped.isEmpty {
                warnings.append("\(listNames(dropped.sorted().map { table.contenders[$0] })) never lost or never won a decisive judgement (an infinite strength), so \(dropped.count == 1 ? "its" : "their") judgements are left out of the joint model.")
            }
        }

        let k = modelFeatures.count
        var modelRows = 0
        var modelJudgements = 0.0
        var a: [Int32] = []
        var b: [Int32] = []
        var z: [Double] = []
        var aWins: [Double] = []
        var bWins: [Double] = []
        var weights: [Double]? = table.weights == nil ? nil : []
        for r in 0..<n where keep[r] {
            modelRows += 1
            modelJudgements += table.aWins[r] + table.bWins[r]
            if useContenders {
                a.append(table.contenderA[r])
                b.append(table.contenderB[r])
            }
            for f in modelFeatures { z.append((table.valueA(r, f) - table.valueB(r, f)) / sd[f]) }
            aWins.append(table.aWins[r])
            bWins.append(table.bWins[r])
            weights?.append(table.weights![r])
        }
        guard k > 0, modelRows > 0 else {
            if k > 0 { warnings.append("No rows are left for the joint model.") }
            return Analysis(features: out, warnings: warnings, modelRows: modelRows, modelJudgements: modelJudgements,
                            iterations: 0, converged: true, logLikelihood: 0)
        }
        var design = CovariateDesign(
            contenderCount: useContenders ? table.contenders.count : 0, a: a, b: b, covariates: z, k: k,
            aWins: aWins, bWins: bWins, ties: [Double](repeating: 0, count: modelRows), weights: weights, ties: .excluded)
        let model = CovariateBradleyTerry(tolerance: tolerance, maxIterations: maxIterations, threads: threads)
        // Features that are exact combinations of others (or of the strengths) are not identified.
        let aliased = Set(model.aliasedCovariates(design))
        var fitted = modelFeatures
        if !aliased.isEmpty {
            let names = aliased.sorted().map { table.features[modelFeatures[$0]] }
            warnings.append("\(listNames(names)) \(names.count == 1 ? "is an exact combination" : "are exact combinations") of the other features\(useContenders ? " and the contenders" : "") in these judgements, so \(names.count == 1 ? "its" : "their") joint coefficient cannot be estimated.")
            let keep = (0..<k).filter { !aliased.contains($0) }
            design = design.keeping(covariates: keep)
            fitted = keep.map { modelFeatures[$0] }
        }
        let fit = model.fit(design)
        if fit.singular {
            warnings.append("The joint model's information matrix is singular, so it has no coefficients.")
            return Analysis(features: out, warnings: warnings, modelRows: modelRows, modelJudgements: modelJudgements,
                            iterations: fit.iterations, converged: false, logLikelihood: fit.logLikelihood)
        }
        if !fit.converged {
            warnings.append("The joint model did not converge within \(maxIterations) iterations (largest gradient \(fit.gradientNorm)): some feature may separate the outcomes; its coefficient is unreliable.")
        }
        let covariance = fit.covariance(design, robust: true)
        if covariance == nil {
            warnings.append("The joint model's information matrix is singular (features that are exact combinations of others?), so its coefficients have no intervals.")
        }
        let m = fit.parameters.count
        let offset = design.contenderCount
        let z975 = Normal.quantile(1 - (1 - level) / 2)
        var pValues = [Double](repeating: .nan, count: width)
        for (j, f) in fitted.enumerated() {
            let g = fit.parameters[offset + j]
            guard g.isFinite else { continue }
            out[f].coefficient = g
            if let covariance {
                let se = max(0, covariance[(offset + j) * m + offset + j]).squareRoot()
                out[f].coefficientSE = se
                out[f].coefficientLower = g - z975 * se
                out[f].coefficientUpper = g + z975 * se
                if se > 0 {
                    let p = 2 * Normal.cdf(-Swift.abs(g / se))
                    out[f].coefficientPValue = p
                    pValues[f] = p
                }
            }
        }
        let q = BenjaminiHochberg.adjusted(pValues)
        for f in 0..<width where q[f].isFinite {
            out[f].qValue = q[f]
            out[f].discovery = q[f] <= falseDiscoveryRate
        }
        return Analysis(features: out, warnings: warnings, modelRows: modelRows, modelJudgements: modelJudgements,
                        iterations: fit.iterations, converged: fit.converged, logLikelihood: fit.logLikelihood)
    }

    /// Each source's coefficients minus the reference's, with BH across all differences.
    private func compare(_ others: [DriverReport.Source], with base: DriverReport.Source) -> [DriverReport.Comparison] {
        let z = Normal.quantile(1 - (1 - level) / 2)
        var out: [DriverReport.Comparison] = []
        var pValues: [Double] = []
        for source in others {
            for (f, feature) in source.features.enumerated() {
                var c = DriverReport.Comparison(name: feature.name, source: source.source, reference: base.source)
                let reference = base.features[f]
                if let g1 = feature.coefficient, let s1 = feature.coefficientSE, let g0 = reference.coefficient, let s0 = reference.coefficientSE {
                    let d = g1 - g0
                    let se = (s1 * s1 + s0 * s0).squareRoot()
                    c.difference = d
                    c.differenceLower = d - z * se
                    c.differenceUpper = d + z * se
                    if se > 0 { c.pValue = 2 * Normal.cdf(-Swift.abs(d / se)) }
                }
                pValues.append(c.pValue ?? .nan)
                out.append(c)
            }
        }
        let q = BenjaminiHochberg.adjusted(pValues)
        for i in out.indices where q[i].isFinite { out[i].qValue = q[i] }
        return out
    }

    /// Warnings for model features whose variance inflation factor exceeds 10.
    private func collinearity(_ table: ComparisonTable, modelFeatures: [Int], sd: [Double]) -> [String] {
        let k = modelFeatures.count
        guard k > 1 else { return [] }
        var sums = [Double](repeating: 0, count: k)
        var cross = [Double](repeating: 0, count: k * k)
        var count = 0.0
        var d = [Double](repeating: 0, count: k)
        for r in 0..<table.count {
            let c = table.aWins[r] + table.bWins[r]
            guard c > 0 else { continue }
            var ok = true
            for (j, f) in modelFeatures.enumerated() {
                d[j] = (table.valueA(r, f) - table.valueB(r, f)) / sd[f]
                if !d[j].isFinite { ok = false }
            }
            guard ok else { continue }
            count += c
            for i in 0..<k {
                sums[i] += c * d[i]
                for j in 0..<k { cross[i * k + j] += c * d[i] * d[j] }
            }
        }
        guard count > 0 else { return [] }
        var corr = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for j in 0..<k {
                corr[i * k + j] = cross[i * k + j] / count - sums[i] * sums[j] / (count * count)
            }
        }
        let scale = (0..<k).map { corr[$0 * k + $0].squareRoot() }
        for i in 0..<k {
            for j in 0..<k { corr[i * k + j] /= scale[i] * scale[j] }
        }
        guard let factor = Cholesky(corr, n: k) else {
            return ["Some model features are exact combinations of others; their coefficients cannot be told apart."]
        }
        let inverse = factor.inverse()
        var out: [String] = []
        for i in 0..<k where inverse[i * k + i] > 10 {
            var partner = 0
            var best = -1.0
            for j in 0..<k where j != i && Swift.abs(corr[i * k + j]) > best {
                best = Swift.abs(corr[i * k + j])
                partner = j
            }
            out.append("\(table.features[modelFeatures[i]]) is nearly collinear with the other features (variance inflation \(fixed(inverse[i * k + i], 1)); correlation \(fixed(corr[i * k + partner], 2)) with \(table.features[modelFeatures[partner]])): its joint coefficient is imprecise; consider leaving one out with --features.")
        }
        return out
    }
}
