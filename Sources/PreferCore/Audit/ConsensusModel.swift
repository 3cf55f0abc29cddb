import Foundation

/// The consensus a voter is judged against: a Bradley–Terry fit of everyone
/// else's votes, with ties, a position (left-side) effect, and a fast
/// leave-one-voter-out correction.
///
/// Model (natural log-odds, Elo scale = 400/ln 10 per unit): the left side's
/// expected score is σ(θ_left − θ_right + γ), ties counting half a win
/// (Bradley & Terry 1952; the position effect γ as in Davidson & Beaver
/// 1977's order effect). The tie probability of a pair is its observed tie
/// share, shrunk toward the arena-wide share with 20 pseudo-votes, and capped
/// so that neither side's win probability goes negative. θ is the MLE with a
/// tiny ridge (ρ = 0.05, a N(0, 20) prior in log-odds — a 780-Elo standard
/// deviation) so that unbeaten or disconnected contenders stay finite.
///
/// Leave-one-voter-out: refitting without each of thousands of voters
/// would cost thousands of fits. Instead the full fit's information matrix
/// I is factored once and voter v's strengths are one Newton step from the
/// full optimum, θ₋ᵥ ≈ θ̂ − I⁻¹gᵥ, where gᵥ is the gradient of v's own votes
/// at θ̂ (the influence-function approximation of Cook 1977 / Koh & Liang
/// 2017, exact to second order in v's share of the votes). Voters holding
/// at least `exactShare` of the votes are refitted exactly by Newton from
/// θ̂. Cost: one O(votes + pairs + n³) fit, then O(votesᵥ + n²) per voter.
struct ConsensusModel: Sendable {
    let contenders: Int
    let theta: [Double]
    let gamma: Double
    let globalTie: Double
    static let ridge = 0.05
    let tiePseudoVotes = 20.0
    let exactShare: Double
    private let slots: PairSlotIndex
    private let pairI: [Int32]
    private let pairJ: [Int32]
    /// Per pair: score of the first (lower-index) contender, battles, ties.
    private let pairScore: [Double]
    private let pairTotal: [Double]
    private let pairTies: [Double]
    private let includedVotes: Int
    private let factor: Cholesky?

    /// Fits the votes whose `included` flag is set.
    init(contenders n: Int, a: [Int32], b: [Int32], outcomes: [Outcome], included: [Bool], exactShare: Double = 0.01) {
        contenders = n
        self.exactShare = exactShare
        var slots = PairSlotIndex(contenders: n)
        var pi: [Int32] = []
        var pj: [Int32] = []
        var score: [Double] = []
        var total: [Double] = []
        var ties: [Double] = []
        var count = 0
        var tieCount = 0.0
        for row in 0..<a.count where included[row] && a[row] != b[row] {
            let i = min(a[row], b[row])
            let j = max(a[row], b[row])
            let slot = slots.slot(i, j) {
                pi.append(i)
                pj.append(j)
                score.append(0)
                total.append(0)
                ties.append(0)
            }
            let s = outcomes[row].scoreForA
            score[slot] += a[row] == i ? s : 1 - s
            total[slot] += 1
            if outcomes[row].isTie {
                ties[slot] += 1
                tieCount += 1
            }
            count += 1
        }
        self.slots = slots
        pairI = pi
        pairJ = pj
        pairScore = score
        pairTotal = total
        pairTies = ties
        includedVotes = count
        globalTie = count > 0 ? tieCount / Double(count) : 0
        let problem = PairwiseProblem(n: n, i: pi, j: pj, s: score, t: total, multiplicity: 1, ridge: Self.ridge)
        let solution = problem.newton(from: [Double](repeating: 0, count: n), tolerance: 1e-9, maxIterations: 100)
        theta = solution.theta
        factor = problem.definiteFactor(problem.information(solution.theta))

        // Position effect: one-dimensional Newton on γ with θ fixed.
        var g = 0.0
        for _ in 0..<30 {
            var d1 = 0.0
            var d2 = 0.0
            for row in 0..<a.count where included[row] && a[row] != b[row] {
                let q = PairwiseProblem.sigmoid(solution.theta[Int(a[row])] - solution.theta[Int(b[row])] + g)
                d1 += outcomes[row].scoreForA - q
                d2 += q * (1 - q)
            }
            guard d2 > 0 else { break }
            let step = max(-1, min(1, d1 / d2))
            g += step
            if Swift.abs(step) < 1e-10 { break }
        }
        gamma = g
    }

    /// Strengths fitted without the votes in `rows` (a voter's votes);
    /// `included` says which of those the full fit used.
    func strengths(without rows: [Int], a: [Int32], b: [Int32], outcomes: [Outcome], included: [Bool]) -> [Double] {
        let used = rows.filter { included[$0] && a[$0] != b[$0] }
        guard !used.isEmpty, let factor else { return theta }
        if Double(used.count) >= exactShare * Double(includedVotes) {
            return refit(without: used, a: a, b: b, outcomes: outcomes)
        }
        var g = [Double](repeating: 0, count: contenders)
        for row in used {
            let x = Int(a[row])
            let y = Int(b[row])
            let r = outcomes[row].scoreForA - PairwiseProblem.sigmoid(theta[x] - theta[y])
            g[x] += r
            g[y] -= r
        }
        factor.solve(&g)
        var out = theta
        for k in 0..<contenders { out[k] -= g[k] }
        return out
    }

    func refit(without rows: [Int], a: [Int32], b: [Int32], outcomes: [Outcome]) -> [Double] {
        var score = pairScore
        var total = pairTotal
        for row in rows {
            let i = min(a[row], b[row])
            let j = max(a[row], b[row])
            guard let slot = slots.existing(i, j) else { continue }
            let s = outcomes[row].scoreForA
            score[slot] -= a[row] == i ? s : 1 - s
            total[slot] -= 1
        }
        let problem = PairwiseProblem(n: contenders, i: pairI, j: pairJ, s: score, t: total, multiplicity: 1, ridge: Self.ridge)
        return problem.newton(from: theta, tolerance: 1e-9, maxIterations: 50).theta
    }

    /// The tie probability of the pair, leaving out `ownTies` of `ownVotes`
    /// (the voter's own votes on it).
    func tieRate(_ x: Int32, _ y: Int32, ownTies: Double = 0, ownVotes: Double = 0) -> Double {
        let i = min(x, y)
        let j = max(x, y)
        var ties = 0.0
        var total = 0.0
        if let slot = slots.existing(i, j) {
            ties = max(0, pairTies[slot] - ownTies)
            total = max(0, pairTotal[slot] - ownVotes)
        }
        return (ties + tiePseudoVotes * globalTie) / (total + tiePseudoVotes)
    }

    /// What the consensus with strengths `strengths` expects of each vote in
    /// `rows`, with tie rates that leave out the voter's own votes when
    /// `ownIncluded` (their votes are part of the fit).
    func predictions(
        rows: [Int], strengths: [Double], a: [Int32], b: [Int32], outcomes: [Outcome], ownIncluded: [Bool]
    ) -> [VotePrediction] {
        var own: [UInt64: (ties: Double, votes: Double)] = [:]
        for row in rows where ownIncluded[row] {
            let key = UInt64(min(a[row], b[row])) << 32 | UInt64(max(a[row], b[row]))
            own[key, default: (0, 0)].votes += 1
            if outcomes[row].isTie { own[key, default: (0, 0)].ties += 1 }
        }
        return rows.map { row in
            let x = a[row]
            let y = b[row]
            let key = UInt64(min(x, y)) << 32 | UInt64(max(x, y))
            let mine = own[key] ?? (0, 0)
            let gap = strengths[Int(x)] - strengths[Int(y)]
            let p = PairwiseProblem.sigmoid(gap + gamma)
            let t = min(tieRate(x, y, ownTies: mine.ties, ownVotes: mine.votes), 0.999 * 2 * min(p, 1 - p))
            return VotePrediction(
                row: row, left: x, right: y, outcome: outcomes[row], gap: gap,
                win: max(0, p - t / 2), tie: t, loss: max(0, 1 - p - t / 2)
            )
        }
    }
}
