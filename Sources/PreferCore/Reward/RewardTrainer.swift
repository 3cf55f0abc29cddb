import Foundation

/// Trains a `RewardModel`: the regularised pairwise logistic loss
/// (`PairwiseLogistic`) minimised by L-BFGS, with the penalty λ chosen by
/// K-fold cross-validation grouped by prompt (no prompt in both a fold's
/// training and held-out part), then a final fit on all pairs with it.
///
/// - λ grid: `lambdas`, tried from the largest down, each fit warm-started
///   from the previous one (a regularisation path); the λ with the lowest
///   held-out log-loss wins (ties: the larger λ).
/// - Cross-validation runs on at most `crossValidationPairs` pairs (whole
///   prompts, drawn by the seed) so that large sets stay fast; the final fit
///   uses every pair.
/// - Ties train with label ½; judge votes are left out unless
///   `includeJudges`.
///
/// Deterministic given the seed (and independent of the thread count).
/// Cost: (K·|grid| + 1) fits, each O(iterations · stored features).
public struct RewardTrainer: Sendable {
    public var features: RewardFeatures
    public var lambdas: [Double]
    public var folds: Int
    public var crossValidationPairs: Int
    public var seed: UInt64
    public var threads: Int?
    public var optimizer: LBFGS
    /// The cross-validation fits stop earlier (they only rank the λs).
    public var crossValidationOptimizer: LBFGS
    public var includeJudges: Bool

    public static let defaultLambdas = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5]

    public init(features: RewardFeatures = RewardFeatures(), lambdas: [Double] = RewardTrainer.defaultLambdas, folds: Int = 3, seed: UInt64 = 42) {
        self.features = features
        self.lambdas = lambdas
        self.folds = folds
        self.seed = seed
        crossValidationPairs = 20_000
        threads = nil
        optimizer = LBFGS(memory: 8, gradientTolerance: 1e-5, valueTolerance: 1e-10, maxIterations: 300)
        crossValidationOptimizer = LBFGS(memory: 8, gradientTolerance: 1e-4, valueTolerance: 1e-7, maxIterations: 100)
        includeJudges = false
    }

    /// One λ's cross-validated result.
    public struct Fold: Sendable, Codable, Equatable {
        public var lambda: Double
        /// Mean held-out log-loss per pair (ties included, label ½).
        public var logLoss: Double
        /// Held-out accuracy on decisive pairs.
        public var accuracy: Double

        enum CodingKeys: String, CodingKey {
            case lambda
            case logLoss = "log_loss"
            case accuracy
        }
    }

    public func validate() throws(RewardError) {
        try features.validate()
        guard !lambdas.isEmpty, lambdas.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalidOption("--lambda values must be positive numbers; got \(lambdas).")
        }
        guard lambdas.count == 1 || folds >= 2 else {
            throw .invalidOption("--folds must be at least 2 to choose among several λ (or give one --lambda).")
        }
        guard crossValidationPairs >= 10 else { throw .invalidOption("--cv-pairs must be at least 10.") }
    }

    /// Trains on `pairs` of `data` (all human pairs when nil).
    public func train(
        _ data: RewardDataset, pairs subset: [Int]? = nil,
        progress: (@Sendable (String) -> Void)? = nil
    ) throws(RewardError) -> RewardModel {
        try validate()
        guard data.features == features else {
            throw .invalidOption("the dataset was featurised with other settings than the trainer's.")
        }
        let all = (subset ?? Array(0..<data.pairCount)).filter { includeJudges || !data.isJudge[$0] }
        guard !all.isEmpty else { throw .noPairs }
        let threads = max(1, self.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let grid = lambdas.sorted(by: >)
        var cv: [Fold] = []
        var lambda = grid[0]
        if grid.count > 1 {
            cv = crossValidate(data, pairs: all, grid: grid, threads: threads, progress: progress)
            if let best = cv.min(by: { ($0.logLoss, -$0.lambda) < ($1.logLoss, -$1.lambda) }) { lambda = best.lambda }
        }
        progress?("final fit on \(all.count) pairs, λ = \(lambda)")
        let objective = PairwiseLogistic(data: data, pairs: all, lambda: lambda, threads: threads)
        let result = optimizer.minimize(from: Array(repeating: 0, count: features.dimension)) { w, g in
            objective.evaluate(w, gradient: &g)
        }
        let prompts = Set(all.map { data.group[$0] }).count
        let info = RewardModel.Info(
            lambda: lambda, pairs: all.count, prompts: prompts, seed: seed, crossValidation: cv,
            iterations: result.iterations, converged: result.converged)
        return RewardModel(features: features, weights: result.x.map { Float($0) }, info: info)
    }

    /// Prompts of `pairs` in K folds (seeded shuffle), on a prompt-whole
    /// subsample of at most `crossValidationPairs` pairs.
    func foldAssignment(_ data: RewardDataset, pairs: [Int]) -> (pairs: [Int], fold: [Int32: Int]) {
        var seen = Set<Int32>()
        var groups: [Int32] = []
        var pairsOf: [Int32: Int] = [:]
        for p in pairs {
            let g = data.group[p]
            if seen.insert(g).inserted { groups.append(g) }
            pairsOf[g, default: 0] += 1
        }
        var rng = Xoshiro256(seed: seed, stream: 0xC0FFEE)
        groups.shuffle(using: &rng)
        var chosen: [Int32] = []
        var count = 0
        for g in groups where count < crossValidationPairs {
            chosen.append(g)
            count += pairsOf[g] ?? 0
        }
        var fold: [Int32: Int] = [:]
        for (k, g) in chosen.enumerated() { fold[g] = k % folds }
        return (pairs.filter { fold[data.group[$0]] != nil }, fold)
    }

    func crossValidate(_ data: RewardDataset, pairs: [Int], grid: [Double], threads: Int, progress: (@Sendable (String) -> Void)?) -> [Fold] {
        let (sample, fold) = foldAssignment(data, pairs: pairs)
        var loss = [Double](repeating: 0, count: grid.count)
        var weightSum = [Double](repeating: 0, count: grid.count)
        var correct = [Double](repeating: 0, count: grid.count)
        var decisive = [Double](repeating: 0, count: grid.count)
        for k in 0..<folds {
            let train = sample.filter { fold[data.group[$0]] != k }
            let test = sample.filter { fold[data.group[$0]] == k }
            guard !train.isEmpty, !test.isEmpty else { continue }
            var start = [Double](repeating: 0, count: features.dimension)
            for (l, lambda) in grid.enumerated() {
                progress?("cross-validation: fold \(k + 1) of \(folds), λ = \(lambda)")
                let objective = PairwiseLogistic(data: data, pairs: train, lambda: lambda, threads: threads)
                let result = crossValidationOptimizer.minimize(from: start) { w, g in objective.evaluate(w, gradient: &g) }
                start = result.x
                result.x.withUnsafeBufferPointer { w in
                    for p in test {
                        let z = data.score(row: Int(data.chosen[p]), weights: w) - data.score(row: Int(data.rejected[p]), weights: w)
                        let y = data.label[p]
                        let c = data.weight[p]
                        loss[l] += c * (y * PairwiseLogistic.softplus(-z) + (1 - y) * PairwiseLogistic.softplus(z))
                        weightSum[l] += c
                        if y != 0.5 {
                            decisive[l] += 1
                            correct[l] += z > 0 ? 1 : (z == 0 ? 0.5 : 0)
                        }
                    }
                }
            }
        }
        return grid.indices.map { l in
            Fold(lambda: grid[l], logLoss: weightSum[l] > 0 ? loss[l] / weightSum[l] : .infinity, accuracy: decisive[l] > 0 ? correct[l] / decisive[l] : 0)
        }
    }
}
