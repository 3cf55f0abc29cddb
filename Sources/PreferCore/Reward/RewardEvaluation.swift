import Foundation

/// Held-out pairwise accuracy of a reward model beside simple baselines, on
/// the same pairs, with bootstrap intervals.
///
/// - Split (`split`): prompts, not pairs, are shuffled by the seed and a
///   `testShare` of them held out, so no prompt is in both parts.
/// - Accuracy: over the decisive human pairs of the test part (ties left
///   out), the share whose preferred output the predictor scores higher
///   (equal scores count half).
/// - Interval: percentile bootstrap resampling whole prompts (the pairs of a
///   prompt are not independent), `rounds` rounds, seeded.
/// - Baselines: "longer wins" (more words), "the higher-rated contender wins"
///   (Bradley–Terry ratings fitted on the training part's votes, where the
///   pairs name their contenders) and, where judge votes exist on the same
///   (prompt, outputs), the judge's agreement with the people — each with the
///   model's accuracy on exactly the pairs the baseline covers.
///
/// O(pairs · rounds) for the intervals.
public struct RewardEvaluation: Sendable, Encodable {
    public struct Accuracy: Sendable, Codable, Equatable {
        public var name: String
        public var accuracy: Double
        public var lower: Double
        public var upper: Double
        /// Decisive pairs the accuracy is over.
        public var pairs: Int
        /// The reward model's accuracy on the same pairs, for baselines that
        /// cover only some of them.
        public var modelOnSamePairs: Double?

        enum CodingKeys: String, CodingKey {
            case name, accuracy, lower, upper, pairs
            case modelOnSamePairs = "model_on_same_pairs"
        }
    }

    public var model: Accuracy
    public var baselines: [Accuracy]
    public var trainPairs: Int
    public var testPairs: Int
    public var trainPrompts: Int
    public var testPrompts: Int
    public var lambda: Double
    public var crossValidation: [RewardTrainer.Fold]
    public var seed: UInt64
    public var rounds: Int

    enum CodingKeys: String, CodingKey {
        case model, baselines, lambda, seed, rounds
        case trainPairs = "train_pairs"
        case testPairs = "test_pairs"
        case trainPrompts = "train_prompts"
        case testPrompts = "test_prompts"
        case crossValidation = "cross_validation"
    }

    /// Pairs of `data` split by prompt: a `testShare` of the prompts held out.
    public static func split(_ data: RewardDataset, testShare: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var groups = Array(0..<Int32(data.promptCount))
        var rng = Xoshiro256(seed: seed, stream: 0x5E11)
        groups.shuffle(using: &rng)
        let held = Int((Double(groups.count) * testShare).rounded())
        let test = Set(groups.prefix(max(1, min(groups.count - 1, held))))
        var train: [Int] = []
        var testPairs: [Int] = []
        for p in 0..<data.pairCount {
            if test.contains(data.group[p]) { testPairs.append(p) } else { train.append(p) }
        }
        return (train, testPairs)
    }

    /// Evaluates `model` on the `test` pairs, with baselines; `train` pairs
    /// feed the contender baseline.
    public static func evaluate(
        model: RewardModel, data: RewardDataset, train: [Int], test: [Int], rounds: Int = 1000, seed: UInt64 = 42
    ) -> RewardEvaluation {
        let weights = model.weights.map(Double.init)
        var rowScore = [Double](repeating: .nan, count: data.rowCount)
        weights.withUnsafeBufferPointer { w in
            for p in test + train {
                for r in [Int(data.chosen[p]), Int(data.rejected[p])] where rowScore[r].isNaN {
                    rowScore[r] = data.score(row: r, weights: w)
                }
            }
        }
        let decisive = test.filter { !data.isJudge[$0] && data.label[$0] != 0.5 }
        func credit(_ margin: Double) -> Double { margin > 0 ? 1 : (margin == 0 ? 0.5 : 0) }
        let modelCredit = decisive.map { credit(rowScore[Int(data.chosen[$0])] - rowScore[Int(data.rejected[$0])]) }
        let modelAccuracy = summarise("reward model", credit: modelCredit, pairs: decisive, data: data, rounds: rounds, seed: seed)

        var baselines: [Accuracy] = []
        let longer = decisive.map { credit(Double(data.wordCounts[Int(data.chosen[$0])] - data.wordCounts[Int(data.rejected[$0])])) }
        baselines.append(summarise("longer wins", credit: longer, pairs: decisive, data: data, rounds: rounds, seed: seed &+ 1))

        // The higher-rated contender, from the training part's human votes.
        var votes = VoteTable()
        for p in train where !data.isJudge[p] {
            guard let a = data.chosenContender[p], let b = data.rejectedContender[p], a != b else { continue }
            votes.append(Vote(a: a, b: b, outcome: data.label[p] == 0.5 ? .tie : .aWins))
        }
        if !votes.isEmpty, let fit = try? BradleyTerry().fit(PairCounts(votes)) {
            let rating = Dictionary(uniqueKeysWithValues: zip(fit.contenders, fit.ratings))
            let covered = decisive.filter { p in
                guard let a = data.chosenContender[p], let b = data.rejectedContender[p] else { return false }
                return rating[a] != nil && rating[b] != nil && a != b
            }
            if !covered.isEmpty {
                let c = covered.map { credit(rating[data.chosenContender[$0]!]! - rating[data.rejectedContender[$0]!]!) }
                var entry = summarise("higher-rated contender wins", credit: c, pairs: covered, data: data, rounds: rounds, seed: seed &+ 2)
                entry.modelOnSamePairs = mean(covered.map { credit(rowScore[Int(data.chosen[$0])] - rowScore[Int(data.rejected[$0])]) })
                baselines.append(entry)
            }
        }

        // The judge's agreement with people on the same (prompt, outputs).
        var judgeVerdicts: [PairKey: [(preferred: Int32, tie: Bool)]] = [:]
        for p in test where data.isJudge[p] {
            let key = PairKey(data.chosen[p], data.rejected[p])
            judgeVerdicts[key, default: []].append((data.chosen[p], data.label[p] == 0.5))
        }
        if !judgeVerdicts.isEmpty {
            var covered: [Int] = []
            var agreement: [Double] = []
            for p in decisive {
                guard let verdicts = judgeVerdicts[PairKey(data.chosen[p], data.rejected[p])] else { continue }
                covered.append(p)
                agreement.append(verdicts.reduce(0) { $0 + ($1.tie ? 0.5 : ($1.preferred == data.chosen[p] ? 1 : 0)) } / Double(verdicts.count))
            }
            if !covered.isEmpty {
                var entry = summarise("judge agreement", credit: agreement, pairs: covered, data: data, rounds: rounds, seed: seed &+ 3)
                entry.modelOnSamePairs = mean(covered.map { credit(rowScore[Int(data.chosen[$0])] - rowScore[Int(data.rejected[$0])]) })
                baselines.append(entry)
            }
        }
        return RewardEvaluation(
            model: modelAccuracy, baselines: baselines,
            trainPairs: train.filter { !data.isJudge[$0] }.count, testPairs: decisive.count,
            trainPrompts: Set(train.map { data.group[$0] }).count, testPrompts: Set(test.map { data.group[$0] }).count,
            lambda: model.info.lambda, crossValidation: model.info.crossValidation, seed: seed, rounds: rounds)
    }

    struct PairKey: Hashable {
        var low: Int32
        var high: Int32
        init(_ a: Int32, _ b: Int32) {
            low = min(a, b)
            high = max(a, b)
        }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Accuracy with a prompt-cluster percentile-bootstrap interval.
    public static func summarise(_ name: String, credit: [Double], pairs: [Int], data: RewardDataset, rounds: Int, seed: UInt64) -> Accuracy {
        let accuracy = mean(credit)
        var clusters: [Int32: (Double, Double)] = [:]
        var order: [Int32] = []
        for (k, p) in pairs.enumerated() {
            let g = data.group[p]
            if clusters[g] == nil { order.append(g) }
            let current = clusters[g] ?? (0, 0)
            clusters[g] = (current.0 + credit[k], current.1 + 1)
        }
        let sums = order.map { clusters[$0]! }
        guard sums.count > 1, rounds > 0 else {
            return Accuracy(name: name, accuracy: accuracy, lower: accuracy, upper: accuracy, pairs: pairs.count)
        }
        var rng = Xoshiro256(seed: seed, stream: 0xB007)
        var values = [Double](repeating: 0, count: rounds)
        for r in 0..<rounds {
            var x = 0.0
            var y = 0.0
            for _ in sums.indices {
                let pick = sums[rng.nextIndex(below: sums.count)]
                x += pick.0
                y += pick.1
            }
            values[r] = y > 0 ? x / y : accuracy
        }
        values.sort()
        return Accuracy(name: name, accuracy: accuracy, lower: Percentile.ofSorted(values, 0.025), upper: Percentile.ofSorted(values, 0.975), pairs: pairs.count)
    }
}
