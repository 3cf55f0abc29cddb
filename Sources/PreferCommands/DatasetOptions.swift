import ArgumentParser
import Foundation
import PreferCore

extension DatasetKind: ExpressibleByArgument {}
extension PreferenceSource: ExpressibleByArgument {}
extension Binarization.Mode: ExpressibleByArgument {}
extension TrainingPairs.Format: ExpressibleByArgument {}
extension TrainingPairs.Keep: ExpressibleByArgument {}

/// How a dataset file's fields map onto preferences: shared by
/// `prefer import <kind>` and `prefer rank --input <kind>` (and meant for
/// `prefer drivers`). Each kind reads the flags that concern it.
struct DatasetOptions: ParsableArguments {
    // Pairs (TRL, HH-RLHF).
    @Option(name: .customLong("prompt-field"), help: "pairs/ratings/rankings: the prompt's field (default prompt; ratings: instruction).")
    var promptField: String?
    @Option(name: .customLong("chosen-field"), help: "pairs: the preferred output's field.")
    var chosenField = "chosen"
    @Option(name: .customLong("rejected-field"), help: "pairs: the other output's field.")
    var rejectedField = "rejected"
    @Option(name: .customLong("contender-a-field"), help: "pairs: the field naming the contender of the chosen output (with --contender-b-field the pairs become votes).")
    var contenderAField: String?
    @Option(name: .customLong("contender-b-field"), help: "pairs: the field naming the contender of the rejected output.")
    var contenderBField: String?
    @Flag(name: .customLong("keep-sides"), help: "pairs: keep the chosen output as A (left) instead of placing it by a seeded coin per row.")
    var keepSides = false

    // Counts (any table, AdParaphrase).
    @Option(name: .customLong("a"), help: "counts: column of contender A.") var a: String?
    @Option(name: .customLong("b"), help: "counts: column of contender B.") var b: String?
    @Option(name: .customLong("a-wins"), help: "counts: column counting annotators who preferred A.") var aWins: String?
    @Option(name: .customLong("b-wins"), help: "counts: column counting annotators who preferred B.") var bWins: String?
    @Option(name: .customLong("tie-count"), help: "counts: column counting ties (or skips).") var ties: String?
    @Option(name: .customLong("both-bad-count"), help: "counts: column counting both-bad answers.") var bothBadCount: String?
    @Option(name: .customLong("winner"), help: "counts: column with one outcome per row (model_a, model_b, tie, tie (bothbad), a, b, left, right).") var winner: String?
    @Option(name: .customLong("text-a"), help: "counts: column of output A's text.") var textA: String?
    @Option(name: .customLong("text-b"), help: "counts: column of output B's text.") var textB: String?
    @Option(name: .customLong("prompt"), help: "counts: column of the prompt.") var prompt: String?

    // Ratings (UltraFeedback).
    @Option(help: "ratings: which pairs to derive: all-pairs, best-vs-worst or best-vs-random (seeded).")
    var binarize: Binarization.Mode = .allPairs
    @Option(help: "ratings: the score that ranks completions: overall (overall_score), fine-grained (fine-grained_score) or an aspect (helpfulness, honesty, instruction_following, truthfulness).")
    var aspect = "overall"
    @Option(name: .customLong("completions-field"), help: "ratings: the list of completions.") var completionsField = "completions"
    @Option(name: .customLong("model-field"), help: "ratings: a completion's model.") var modelField = "model"
    @Option(name: .customLong("response-field"), help: "ratings: a completion's text.") var responseField = "response"

    // Rankings (HPS v2).
    @Option(name: .customLong("outputs-field"), help: "rankings: the list of outputs ranked.") var outputsField = "image_path"
    @Option(name: .customLong("rank-field"), help: "rankings: each output's place, smaller is better.") var rankField = "rank"
    @Option(name: .customLong("preference-field"), help: "rankings: a 0/1 list marking the preferred output, read when the rank field is absent.") var preferenceField = "human_preference"
    @Option(name: .customLong("contenders-field"), help: "rankings: a list naming each output's contender.") var contendersField: String?

    // Any kind.
    @Option(name: .customLong("voter-field"), help: "The field naming who judged.") var voterField: String?
    @Option(name: .customLong("weight-field"), help: "The field with an importance weight (> 0).") var weightField: String?
    @Option(name: .customLong("category-field"), help: "The field with a category.") var categoryField: String?
    @Option(name: .customLong("margin-field"), help: "The field with a preference strength.") var marginField: String?
    @Option(name: .customLong("source-field"), help: "The field saying human or judge per row.") var sourceField: String?
    @Option(help: "Who judged, when no --source-field says: human or judge (UltraFeedback's ratings are GPT-4's: judge).")
    var source: PreferenceSource = .human
    @Option(name: .customLong("layout"), help: "The file's layout: jsonl, json (one array) or csv (default: from the first byte).")
    var layout: Layout?

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case jsonl, json, csv

        var format: VoteFileFormat {
            switch self {
            case .jsonl: .jsonLines
            case .json: .jsonArray
            case .csv: .csv
            }
        }
    }

    func pairOptions(seed: UInt64) -> PairReadOptions {
        var options = PairReadOptions()
        options.prompt = promptField ?? "prompt"
        options.chosen = chosenField
        options.rejected = rejectedField
        options.contenderA = contenderAField
        options.contenderB = contenderBField
        options.chosenFirst = keepSides
        options.seed = seed
        fillCommon(&options.voter, &options.weight, &options.category, &options.margin, &options.sourceField)
        options.defaultSource = source
        return options
    }

    func countOptions() throws -> CountsReadOptions {
        var options = CountsReadOptions()
        options.a = a
        options.b = b
        options.aWins = aWins
        options.bWins = bWins
        options.ties = ties
        options.bothBad = bothBadCount
        options.winner = winner
        options.textA = textA
        options.textB = textB
        options.prompt = prompt
        fillCommon(&options.voter, &options.weight, &options.category, &options.margin, &options.sourceField)
        options.defaultSource = source
        if let problem = options.problem() { throw ValidationError("counts: \(problem).") }
        return options
    }

    func ratingOptions() -> RatingsReadOptions {
        var options = RatingsReadOptions()
        options.prompt = promptField ?? "instruction"
        options.completions = completionsField
        options.model = modelField
        options.response = responseField
        if let categoryField { options.category = categoryField }
        options.sourceField = sourceField
        options.defaultSource = source
        return options
    }

    func rankingOptions() -> RankingReadOptions {
        var options = RankingReadOptions()
        options.prompt = promptField ?? "prompt"
        options.outputs = outputsField
        options.rank = rankField
        options.preference = preferenceField
        options.contenders = contendersField
        options.voter = voterField
        options.defaultSource = source
        return options
    }

    func binarization(seed: UInt64) -> Binarization {
        Binarization(mode: binarize, aspect: aspect, seed: seed)
    }

    private func fillCommon(
        _ voter: inout String?, _ weight: inout String?, _ category: inout String?, _ margin: inout String?, _ sourceField: inout String?
    ) {
        voter = voterField
        weight = weightField
        category = categoryField
        margin = marginField
        sourceField = self.sourceField
    }

    /// A scanner of comparisons for the kinds that give them.
    func comparisons(
        _ kind: DatasetKind, bytes: UnsafeRawBufferPointer, source name: String, seed: UInt64, threads: Int?,
        progress: DatasetReader.Progress?
    ) throws -> DatasetScanner<PreferenceRecord> {
        let format = layout?.format
        switch kind {
        case .pairs:
            return DatasetReader.pairs(bytes, source: name, options: pairOptions(seed: seed), format: format, threads: threads, progress: progress)
        case .counts:
            return DatasetReader.counts(bytes, source: name, options: try countOptions(), format: format, threads: threads, progress: progress)
        case .ratings:
            return DatasetReader.binarised(
                bytes, source: name, options: ratingOptions(), binarization: binarization(seed: seed), format: format, threads: threads,
                progress: progress)
        case .rankings:
            throw CommandError(
                "rankings are K-way votes, ranked by Plackett–Luce rather than pairwise; convert them with "
                    + "prefer import rankings FILE --out kway.jsonl")
        }
    }
}

/// Reads dataset files into a vote table for `prefer rank`: the comparisons
/// that name both contenders, each aggregated row as one row standing for
/// its annotations.
struct DatasetVoteReader {
    var kind: DatasetKind
    var options: DatasetOptions
    var seed: UInt64
    var threads: Int?
    var progress: ProgressLine

    func read(_ paths: [String]) throws -> VoteFileReader.Result {
        var result = VoteFileReader.Result(table: VoteTable())
        var withoutContenders = 0
        for path in paths {
            let file = try MappedFile(path: path)
            defer { file.close() }
            result.bytes += file.bytes.count
            let mb = Double(file.bytes.count) / 1_000_000
            let name = file.name
            let scanner = try options.comparisons(kind, bytes: file.bytes, source: name, seed: seed, threads: threads) { done, _ in
                progress.update(String(format: "reading %@: %.0f of %.0f MB", name, Double(done) / 1_000_000, mb))
            }
            do {
                while let records = try scanner.next() {
                    withoutContenders += result.table.append(records)
                }
            } catch {
                progress.finish()
                throw CommandError(error.description)
            }
        }
        progress.finish()
        if withoutContenders > 0 {
            if result.table.isEmpty {
                throw CommandError(
                    "The rows name no contenders, so there is nothing to rank: they are item-level preferences (prompt, output A, output B). "
                        + "Map the contenders (--contender-a-field/--contender-b-field for pairs, --a/--b for counts), or import them to export them as training pairs.")
            }
            printError("warning: \(withoutContenders) rows name no contenders and are left out of the ranking.")
        }
        return result
    }
}
