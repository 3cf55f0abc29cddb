import ArgumentParser
import Foundation
import PreferCore

/// `prefer reward eval`: held-out accuracy beside the baselines.
struct RewardEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Held-out pairwise accuracy of a reward model, split by prompt, beside \"longer wins\", the higher-rated contender and judges.",
        discussion: """
        Without --model, a --test-share of the prompts is held out (no prompt in both parts), a model is \
        trained on the rest exactly as prefer reward train would, and the held-out people's decisive pairs are \
        scored. With --model, every pair is a test pair. Accuracy intervals: percentile bootstrap resampling \
        whole prompts.

        Examples:
          prefer reward eval pairs.jsonl
          prefer reward eval votes.jsonl --test-share 0.3 --format json
          prefer reward eval test.jsonl --model model.prm
        """
    )

    @Argument(help: "Pair or vote files; - reads standard input.") var files: [String]
    @Option(help: "A trained model to evaluate on all pairs (default: train one on the training part).") var model: String?
    @Option(name: .customLong("test-share"), help: "Share of prompts held out.") var testShare = 0.2
    @Option(help: "Bootstrap rounds for the intervals.") var rounds = 1000
    @OptionGroup var training: RewardTrainingOptions
    @Option(help: "Output: table or json.") var format: AuditReport.TextFormat = .table
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func validate() throws {
        guard testShare > 0 && testShare < 1 else { throw ValidationError("--test-share must be between 0 and 1; got \(testShare).") }
        guard rounds >= 0 else { throw ValidationError("--rounds must be 0 or more.") }
    }

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        let pairs = try PreferencePairReader(progress: progress, threads: training.threads).read(files)
        guard !pairs.isEmpty else { throw CommandError(RewardError.noPairs.message) }
        let evaluation: RewardEvaluation
        if let model {
            let loaded = try RewardJSON.load(model)
            let data = RewardDataset(pairs: pairs, features: loaded.features, threads: training.threads)
            let all = Array(0..<data.pairCount)
            evaluation = RewardEvaluation.evaluate(model: loaded, data: data, train: all, test: all, rounds: rounds, seed: training.seed)
        } else {
            let trainer = try training.trainer()
            let data = RewardDataset(pairs: pairs, features: trainer.features, threads: training.threads, progress: progress.counter("featurising chunk"))
            guard data.promptCount >= 2 else {
                throw CommandError("evaluation holds out whole prompts, and these pairs have only one prompt: give pairs for several prompts, or a trained --model.")
            }
            let (train, test) = RewardEvaluation.split(data, testShare: testShare, seed: training.seed)
            let trained: RewardModel
            do {
                trained = try trainer.train(data, pairs: train) { progress.update($0) }
            } catch {
                progress.finish()
                throw CommandError(error.message)
            }
            evaluation = RewardEvaluation.evaluate(model: trained, data: data, train: train, test: test, rounds: rounds, seed: training.seed)
        }
        progress.finish()
        switch format {
        case .json: printOut(try RewardJSON.text(evaluation))
        case .table: printOut(Self.table(evaluation, inSample: model != nil), terminator: "")
        }
    }

    static func table(_ e: RewardEvaluation, inSample: Bool) -> String {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
        var out = inSample
            ? "Evaluated on all \(e.testPairs) decisive human pairs (\(e.testPrompts) prompts).\n\n"
            : "Trained on \(e.trainPairs) pairs (\(e.trainPrompts) prompts, λ = \(String(format: "%g", e.lambda))); tested on \(e.testPairs) decisive human pairs of \(e.testPrompts) held-out prompts.\n\n"
        out += "| Predictor | Accuracy | 95% interval | Pairs | Reward model on the same pairs |\n|---|---|---|---|---|\n"
        for a in [e.model] + e.baselines {
            var name = a.name
            if inSample && name == "higher-rated contender wins" { name += " (in-sample)" }
            out += "| \(name) | \(pct(a.accuracy)) | \(pct(a.lower))–\(pct(a.upper)) | \(a.pairs) | \(a.modelOnSamePairs.map(pct) ?? "–") |\n"
        }
        out += "\nIntervals: percentile bootstrap over prompts, \(e.rounds) rounds, seed \(e.seed).\n"
        return out
    }
}
