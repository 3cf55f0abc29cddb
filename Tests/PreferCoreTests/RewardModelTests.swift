import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

@Suite("Reward model")
struct RewardModelTests {
    static func settings(_ object: [String: Any]) -> RewardFeatures {
        RewardFeatures(
            bits: object["bits"] as! Int,
            wordNgrams: object["word_ngrams"] as! [Int],
            charNgrams: object["char_ngrams"] as! [Int],
            interactions: object["interactions"] as! Bool,
            dense: (object["dense"] as! [String]).map { RewardFeatures.Dense(rawValue: $0)! })
    }

    /// Features against the Python re-implementation (bench/reward_reference.py).
    @Test func featuresMatchTheIndependentImplementation() throws {
        let cases = try Fixtures.json("reward-features.json")["cases"] as! [[String: Any]]
        #expect(cases.count == 12)
        for c in cases {
            let features = Self.settings(c["settings"] as! [String: Any])
            let row = features.row(prompt: c["prompt"] as! String, output: c["output"] as! String)
            let indices = (c["indices"] as! [Int]).map(UInt32.init)
            let values = (c["values"] as! [Double])
            #expect(row.indices == indices, "\(c["output"]!)")
            guard row.indices == indices else { continue }
            for (k, v) in values.enumerated() {
                #expect(Swift.abs(Double(row.values[k]) - v) <= 1e-6 * max(1, Swift.abs(v)))
            }
            #expect(row.dense.map(Double.init) == (c["dense"] as! [Double]))
        }
    }

    /// The fit against scikit-learn's LogisticRegression on the same differences.
    @Test func fitMatchesScikitLearn() throws {
        let fixture = try Fixtures.json("reward-sklearn.json")
        let features = Self.settings(fixture["settings"] as! [String: Any])
        let pairs = (fixture["pairs"] as! [[String: String]]).map {
            PreferencePair(prompt: $0["prompt"]!, chosen: $0["chosen"]!, rejected: $0["rejected"]!)
        }
        let lambda = fixture["lambda"] as! Double
        var trainer = RewardTrainer(features: features, lambdas: [lambda])
        trainer.optimizer = LBFGS(memory: 10, gradientTolerance: 1e-10, valueTolerance: 0, maxIterations: 2000)
        let data = RewardDataset(pairs: pairs, features: features, threads: 2)
        let model = try trainer.train(data)
        var want = [Double](repeating: 0, count: features.dimension)
        for (k, v) in fixture["weights"] as! [String: Double] { want[Int(k)!] = v }
        let largest = want.map(Swift.abs).max()!
        var worst = 0.0
        for k in 0..<features.dimension { worst = max(worst, Swift.abs(Double(model.weights[k]) - want[k])) }
        #expect(worst < 1e-4 * largest, "largest weight difference \(worst) (largest weight \(largest))")
        // The objective value too.
        let objective = PairwiseLogistic(data: data, pairs: Array(0..<data.pairCount), lambda: lambda, threads: 1)
        var g = [Double](repeating: 0, count: features.dimension)
        let f = objective.evaluate(model.weights.map(Double.init), gradient: &g)
        #expect(Swift.abs(f - (fixture["objective"] as! Double)) < 1e-6)
    }

    @Test func theGradientIsTheObjectivesDerivative() throws {
        let sample = PreferenceTextGenerator(kind: .templates, pairs: 60, seed: 3).generate()
        let features = RewardFeatures(bits: 10, wordNgrams: [1, 1], charNgrams: [], interactions: true)
        var pairs = sample.pairs
        pairs[0].label = 0.5
        pairs[1].weight = 2.5
        let data = RewardDataset(pairs: pairs, features: features, threads: 1)
        let objective = PairwiseLogistic(data: data, pairs: Array(0..<data.pairCount), lambda: 0.01, threads: 2)
        var rng = Xoshiro256(seed: 5)
        let w = (0..<features.dimension).map { _ in 0.3 * rng.nextGaussian() }
        var g = [Double](repeating: 0, count: w.count)
        _ = objective.evaluate(w, gradient: &g)
        var scratch = g
        for k in [0, 17, 300, 1023, features.hashedDimension] {
            var plus = w
            var minus = w
            plus[k] += 1e-6
            minus[k] -= 1e-6
            let numeric = (objective.evaluate(plus, gradient: &scratch) - objective.evaluate(minus, gradient: &scratch)) / 2e-6
            #expect(Swift.abs(numeric - g[k]) < 1e-6 + 1e-4 * Swift.abs(g[k]), "coordinate \(k)")
        }
    }

    @Test func trainingIsDeterministicWhateverTheThreads() throws {
        let sample = PreferenceTextGenerator(kind: .templates, pairs: 600, seed: 4).generate()
        let features = RewardFeatures(bits: 14)
        var one = RewardTrainer(features: features, lambdas: [1e-2, 1e-3], folds: 2, seed: 9)
        one.threads = 1
        var two = one
        two.threads = 2
        let a = try one.train(RewardDataset(pairs: sample.pairs, features: features, threads: 1))
        let b = try two.train(RewardDataset(pairs: sample.pairs, features: features, threads: 2))
        #expect(a.weights == b.weights)
        #expect(a.info == b.info)
        #expect(try a.encoded() == b.encoded())
    }

    @Test func modelFilesRoundTripAndOtherVersionsAreRefused() throws {
        let sample = PreferenceTextGenerator(kind: .templates, pairs: 200, seed: 5).generate()
        let features = RewardFeatures(bits: 12, interactions: true)
        let model = try RewardTrainer(features: features, lambdas: [1e-3]).train(RewardDataset(pairs: sample.pairs, features: features))
        let data = try model.encoded()
        let back = try RewardModel(decoding: data, source: "m.prm")
        #expect(back.weights == model.weights)
        #expect(back.features == model.features)
        #expect(back.info == model.info)
        let p = sample.pairs[0]
        #expect(back.score(prompt: p.prompt, output: p.chosen) == model.score(prompt: p.prompt, output: p.chosen))

        var newer = [UInt8](data)
        newer[8] = 2
        do {
            _ = try RewardModel(decoding: Data(newer), source: "new.prm")
            Issue.record("a version-2 file was read")
        } catch {
            #expect(error.message.contains("new.prm is a reward model of format version 2; this prefer reads version 1"))
        }
        #expect(throws: RewardError.notAModel("x.json")) { try RewardModel(decoding: Data("{\"weights\": []}".utf8), source: "x.json") }
        do {
            _ = try RewardModel(decoding: data.prefix(data.count - 3), source: "cut.prm")
            Issue.record("a truncated file was read")
        } catch {
            #expect(error.message.contains("cut.prm is damaged"))
        }
    }

    /// On texts whose preference is a planted function of n-grams, held-out
    /// accuracy comes close to the planted model's own.
    @Test func learnsAPlantedPreference() throws {
        var generator = PreferenceTextGenerator(kind: .planted, pairs: 16000, seed: 11)
        generator.words = 40
        generator.vocabulary = 800
        generator.strength = 1.5
        let sample = generator.generate()
        let features = RewardFeatures(bits: 16, wordNgrams: [1, 2], charNgrams: [])
        let data = RewardDataset(pairs: sample.pairs, features: features)
        let (train, test) = RewardEvaluation.split(data, testShare: 0.25, seed: 1)
        let model = try RewardTrainer(features: features, lambdas: [1e-2, 1e-3, 1e-4], folds: 3).train(data, pairs: train)
        let evaluation = RewardEvaluation.evaluate(model: model, data: data, train: train, test: test, rounds: 200)
        let planted = test.map { sample.trueMargin[$0]! > 0 ? 1.0 : 0.0 }.reduce(0, +) / Double(test.count)
        print("planted preference: reward model \(evaluation.model.accuracy), planted model \(planted), longer wins \(evaluation.baselines[0].accuracy)")
        #expect(evaluation.model.accuracy > planted - 0.05)
        #expect(evaluation.model.accuracy > 0.6)
        #expect(evaluation.model.lower < evaluation.model.accuracy && evaluation.model.accuracy < evaluation.model.upper)
    }

    /// On real-looking answers, the model beats "longer wins"; the judge and
    /// contender baselines appear when the data allow them.
    @Test func beatsLongerWinsOnTemplatedAnswers() throws {
        var generator = PreferenceTextGenerator(kind: .templates, pairs: 3000, seed: 12)
        generator.judgeShare = 0.5
        let sample = generator.generate()
        let features = RewardFeatures(bits: 16)
        let data = RewardDataset(pairs: sample.pairs, features: features)
        let (train, test) = RewardEvaluation.split(data, testShare: 0.25, seed: 2)
        #expect(Set(train.map { data.group[$0] }).isDisjoint(with: Set(test.map { data.group[$0] })))
        let model = try RewardTrainer(features: features).train(data, pairs: train)
        let evaluation = RewardEvaluation.evaluate(model: model, data: data, train: train, test: test, rounds: 200)
        let longer = evaluation.baselines.first { $0.name == "longer wins" }!
        print("templated answers: reward model \(evaluation.model.accuracy) [\(evaluation.model.lower), \(evaluation.model.upper)], longer wins \(longer.accuracy), baselines \(evaluation.baselines.map { ($0.name, $0.accuracy) })")
        #expect(evaluation.model.lower > longer.accuracy)
        #expect(evaluation.baselines.contains { $0.name == "higher-rated contender wins" })
        let judge = evaluation.baselines.first { $0.name == "judge agreement" }
        #expect(judge != nil && judge!.pairs > 100 && judge!.modelOnSamePairs != nil)
        // Judge votes are not training data by default.
        #expect(evaluation.trainPairs == train.filter { !data.isJudge[$0] }.count)
    }

    @Test func bestOfNTransformsCombinesAndFindsTheParetoSet() {
        // Three candidates, two models.
        let rewards = [[2.0, -1.0], [1.0, 1.0], [0.0, 0.5]]
        let raw = BestOfN(transform: .raw).select(rewards)
        #expect(raw.combined == [1.0, 2.0, 0.5])
        #expect(raw.best == 1)
        #expect(raw.pareto == [0, 1])
        let ls = BestOfN(transform: .logSigmoid, referenceQuantile: 0.5).select(rewards)
        // Medians: model 0 → 1.0, model 1 → 0.5.
        let expected0 = [PairwiseProblem.logSigmoid(1), PairwiseProblem.logSigmoid(-1.5)]
        #expect(Swift.abs(ls.transformed[0][0] - expected0[0]) < 1e-15 && Swift.abs(ls.transformed[0][1] - expected0[1]) < 1e-15)
        #expect(ls.best == 1)
        #expect(ls.pareto == raw.pareto)
        // The log-sigmoid sum prefers balanced candidates that raw sums would not.
        let skewed = [[6.0, -3.0], [1.0, 1.0], [0.0, 0.0]]
        #expect(BestOfN(transform: .raw).select(skewed).best == 0)
        #expect(BestOfN(transform: .logSigmoid).select(skewed).best == 1)
    }

    @Test func lbfgsMinimisesAQuadratic() {
        // f(x) = Σ kᵢ (xᵢ − i)², minimum at x = (0, 1, 2, …).
        let result = LBFGS(gradientTolerance: 1e-12, valueTolerance: 0).minimize(from: Array(repeating: 5, count: 20)) { x, g in
            var f = 0.0
            for i in 0..<x.count {
                let k = Double(i + 1)
                f += k * (x[i] - Double(i)) * (x[i] - Double(i))
                g[i] = 2 * k * (x[i] - Double(i))
            }
            return f
        }
        #expect(result.converged)
        for i in 0..<20 { #expect(Swift.abs(result.x[i] - Double(i)) < 1e-8) }
    }
}
