import Foundation

/// Picks the best of N outputs for a prompt by one or several reward models
/// (or criteria), with the transforms of Wang et al. 2024, "Transforming and
/// Combining Rewards for Aligning Large Language Models".
///
/// - `raw`: u = r.
/// - `logSigmoid`: u = log σ(r − r_ref), r_ref the prompt's reference reward
///   — here the `referenceQuantile` of the N candidates' rewards under that
///   model (the paper centres on a reference output's reward; the median of
///   the candidates plays that part when none is given). It saturates for
///   outputs already well above the reference and penalises the poor ones,
///   and for Bradley–Terry rewards log σ(r − r_ref) is the log-probability
///   that the output beats the reference.
/// - Combination: the sum of the transformed rewards over the models (with
///   `logSigmoid`, the log-probability of being good on every criterion at
///   once); the best output maximises it (ties: the first).
/// - Pareto set: the outputs no other output matches or beats on every
///   model's reward while beating them on one (Parrot, Lee et al. 2024, uses
///   such batch-wise Pareto sets); transforms are monotone, so it is the
///   same on raw and transformed rewards.
///
/// O(N·models) per prompt, plus O(N²·models) for the Pareto set.
public struct BestOfN: Sendable {
    public enum Transform: String, Sendable, Hashable, Codable, CaseIterable {
        case raw
        case logSigmoid = "log-sigmoid"
    }

    public var transform: Transform
    public var referenceQuantile: Double

    public init(transform: Transform = .logSigmoid, referenceQuantile: Double = 0.5) {
        self.transform = transform
        self.referenceQuantile = referenceQuantile
    }

    public struct Selection: Sendable, Equatable, Codable {
        /// Index of the chosen candidate.
        public var best: Int
        /// Per candidate, the sum of its transformed rewards.
        public var combined: [Double]
        /// Per candidate, per model, the transformed reward.
        public var transformed: [[Double]]
        /// Candidates on the Pareto front, ascending.
        public var pareto: [Int]
    }

    /// `rewards[c][m]` is candidate c's reward under model m (N ≥ 1, the same
    /// number of models for each).
    public func select(_ rewards: [[Double]]) -> Selection {
        let count = rewards.count
        let models = rewards.first?.count ?? 0
        var transformed = rewards
        if transform == .logSigmoid && count > 0 {
            for m in 0..<models {
                let column = rewards.map { $0[m] }.sorted()
                let reference = Percentile.ofSorted(column, referenceQuantile)
                for c in 0..<count { transformed[c][m] = PairwiseProblem.logSigmoid(rewards[c][m] - reference) }
            }
        }
        let combined = transformed.map { $0.reduce(0, +) }
        var best = 0
        for c in 0..<count where combined[c] > combined[best] { best = c }
        var pareto: [Int] = []
        for c in 0..<count {
            let dominated = (0..<count).contains { o in
                guard o != c else { return false }
                var strictly = false
                for m in 0..<models {
                    if rewards[o][m] < rewards[c][m] { return false }
                    if rewards[o][m] > rewards[c][m] { strictly = true }
                }
                return strictly
            }
            if !dominated { pareto.append(c) }
        }
        return Selection(best: best, combined: combined, transformed: transformed, pareto: pareto)
    }
}
