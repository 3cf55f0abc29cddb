import Foundation

/// Predicts whether a judge's verdict on a battle will disagree with
/// people's, from what is known before any person votes (*Hybrid
/// Preferences*, Miranda et al., 2024, route items by a learnt estimate of
/// where the judge is unreliable): an L2-regularised logistic regression,
/// fitted by Newton's method (IRLS) with a Cholesky solve, on the arena's
/// own battles that have both kinds of votes.
///
/// Features: the judge's order-inconsistency, a tie or weak (>, not ≫)
/// verdict, the prompt's category (one indicator per category seen at least
/// `minCategoryBattles` times), the length gap |log((1+|x|)/(1+|y|))| and
/// whether the judge picked the longer output, and their product.
/// The target is the disagreement in the score the battle gives the first
/// output (1 win, ½ tie, 0 loss): 0 when the judge and people agree, ½ when
/// one says tie and the other picks a winner, 1 when they pick opposite
/// winners — a fractional response (quasi-likelihood logistic regression,
/// Papke & Wooldridge, 1996), so that the risk is the expected error the
/// judge's label puts into the leaderboard, and a reversed verdict counts
/// twice a tie against a win.
/// O(iterations · (n·d² + d³)) for n battles and d features.
public struct DisagreementModel: Sendable, Hashable, Codable {
    public var categories: [String]
    public var weights: [Double]
    public var l2: Double

    public static let baseFeatures = ["intercept", "inconsistent", "judge_tie", "judge_weak", "length_gap", "judge_picked_longer", "gap_x_longer"]

    public var featureNames: [String] { Self.baseFeatures + categories.map { "category=" + $0 } }

    /// The features of a battle, in `featureNames` order.
    public func features(_ battle: JudgedBattle) -> [Double] {
        var x = [Double](repeating: 0, count: Self.baseFeatures.count + categories.count)
        x[0] = 1
        x[1] = battle.judgeConsistent == false ? 1 : 0
        x[2] = battle.judge == .tie ? 1 : 0
        x[3] = battle.judge != .tie && battle.judgeStrength < 2 ? 1 : 0
        if let a = battle.firstLength, let b = battle.secondLength {
            let gap = abs(log(Double(1 + a)) - log(Double(1 + b)))
            x[4] = gap
            let longer: PairJudgement.Winner = a > b ? .a : (b > a ? .b : .tie)
            x[5] = longer != .tie && battle.judge == longer ? 1 : 0
            x[6] = x[4] * x[5]
        }
        if let category = battle.category, let index = categories.firstIndex(of: category) {
            x[Self.baseFeatures.count + index] = 1
        }
        return x
    }

    /// The expected disagreement (0…1) of the judge with people on this battle.
    public func probability(_ battle: JudgedBattle) -> Double {
        let z = zip(weights, features(battle)).reduce(0) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-z))
    }

    /// |score by the judge − score by people| for the first output: 0, ½ or 1 (the target).
    public static func disagreement(_ battle: JudgedBattle) -> Double {
        func score(_ winner: PairJudgement.Winner) -> Double {
            switch winner {
            case .a: 1
            case .b: 0
            case .tie: 0.5
            }
        }
        return abs(score(battle.judge) - score(battle.human))
    }

    /// Fits the model; the prior alone (no battles) predicts the base rate ½.
    public static func fit(_ battles: [JudgedBattle], l2: Double = 1, minCategoryBattles: Int = 10, iterations: Int = 50) -> DisagreementModel {
        var counts: [String: Int] = [:]
        for battle in battles { if let category = battle.category { counts[category, default: 0] += 1 } }
        let categories = counts.filter { $0.value >= minCategoryBattles }.map(\.key).sorted()
        var model = DisagreementModel(categories: categories, weights: [], l2: l2)
        let d = baseFeatures.count + categories.count
        model.weights = [Double](repeating: 0, count: d)
        guard !battles.isEmpty else { return model }
        let rows = battles.map { model.features($0) }
        let y = battles.map(disagreement)
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: d)
            var hessian = [Double](repeating: 0, count: d * d)
            for (x, target) in zip(rows, y) {
                let z = zip(model.weights, x).reduce(0) { $0 + $1.0 * $1.1 }
                let p = 1 / (1 + exp(-z))
                let w = max(p * (1 - p), 1e-9)
                for i in 0..<d where x[i] != 0 {
                    gradient[i] += (p - target) * x[i]
                    for j in 0..<d where x[j] != 0 { hessian[i * d + j] += w * x[i] * x[j] }
                }
            }
            // The intercept is not penalised.
            for i in 1..<d {
                gradient[i] += l2 * model.weights[i]
                hessian[i * d + i] += l2
            }
            hessian[0] += 1e-6
            guard let factor = Cholesky(hessian, n: d) else { break }
            var step = gradient
            factor.solve(&step)
            var largest = 0.0
            for i in 0..<d {
                model.weights[i] -= step[i]
                largest = max(largest, abs(step[i]))
            }
            if largest < 1e-8 { break }
        }
        return model
    }
}
