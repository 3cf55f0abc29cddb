import Foundation

/// The best any audit could do on a simulated arena: the likelihood ratio of
/// each voter's data under fraud against honesty, computed with everything
/// an audit can never know — the true ratings, the tie model and each fraud
/// kind's exact behaviour (`FraudSimulation`).
///
/// For voter v and fraud kind k, log LRₖ = Σ_votes log Pₖ(pair, choice,
/// time) − log P_honest(pair, choice, time); the oracle score is
/// log Σₖ πₖ·LRₖ with πₖ the planted shares — the likelihood ratio of "some
/// fraud" against honesty, which by the Neyman–Pearson lemma flags the most
/// bad voters for any given number of honest voters flagged. Output lengths
/// are drawn the same way for everyone and cancel. O(votes × kinds).
public struct LikelihoodRatioOracle: Sendable {
    public var simulation: FraudSimulation

    public init(simulation: FraudSimulation) {
        self.simulation = simulation
    }

    /// One score per voter of the arena, indexed like `arena.kinds`.
    public func scores(_ arena: FraudSimulation.Arena) -> [Double] {
        let table = arena.table
        let n = simulation.contenders
        let kinds = simulation.badKinds
        let prior = Foundation.log(1 / Double(kinds.count))
        var sums = [[Double]](repeating: [Double](repeating: 0, count: kinds.count), count: arena.kinds.count)
        let uniformPair = 1 / Double(n * (n - 1))
        let focus = simulation.boosterFocus
        let randomHalf = (1 - simulation.randomTieShare) / 2
        let ms = arena.inputs.milliseconds!
        let chars = arena.inputs.characters!
        for row in 0..<table.count {
            let v = Int(table.voters!.codes[row])
            let x = Int(table.a[row])
            let y = Int(table.b[row])
            let outcome = table.outcomes[row]
            let honest = FraudSimulation.honestProbabilities(arena.theta[x] - arena.theta[y], arena.tau)
            let reversed = FraudSimulation.honestProbabilities(arena.theta[y] - arena.theta[x], arena.tau)
            func pick(_ p: (win: Double, tie: Double, loss: Double)) -> Double {
                outcome == .aWins ? p.win : outcome == .bWins ? p.loss : p.tie
            }
            let logHonest = Foundation.log(pick(honest))
            let random = outcome.isTie ? simulation.randomTieShare : randomHalf
            let t = ms[row]
            let honestTime = Self.logNormalDensity(
                t, median: FraudSimulation.honestMsPerChar * Double(chars[row]!), sigma: FraudSimulation.honestTimeSigma)
            let fastTime = Self.logNormalDensity(t, median: FraudSimulation.fastMedianMs, sigma: FraudSimulation.fastSigma)
            for (k, kind) in kinds.enumerated() {
                let term: Double
                switch kind {
                case .randomClicker:
                    term = Foundation.log(random) - logHonest
                case .alwaysLeft:
                    term = outcome == .aWins ? -logHonest : -.infinity
                case .contrarian:
                    term = Foundation.log(pick(reversed)) - logHonest
                case .tooFast:
                    term = Foundation.log(random) + fastTime - logHonest - honestTime
                case .booster:
                    let involves = x == arena.target || y == arena.target
                    let pair = (involves ? focus / Double(2 * (n - 1)) : 0) + (1 - focus) * uniformPair
                    let choice: Double
                    if involves {
                        let targetWon = (x == arena.target && outcome == .aWins) || (y == arena.target && outcome == .bWins)
                        choice = targetWon ? 0 : -.infinity
                    } else {
                        choice = logHonest
                    }
                    term = Foundation.log(pair / uniformPair) + choice - logHonest
                case .honest:
                    term = 0
                }
                sums[v][k] += term
            }
        }
        return sums.map { terms in
            let top = terms.max() ?? -.infinity
            guard top > -.infinity else { return -.infinity }
            return top + Foundation.log(terms.reduce(0) { $0 + Foundation.exp($1 - top) }) + prior
        }
    }

    /// log density of a log-normal with the given median and σ at t.
    static func logNormalDensity(_ t: Double, median: Double, sigma: Double) -> Double {
        let z = (Foundation.log(t) - Foundation.log(median)) / sigma
        return -0.5 * z * z - Foundation.log(t * sigma * (2 * Double.pi).squareRoot())
    }
}
