import Foundation

/// Bradley–Terry ratings on the Elo scale, fitted by maximum likelihood on
/// pair counts (Bradley & Terry 1952; Zermelo 1929; Elo scale as in LMArena,
/// Chiang et al. 2024, "Chatbot Arena").
///
/// Model: P(A beats B) = 1 / (1 + base^((R_B − R_A)/scale)), ties (and "both
/// bad") count as half a win to each side. With θ the natural-log strengths,
/// R = initial + scale·θ / ln(base).
///
/// - Without `l2`, ratings are the MLE centred so that each connected group of
///   contenders averages `initialRating`, unless `anchor` pins one contender.
///   Where the MLE does not exist (a contender that never lost or never won,
///   or one group beating another in every meeting) the group is fitted with
///   Firth's bias-reduced likelihood instead and its contenders are marked
///   provisional; groups that never met are rated separately and said so.
/// - With `l2 = λ`, the objective is LMArena's early-2024 scikit-learn fit:
///   every battle counted twice (a tie as one win each way) plus (λ/2)·Σwᵢ²
///   on the log-base strengths wᵢ, reported uncentred as initial + scale·wᵢ.
///   `l2 = 1` reproduces LogisticRegression's default C = 1.
///
/// Solved by damped Newton on the counts: O(pairs + n³) per iteration,
/// usually 4–8 iterations to a step below `tolerance`.
public struct BradleyTerry: Sendable, Hashable {
    /// Pins `contender` at `rating`; the others move with it.
    public struct Anchor: Sendable, Hashable {
        public var contender: String
        public var rating: Double
        public init(contender: String, rating: Double) {
            self.contender = contender
            self.rating = rating
        }
    }

    public var scale: Double
    public var base: Double
    public var initialRating: Double
    public var l2: Double
    public var anchor: Anchor?
    /// Convergence: the largest Newton step, in natural log-strength units
    /// (10⁻¹⁰ ≈ 2·10⁻⁸ Elo).
    public var tolerance: Double
    public var maxIterations: Int

    public init(
        scale: Double = 400,
        base: Double = 10,
        initialRating: Double = 1000,
        l2: Double = 0,
        anchor: Anchor? = nil,
        tolerance: Double = 1e-10,
        maxIterations: Int = 100
    ) {
        self.scale = scale
        self.base = base
        self.initialRating = initialRating
        self.l2 = l2
        self.anchor = anchor
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// Elo points per natural-log unit of strength (400 / ln 10 ≈ 173.7).
    public var eloPerNat: Double { scale / Foundation.log(base) }
    var multiplicity: Double { l2 > 0 ? 2 : 1 }
    var ridge: Double { l2 / (Foundation.log(base) * Foundation.log(base)) }

    public func fit(_ counts: PairCounts) throws(RatingError) -> BradleyTerryFit {
        let n = counts.contenderCount
        var anchorIndex: Int?
        if let anchor {
            guard let k = counts.contenders.firstIndex(of: anchor.contender) else {
                throw .unknownAnchor(anchor.contender, known: counts.contenders)
            }
            anchorIndex = k
        }
        let graph = ComparisonGraph(counts)
        var theta = [Double](repeating: 0, count: n)
        var provisional = [Bool](repeating: false, count: n)
        var methods = [BradleyTerryFit.Method](repeating: l2 > 0 ? .penalized : .maximumLikelihood, count: graph.componentCount)
        var warnings: [String] = []
        var iterations = 0
        var gradientNorm = 0.0
        var converged = true

        for k in 0..<n where counts.contenderVotes[k] == 0 {
            provisional[k] = true
            warnings.append("\(counts.contenders[k]) has no votes; its rating is a placeholder at \(format(initialRating)).")
        }

        if l2 > 0 {
            let problem = PairwiseProblem(counts, members: Array(0..<n), multiplicity: multiplicity, ridge: ridge)
            let solution = problem.newton(from: theta, tolerance: tolerance, maxIterations: maxIterations)
            theta = solution.theta
            iterations = solution.iterations
            gradientNorm = solution.gradientNorm
            converged = solution.converged
            for c in 0..<graph.componentCount where !graph.separable[c] {
                let members = graph.members(of: c)
                for k in separatedMembers(counts, graph, members) { provisional[k] = true }
                warnings.append(contentsOf: separationWarnings(counts, graph, members, held: "by the L2 penalty alone"))
            }
        } else {
            for c in 0..<graph.componentCount {
                let members = graph.members(of: c)
                guard members.count > 1 else { continue }
                let problem = PairwiseProblem(counts, members: members, multiplicity: 1, ridge: 0)
                let start = [Double](repeating: 0, count: members.count)
                let solution: PairwiseProblem.Solution
                if graph.separable[c] {
                    solution = problem.newton(from: start, tolerance: tolerance, maxIterations: maxIterations)
                } else {
                    methods[c] = .firth
                    solution = problem.firth(from: start, tolerance: tolerance, maxIterations: maxIterations)
                    for k in separatedMembers(counts, graph, members) { provisional[k] = true }
                    warnings.append(contentsOf: separationWarnings(counts, graph, members, held: "by Firth's bias-reduced fit (Jeffreys prior)"))
                }
                let mean = solution.theta.reduce(0, +) / Double(members.count)
                for (local, k) in members.enumerated() { theta[k] = solution.theta[local] - mean }
                iterations = max(iterations, solution.iterations)
                gradientNorm = max(gradientNorm, solution.gradientNorm)
                converged = converged && solution.converged
            }
        }

        if !converged {
            warnings.append("The fit did not converge within \(maxIterations) iterations (largest gradient \(String(format: "%.1e", gradientNorm))); ratings may be inaccurate.")
        }
        let realComponents = (0..<graph.componentCount).filter { c in
            graph.members(of: c).contains { counts.contenderVotes[$0] > 0 }
        }
        if realComponents.count > 1 {
            let groups = realComponents.map { c in "{" + listNames(graph.members(of: c).map { counts.contenders[$0] }) + "}" }
            let scaleNote = l2 > 0 ? "held together only by the L2 penalty" : "each group is centred on \(format(initialRating)) separately"
            warnings.append("The votes form \(realComponents.count) groups that never met: \(groups.joined(separator: ", ")); ratings compare only within a group (\(scaleNote)).")
        }

        var ratings = theta.map { initialRating + eloPerNat * $0 }
        if let anchorIndex, let anchor {
            let shift = anchor.rating - ratings[anchorIndex]
            let c = graph.component[anchorIndex]
            for k in 0..<n where l2 > 0 || graph.component[k] == c { ratings[k] += shift }
        }
        return BradleyTerryFit(
            contenders: counts.contenders,
            theta: theta,
            ratings: ratings,
            iterations: iterations,
            gradientNorm: gradientNorm,
            converged: converged,
            graph: graph,
            provisional: provisional,
            componentMethods: methods,
            warnings: warnings,
            estimator: self,
            anchorIndex: anchorIndex
        )
    }

    /// Contenders outside the largest strongly connected part of a component.
    func provisionalMembers(_ graph: ComparisonGraph, _ members: [Int]) -> [Int] {
        var sizes: [Int: Int] = [:]
        for k in members { sizes[graph.strongComponent[k], default: 0] += 1 }
        let largest = sizes.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
        return members.filter { graph.strongComponent[$0] != largest }
    }

    /// The members a separation warning names as marked provisional: those
    /// that never lost or never won, else those outside the largest strongly
    /// connected part (so that a board never says "marked provisional" of a
    /// contender it does not mark).
    func separatedMembers(_ counts: PairCounts, _ graph: ComparisonGraph, _ members: [Int]) -> [Int] {
        let (undefeated, winless) = unbeatenAndWinless(counts, members)
        if undefeated.isEmpty && winless.isEmpty { return provisionalMembers(graph, members) }
        return Array(Set(undefeated + winless + provisionalMembers(graph, members))).sorted()
    }

    func unbeatenAndWinless(_ counts: PairCounts, _ members: [Int]) -> (undefeated: [Int], winless: [Int]) {
        var score = [Double](repeating: 0, count: counts.contenderCount)
        var total = [Double](repeating: 0, count: counts.contenderCount)
        for p in 0..<counts.pairCount {
            let a = Int(counts.first[p])
            let b = Int(counts.second[p])
            score[a] += counts.score(p)
            score[b] += counts.total(p) - counts.score(p)
            total[a] += counts.total(p)
            total[b] += counts.total(p)
        }
        return (members.filter { total[$0] > 0 && score[$0] >= total[$0] }, members.filter { total[$0] > 0 && score[$0] <= 0 })
    }

    func separationWarnings(_ counts: PairCounts, _ graph: ComparisonGraph, _ members: [Int], held: String) -> [String] {
        var out: [String] = []
        let (undefeated, winless) = unbeatenAndWinless(counts, members)
        if !undefeated.isEmpty {
            out.append("\(listNames(undefeated.map { counts.contenders[$0] })) never lost: the maximum-likelihood rating is infinite, so the rating shown is held finite \(held) and marked provisional.")
        }
        if !winless.isEmpty {
            out.append("\(listNames(winless.map { counts.contenders[$0] })) never won: the maximum-likelihood rating is minus infinity, so the rating shown is held finite \(held) and marked provisional.")
        }
        if undefeated.isEmpty && winless.isEmpty {
            let others = provisionalMembers(graph, members)
            out.append("The votes never show \(listNames(others.map { counts.contenders[$0] })) scoring against the rest of their group in both directions: their gap is infinite under maximum likelihood, so it is held finite \(held) and marked provisional.")
        }
        return out
    }
}

/// "a, b and c", or "a, b, c and 7 more".
func listNames(_ names: [String], limit: Int = 8) -> String {
    if names.count <= 1 { return names.first ?? "" }
    if names.count > limit {
        return names.prefix(limit).joined(separator: ", ") + " and \(names.count - limit) more"
    }
    return names.dropLast().joined(separator: ", ") + " and " + names.last!
}

func format(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(x)
}

/// The result of `BradleyTerry.fit`.
public struct BradleyTerryFit: Sendable {
    public enum Method: String, Sendable, Codable {
        case maximumLikelihood = "mle"
        case penalized = "l2"
        case firth
    }

    public let contenders: [String]
    /// Natural-log strengths as fitted (centred per component without L2).
    public let theta: [Double]
    /// Ratings on the Elo scale.
    public let ratings: [Double]
    /// Newton iterations (the most any component took).
    public let iterations: Int
    /// Largest absolute gradient of the log-likelihood at the solution.
    public let gradientNorm: Double
    public let converged: Bool
    public let graph: ComparisonGraph
    /// Contenders whose rating is not a finite MLE (held by Firth's fit or the penalty).
    public let provisional: [Bool]
    /// How each connected component was fitted.
    public let componentMethods: [Method]
    public let warnings: [String]
    public let estimator: BradleyTerry
    let anchorIndex: Int?

    public func rating(of contender: String) -> Double? {
        contenders.firstIndex(of: contender).map { ratings[$0] }
    }
}
