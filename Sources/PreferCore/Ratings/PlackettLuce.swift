import Foundation

/// Plackett–Luce ratings on the Elo scale, fitted by maximum likelihood on
/// K-way votes and pairwise votes together (Luce 1959, "Individual Choice
/// Behavior"; Plackett 1975, "The analysis of permutations"; Hunter 2004,
/// "MM algorithms for generalized Bradley–Terry models").
///
/// Model: a K-way vote is a sequence of choices, the best among the
/// candidates left: P(i first among S) = 10^(Rᵢ/400) / Σ_{j∈S} 10^(Rⱼ/400),
/// so on two candidates it is Bradley–Terry and the ratings are on the same
/// Elo scale (R = initial + scale·θ / ln(base), θ natural-log strengths).
/// Pairwise ties follow `ties`: half a win each side (then pairwise votes
/// alone give exactly the Bradley–Terry fit), or Davidson's or Rao–Kupper's
/// tie model with its parameter estimated jointly with the strengths.
///
/// As `BradleyTerry`: ratings are the MLE centred so that each connected
/// group of contenders averages `initialRating` (or pinned by `anchor`);
/// where the MLE does not exist the group is fitted with Firth's
/// bias-reduced likelihood and its contenders outside the largest strongly
/// connected part are marked provisional; groups that never met are rated
/// separately. With a tie parameter the groups are fitted jointly (they
/// share it). Solved by damped Newton on the sufficient statistics
/// (`ChoiceCounts`), started from Bradley–Terry on the implied pairwise
/// comparisons: O(pairs + Σ cells K²·r + n³) per iteration, usually 3–6
/// iterations to a step below `tolerance`, the passes over the cells split
/// across cores in fixed chunks (so the result does not depend on them).
public struct PlackettLuce: Sendable, Hashable {
    public var scale: Double
    public var base: Double
    public var initialRating: Double
    public var anchor: BradleyTerry.Anchor?
    public var ties: TieModel
    /// Convergence: the largest Newton step, in natural log-strength units.
    public var tolerance: Double
    public var maxIterations: Int

    public init(
        scale: Double = 400,
        base: Double = 10,
        initialRating: Double = 1000,
        anchor: BradleyTerry.Anchor? = nil,
        ties: TieModel = .half,
        tolerance: Double = 1e-10,
        maxIterations: Int = 100
    ) {
        self.scale = scale
        self.base = base
        self.initialRating = initialRating
        self.anchor = anchor
        self.ties = ties
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// The same Elo scale, anchor and tolerance as a Bradley–Terry estimator.
    public init(_ estimator: BradleyTerry, ties: TieModel = .half) {
        self.init(
            scale: estimator.scale, base: estimator.base, initialRating: estimator.initialRating,
            anchor: estimator.anchor, ties: ties, tolerance: estimator.tolerance, maxIterations: estimator.maxIterations)
    }

    /// Elo points per natural-log unit of strength (400 / ln 10 ≈ 173.7).
    public var eloPerNat: Double { scale / Foundation.log(base) }

    /// Firth's fit needs more steps than Newton's (it is Fisher scoring on a penalised likelihood).
    var firthIterations: Int { max(maxIterations, 500) }

    public func fit(_ counts: ChoiceCounts) throws(RatingError) -> PlackettLuceFit {
        try fit(counts, graph: ComparisonGraph(counts))
    }

    func fit(_ counts: ChoiceCounts, graph: ComparisonGraph) throws(RatingError) -> PlackettLuceFit {
        let n = counts.contenderCount
        var anchorIndex: Int?
        if let anchor {
            guard let k = counts.contenders.firstIndex(of: anchor.contender) else {
                throw .unknownAnchor(anchor.contender, known: counts.contenders)
            }
            anchorIndex = k
        }
        var theta = [Double](repeating: 0, count: n)
        var provisional = [Bool](repeating: false, count: n)
        var methods = [BradleyTerryFit.Method](repeating: .maximumLikelihood, count: graph.componentCount)
        var warnings: [String] = []
        var iterations = 0
        var gradientNorm = 0.0
        var converged = true
        var tieParameter: Double?

        for k in 0..<n where counts.contenderVotes[k] == 0 {
            provisional[k] = true
            warnings.append("\(counts.contenders[k]) has no votes; its rating is a placeholder at \(format(initialRating)).")
        }
        let components = (0..<graph.componentCount).map { graph.members(of: $0) }.filter { members in
            members.count > 1 || members.contains { counts.contenderVotes[$0] > 0 }
        }

        func record(_ solution: ChoiceProblem.Solution) {
            iterations = max(iterations, solution.iterations)
            gradientNorm = max(gradientNorm, solution.gradientNorm)
            converged = converged && solution.converged
        }
        func markDegenerate(_ members: [Int], component c: Int) {
            methods[c] = .firth
            for k in BradleyTerry().provisionalMembers(graph, members) { provisional[k] = true }
            warnings.append(contentsOf: separationWarnings(counts, graph, members))
        }

        if ties.hasParameter && counts.pairs.ties.contains(where: { $0 > 0 }) {
            // One problem over every group: they share the tie parameter.
            let all = components.flatMap { $0 }
            var start = 0
            var groups: [[Int]] = []
            for members in components {
                groups.append(Array(start..<(start + members.count)))
                start += members.count
            }
            let problem = ChoiceProblem(counts, contenders: all, groups: groups, ties: ties)
            let degenerate = components.filter { !graph.separable[graph.component[$0[0]]] }
            let solution = degenerate.isEmpty
                ? problem.newton(from: problem.rankBreakingStart() ?? problem.start(), tolerance: tolerance, maxIterations: maxIterations)
                : problem.firth(from: problem.start(), tolerance: tolerance, maxIterations: firthIterations)
            for members in degenerate { markDegenerate(members, component: graph.component[members[0]]) }
            record(solution)
            for (local, k) in all.enumerated() { theta[k] = solution.beta[local] }
            tieParameter = Foundation.exp(solution.beta[problem.n])
        } else {
            if let boundary = ties.boundaryParameter {
                tieParameter = boundary
                warnings.append("The pairwise votes hold no tie, so the \(ties.rawValue) tie parameter sits at its boundary (\(format(boundary))) and the fit is Bradley–Terry on the decisive votes.")
            }
            for members in components where members.count > 1 {
                let c = graph.component[members[0]]
                let problem = ChoiceProblem(counts, contenders: members, groups: [Array(0..<members.count)], ties: .half)
                let solution: ChoiceProblem.Solution
                if graph.separable[c] {
                    solution = problem.newton(from: problem.rankBreakingStart() ?? problem.start(), tolerance: tolerance, maxIterations: maxIterations)
                } else {
                    markDegenerate(members, component: c)
                    solution = problem.firth(from: problem.start(), tolerance: tolerance, maxIterations: firthIterations)
                }
                record(solution)
                for (local, k) in members.enumerated() { theta[k] = solution.beta[local] }
            }
        }
        // Centre each group.
        for members in components {
            let mean = members.reduce(0) { $0 + theta[$1] } / Double(members.count)
            for k in members { theta[k] -= mean }
        }

        if !converged {
            warnings.append("The fit did not converge within \(maxIterations) iterations (largest gradient \(String(format: "%.1e", gradientNorm))); ratings may be inaccurate.")
        }
        let realComponents = (0..<graph.componentCount).filter { c in
            graph.members(of: c).contains { counts.contenderVotes[$0] > 0 }
        }
        if realComponents.count > 1 {
            let groups = realComponents.map { c in "{" + listNames(graph.members(of: c).map { counts.contenders[$0] }) + "}" }
            warnings.append("The votes form \(realComponents.count) groups that never met: \(groups.joined(separator: ", ")); ratings compare only within a group (each group is centred on \(format(initialRating)) separately).")
        }

        var ratings = theta.map { initialRating + eloPerNat * $0 }
        if let anchorIndex, let anchor {
            let shift = anchor.rating - ratings[anchorIndex]
            let c = graph.component[anchorIndex]
            for k in 0..<n where graph.component[k] == c { ratings[k] += shift }
        }
        return PlackettLuceFit(
            contenders: counts.contenders,
            theta: theta,
            ratings: ratings,
            tieParameter: tieParameter,
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

    func separationWarnings(_ counts: ChoiceCounts, _ graph: ComparisonGraph, _ members: [Int]) -> [String] {
        let (points, comparisons) = counts.impliedRecord()
        var out: [String] = []
        let held = "by Firth's bias-reduced fit (Jeffreys prior)"
        let undefeated = members.filter { comparisons[$0] > 0 && points[$0] >= comparisons[$0] }
        let winless = members.filter { comparisons[$0] > 0 && points[$0] <= 0 }
        if !undefeated.isEmpty {
            out.append("\(listNames(undefeated.map { counts.contenders[$0] })) never lost: the maximum-likelihood rating is infinite, so the rating shown is held finite \(held) and marked provisional.")
        }
        if !winless.isEmpty {
            out.append("\(listNames(winless.map { counts.contenders[$0] })) never won: the maximum-likelihood rating is minus infinity, so the rating shown is held finite \(held) and marked provisional.")
        }
        if undefeated.isEmpty && winless.isEmpty {
            let others = BradleyTerry().provisionalMembers(graph, members)
            out.append("The votes never show \(listNames(others.map { counts.contenders[$0] })) scoring against the rest of their group in both directions: their gap is infinite under maximum likelihood, so it is held finite \(held) and marked provisional.")
        }
        return out
    }
}

/// The result of `PlackettLuce.fit`.
public struct PlackettLuceFit: Sendable {
    public let contenders: [String]
    /// Natural-log strengths as fitted (centred per group).
    public let theta: [Double]
    /// Ratings on the Elo scale.
    public let ratings: [Double]
    /// Davidson's ν or Rao–Kupper's θ; nil for ties as half wins.
    public let tieParameter: Double?
    /// Newton iterations (the most any group took).
    public let iterations: Int
    /// Largest absolute gradient of the log-likelihood at the solution.
    public let gradientNorm: Double
    public let converged: Bool
    public let graph: ComparisonGraph
    /// Contenders whose rating is not a finite MLE (held by Firth's fit).
    public let provisional: [Bool]
    /// How each connected component was fitted.
    public let componentMethods: [BradleyTerryFit.Method]
    public let warnings: [String]
    public let estimator: PlackettLuce
    let anchorIndex: Int?

    public func rating(of contender: String) -> Double? {
        contenders.firstIndex(of: contender).map { ratings[$0] }
    }
}
