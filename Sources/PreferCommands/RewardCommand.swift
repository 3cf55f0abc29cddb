import ArgumentParser
import Foundation
import Logging
import PreferCore
import PreferStore

/// `prefer reward`: a Bradley–Terry reward model learnt from the votes' texts.
struct RewardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward",
        abstract: "Learn a pairwise reward model from preference pairs with texts; evaluate it, score outputs, pick the best of N.",
        subcommands: [RewardTrainCommand.self, RewardEvalCommand.self, RewardScoreCommand.self, RewardBestOfNCommand.self, RewardBenchCommand.self]
    )
}

/// Features and fitting, shared by `train`, `eval` and `bench`.
struct RewardTrainingOptions: ParsableArguments {
    @Option(name: .customLong("lambda"), help: ArgumentHelp("L2 penalty λ (repeatable); several are cross-validated by prompt (default: a grid from 1e-2 to 1e-5).", valueName: "λ"))
    var lambdas: [Double] = []
    @Option(help: "Cross-validation folds (grouped by prompt).") var folds = 3
    @Option(name: .customLong("cv-pairs"), help: "Cross-validate on at most this many pairs (whole prompts).") var cvPairs = 20_000
    @Option(help: "Hashed feature dimension, as a power of two (10–24).") var bits = 20
    @Option(name: .customLong("word-ngrams"), help: ArgumentHelp("Word n-grams MIN-MAX, or 0 for none.", valueName: "MIN-MAX")) var wordNgrams = "1-2"
    @Option(name: .customLong("char-ngrams"), help: ArgumentHelp("Character n-grams MIN-MAX within words, or 0 for none.", valueName: "MIN-MAX")) var charNgrams = "4-4"
    @Flag(help: "Add prompt–output interactions (copied words, prompt word × output word).") var interactions = false
    @Flag(name: .customLong("no-length"), help: "Leave out the dense log-length feature.") var noLength = false
    @Flag(name: .customLong("include-judges"), help: "Also train on judge votes (by default only people's).") var includeJudges = false
    @Option(help: "Seed of the folds and splits: same seed, same model.") var seed: UInt64 = 42
    @Option(help: "Worker threads (default: all cores).") var threads: Int?

    static func range(_ text: String, _ name: String) throws -> [Int] {
        if text == "0" || text.isEmpty { return [] }
        let parts = text.split(separator: "-").map { Int($0) }
        if parts.count == 1, let n = parts[0] { return [n, n] }
        guard parts.count == 2, let a = parts[0], let b = parts[1] else {
            throw ValidationError("\(name) takes MIN-MAX (e.g. 1-2) or 0 for none; got \"\(text)\".")
        }
        return [a, b]
    }

    func trainer() throws -> RewardTrainer {
        var features = RewardFeatures(
            bits: bits, wordNgrams: try Self.range(wordNgrams, "--word-ngrams"), charNgrams: try Self.range(charNgrams, "--char-ngrams"),
            interactions: interactions, dense: noLength ? [] : [.logWords])
        features.bits = bits
        var trainer = RewardTrainer(features: features, lambdas: lambdas.isEmpty ? RewardTrainer.defaultLambdas : lambdas, folds: folds, seed: seed)
        trainer.crossValidationPairs = cvPairs
        trainer.threads = threads
        trainer.includeJudges = includeJudges
        do {
            try trainer.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return trainer
    }

    func validate() throws {
        _ = try trainer()
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }
}

/// `prefer reward train`.
struct RewardTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a reward model on preference pairs with texts and write it to a file.",
        discussion: """
        Input: JSONL (or a JSON array) of {"prompt", "chosen", "rejected"} (TRL), or votes with winner, \
        prompt and text_a/text_b (or output_a/output_b), with model_a/model_b if known; - reads standard input. \
        The model is r(prompt, output) = w·φ(output) over hashed word and character n-grams (and optionally \
        prompt–output interactions), fitted by L2-penalised logistic loss on r(chosen) − r(rejected) with \
        L-BFGS; λ is chosen by cross-validation grouped by prompt.

        With --arena, the pairs are the arena's stored votes on outputs (the two outputs' texts and the prompt's), \
        from the database of --database (else PREFER_DATABASE_URL, else prefer.sqlite); votes without both \
        outputs (imported battles) are left out.

        Examples:
          prefer reward train pairs.jsonl --out model.prm
          prefer reward train votes.jsonl --out model.prm --lambda 1e-4 --interactions
          prefer reward train --arena chat --database postgres://prefer@db/prefer --out chat.prm
        """
    )

    @Argument(help: "Pair or vote files (.jsonl, .json, .csv); - reads standard input.") var files: [String] = []
    @Option(help: "Train on this arena's stored votes instead of files.") var arena: String?
    @Option(help: "With --arena: the database URL (default: PREFER_DATABASE_URL, else prefer.sqlite).") var database: String?
    @Option(name: .shortAndLong, help: "Where to write the model.") var out: String
    @OptionGroup var training: RewardTrainingOptions
    @Option(help: "Output: table or json.") var format: AuditReport.TextFormat = .table
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func validate() throws {
        if arena == nil && files.isEmpty { throw ValidationError("Give pair or vote files, or --arena NAME to train on an arena's stored votes.") }
        if arena != nil && !files.isEmpty { throw ValidationError("Give either files or --arena, not both.") }
        if database != nil && arena == nil { throw ValidationError("--database goes with --arena.") }
    }

    func run() async throws {
        let progress = ProgressLine(quiet: quiet)
        let clock = ContinuousClock()
        let start = clock.now
        let trainer = try training.trainer()
        let pairs: [PreferencePair]
        if let arena {
            pairs = try await Self.storedPairs(arena: arena, database: database)
            guard !pairs.isEmpty else {
                throw CommandError("Arena \"\(arena)\" has no votes on two outputs with texts to train on (imported battles carry no outputs); vote on its battles, or train on a file.")
            }
        } else {
            pairs = try PreferencePairReader(progress: progress, threads: training.threads).read(files)
        }
        guard !pairs.isEmpty else { throw CommandError(RewardError.noPairs.message) }
        let readTime = (clock.now - start).inSeconds
        let data = RewardDataset(pairs: pairs, features: trainer.features, threads: training.threads, progress: progress.counter("featurising chunk"))
        let featureTime = (clock.now - start).inSeconds - readTime
        let model: RewardModel
        do {
            model = try trainer.train(data) { progress.update($0) }
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
        progress.finish()
        let trainTime = (clock.now - start).inSeconds - readTime - featureTime
        do {
            try model.encoded().write(to: URL(fileURLWithPath: out))
        } catch {
            throw CommandError("cannot write the model to \(out): \(error.localizedDescription)")
        }
        let summary = RewardTrainingSummary(
            model: out, pairs: model.info.pairs, prompts: model.info.prompts, outputs: data.rowCount,
            storedFeatures: data.storedFeatures, lambda: model.info.lambda, crossValidation: model.info.crossValidation,
            iterations: model.info.iterations, converged: model.info.converged,
            seconds: .init(read: readTime, features: featureTime, train: trainTime))
        switch format {
        case .json: printOut(try RewardJSON.text(summary))
        case .table: printOut(summary.table(), terminator: "")
        }
    }
}

extension RewardTrainCommand {
    /// The arena's stored votes as preference pairs: the prompt's text and
    /// the two outputs' contents (as `PreferencePairReader` makes them from a
    /// vote file: a tie or "both bad" is a pair labelled 0.5), in vote order.
    static func storedPairs(arena name: String, database: String?) async throws -> [PreferencePair] {
        var logger = Logger(label: "prefer")
        logger.logLevel = .warning
        let (url, store) = try await StoreOpener.open(database, logger: logger)
        do {
            try await store.migrate()
            guard let arena = try await store.arena(named: name) else {
                throw CommandError("There is no arena named \"\(name)\" in \(url); prefer import … --arena \(name) creates one.")
            }
            let prompts = Dictionary(uniqueKeysWithValues: try await store.prompts(arena: arena.id).map { ($0.id, $0.text) })
            let outputs = Dictionary(uniqueKeysWithValues: try await store.outputs(arena: arena.id, withdrawn: true).map { ($0.id, $0.content) })
            let contenders = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena.id).map { ($0.id, $0.name) })
            var pairs: [PreferencePair] = []
            var after: Int64?
            while true {
                let page = try await store.votes(arena: arena.id, after: after, limit: 20_000)
                for vote in page {
                    guard let promptId = vote.promptId, let prompt = prompts[promptId],
                          let left = vote.leftOutputId.flatMap({ outputs[$0] }),
                          let right = vote.rightOutputId.flatMap({ outputs[$0] }) else { continue }
                    pairs.append(PreferencePairReader.pair(
                        prompt: prompt, a: left, b: right, outcome: vote.choice.outcome,
                        modelA: contenders[vote.leftContenderId], modelB: contenders[vote.rightContenderId],
                        weight: 1, judge: vote.source == .judge, origin: "\(name) vote \(vote.id)"))
                }
                guard let last = page.last, page.count == 20_000 else { break }
                after = last.id
            }
            try await store.shutdown()
            return pairs
        } catch {
            try? await store.shutdown()
            throw error
        }
    }
}

/// What `train` prints.
struct RewardTrainingSummary: Encodable {
    struct Seconds: Encodable {
        var read: Double
        var features: Double
        var train: Double
    }

    var model: String
    var pairs: Int
    var prompts: Int
    var outputs: Int
    var storedFeatures: Int
    var lambda: Double
    var crossValidation: [RewardTrainer.Fold]
    var iterations: Int
    var converged: Bool
    var seconds: Seconds

    enum CodingKeys: String, CodingKey {
        case model, pairs, prompts, outputs, lambda, iterations, converged, seconds
        case storedFeatures = "stored_features"
        case crossValidation = "cross_validation"
    }

    func table() -> String {
        var out = "Trained on \(pairs) pairs (\(prompts) prompts, \(outputs) distinct outputs, \(storedFeatures) stored features); wrote \(model).\n"
        if !crossValidation.isEmpty {
            out += "\nCross-validation by prompt:\n\n| λ | held-out log-loss | held-out accuracy |\n|---|---|---|\n"
            for f in crossValidation {
                out += String(format: "| %g | %.4f | %.1f%% |%@\n", f.lambda, f.logLoss, 100 * f.accuracy, f.lambda == lambda ? " ← chosen" : "")
            }
            out += "\n"
        }
        out += String(format: "λ = %g; L-BFGS %d iterations%@; read %.1f s, features %.1f s, training %.1f s.\n",
                      lambda, iterations, converged ? "" : " (not converged)", seconds.read, seconds.features, seconds.train)
        return out
    }
}

enum RewardJSON {
    static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func load(_ path: String) throws -> RewardModel {
        do {
            return try RewardModel(contentsOf: path)
        } catch {
            throw CommandError(error.message)
        }
    }
}
