import ArgumentParser
import Foundation
import PreferCore

/// `prefer reward bench`: speed and accuracy on generated pairs.
struct RewardBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Generate pairs with a known preference, then time featurising, training and scoring and report held-out accuracy.",
        discussion: """
        --kind planted: texts of Zipf-distributed pseudo-words whose preference is a planted function of \
        word and phrase features (the planted model's own accuracy is the ceiling); --kind templates: \
        real-looking answers to templated questions. --write keeps the generated pairs as TRL JSONL so that \
        prefer reward train can be timed on the same data.

        Examples:
          prefer reward bench --pairs 100000 --words 200 --lambda 1e-4
          prefer reward bench --kind templates --pairs 4000
        """
    )

    @Option(help: "planted or templates.") var kind: PreferenceTextGenerator.Kind = .planted
    @Option(help: "Pairs to generate.") var pairs = 20_000
    @Option(help: "Words per output (about).") var words = 200
    @Option(name: .customLong("test-share"), help: "Share of prompts held out for accuracy.") var testShare = 0.2
    @Option(name: .customLong("score-outputs"), help: "Outputs to score for the scoring speed.") var scoreOutputs = 10_000
    @Option(help: "Write the generated pairs to this JSONL file.") var write: String?
    @OptionGroup var training: RewardTrainingOptions
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        let clock = ContinuousClock()
        var mark = clock.now
        func lap() -> Double {
            let now = clock.now
            defer { mark = now }
            return (now - mark).inSeconds
        }
        var generator = PreferenceTextGenerator(kind: kind, pairs: pairs, seed: training.seed)
        generator.words = words
        let sample = generator.generate()
        var report: [String: Any] = ["generate_s": lap()]
        let trainer = try training.trainer()
        let data = RewardDataset(pairs: sample.pairs, features: trainer.features, threads: training.threads)
        report["featurise_s"] = lap()
        report["stored_features_per_output"] = Double(data.storedFeatures) / Double(max(1, data.rowCount))
        let all = Array(0..<data.pairCount)
        progress.update("training on all \(all.count) pairs", force: true)
        let model = try trainer.train(data, pairs: all) { progress.update($0) }
        report["train_all_s"] = lap()
        report["lambda"] = model.info.lambda
        report["iterations"] = model.info.iterations
        report["converged"] = model.info.converged
        // Held-out accuracy against the planted model.
        let (train, test) = RewardEvaluation.split(data, testShare: testShare, seed: training.seed)
        if let write {
            // The split travels with the pairs, so that bench/reward_sklearn_bench.py
            // holds out the same prompts.
            let held = Set(test)
            var out = Data()
            for (k, pair) in sample.pairs.enumerated() {
                out += try JSONSerialization.data(withJSONObject: [
                    "prompt": pair.prompt, "chosen": pair.chosen, "rejected": pair.rejected,
                    "split": held.contains(k) ? "test" : "train",
                ], options: [.sortedKeys, .withoutEscapingSlashes])
                out.append(0x0A)
            }
            try out.write(to: URL(fileURLWithPath: write))
            report["jsonl_mb"] = Double(out.count) / 1e6
            _ = lap()
        }
        var heldOutTrainer = trainer
        heldOutTrainer.lambdas = [model.info.lambda]
        let heldOut = try heldOutTrainer.train(data, pairs: train) { progress.update($0) }
        let evaluation = RewardEvaluation.evaluate(model: heldOut, data: data, train: train, test: test, rounds: 500, seed: training.seed)
        let decisive = test.filter { data.label[$0] != 0.5 && !data.isJudge[$0] }
        let planted = decisive.compactMap { sample.trueMargin[$0] }.map { $0 > 0 ? 1.0 : ($0 == 0 ? 0.5 : 0) }
        report["heldout_accuracy"] = evaluation.model.accuracy
        report["heldout_accuracy_interval"] = [evaluation.model.lower, evaluation.model.upper]
        report["planted_model_accuracy"] = planted.reduce(0, +) / Double(max(1, planted.count))
        report["longer_wins_accuracy"] = evaluation.baselines.first { $0.name == "longer wins" }?.accuracy ?? 0
        report["test_pairs"] = decisive.count
        _ = lap()
        // Scoring speed: texts through features and weights.
        let texts = sample.pairs.prefix(max(1, (scoreOutputs + 1) / 2)).flatMap { [($0.prompt, $0.chosen), ($0.prompt, $0.rejected)] }.prefix(scoreOutputs)
        var scratch = RewardFeatures.Scratch()
        var checksum = 0.0
        let scoreStart = clock.now
        for (prompt, text) in texts { checksum += model.score(prompt: prompt, output: text, scratch: &scratch) }
        let scoreTime = (clock.now - scoreStart).inSeconds
        report["score_outputs"] = texts.count
        report["score_s"] = scoreTime
        report["outputs_per_s"] = Double(texts.count) / max(scoreTime, 1e-9)
        report["score_checksum"] = checksum
        progress.finish()
        report["pairs"] = pairs
        report["words"] = words
        report["kind"] = kind.rawValue
        report["threads"] = training.threads ?? ProcessInfo.processInfo.activeProcessorCount
        report["seed"] = training.seed
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        printOut(String(decoding: json, as: UTF8.self))
    }
}

extension PreferenceTextGenerator.Kind: ExpressibleByArgument {}
