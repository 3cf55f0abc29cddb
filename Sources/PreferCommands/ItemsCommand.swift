import ArgumentParser
import Foundation
import PreferCore

/// `prefer items`: agreement per item, contested items, likely mislabelled votes.
struct ItemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "items",
        abstract: "Per item (a prompt and a pair judged by several annotators): the vote split, how sure the crowd is, contested items, likely mislabelled votes, and an easy/contested/hard split.",
        discussion: """
        Items are keyed by question_id (else prompt, or --item-field) and the unordered pair. \
        Strength is the posterior probability that the majority side is the crowd's preference \
        (uniform Beta prior, ties half a vote each way). An item is contested when it has at least \
        --min-votes votes and its majority share is at most --contested-share. A vote is likely \
        mislabelled when the item's other votes favour the other side with strength at least \
        --mislabel-strength and the Bradley–Terry model (fitted on all votes) does not contradict \
        them. Easy: the crowd is sure, or its majority and the model agree clearly; hard: the rest.

        Examples:
          prefer items votes.jsonl
          prefer items annotations.csv --format csv > items.csv
          prefer items votes.jsonl --format json --min-votes 3
        """
    )

    @Argument(help: "Vote files (.jsonl, .json, .csv); - reads standard input.")
    var files: [String]

    @OptionGroup var input: VoteInputOptions

    @Option(name: .customLong("item-field"), help: "The field that identifies the prompt (default: question_id, else prompt).")
    var itemField: String?

    @Option(name: .customLong("min-votes"), help: "Votes an item needs before it can be called contested.")
    var minimumVotes = 5

    @Option(name: .customLong("contested-share"), help: "Contested when the majority side's share (ties half) is at most this.")
    var contestedShare = 0.65

    @Option(name: .customLong("easy-strength"), help: "Easy when the crowd's strength is at least this…")
    var easyStrength = 0.9

    @Option(name: .customLong("easy-model-probability"), help: "…or the model gives the majority side at least this.")
    var easyModelProbability = 0.75

    @Option(name: .customLong("mislabel-strength"), help: "Flag a vote when the other votes on its item favour the other side with at least this strength…")
    var mislabelStrength = 0.95

    @Option(name: .customLong("mislabel-model-probability"), help: "…and the model gives that side at least this.")
    var mislabelModelProbability = 0.5

    @Option(help: "Output: table, json or csv.")
    var format: ItemAgreement.Result.TextFormat = .table

    @Flag(name: .shortAndLong, help: "No progress line on standard error.")
    var quiet = false

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        let fields = Set(itemField.map { [$0] } ?? ItemAgreement.itemFields)
        let read = try VoteFileReader(options: input.parseOptions(fields: fields), progress: progress).read(files)
        input.reportSkipped(read, quiet: quiet)
        let agreement = ItemAgreement(
            minimumVotes: minimumVotes, contestedShare: contestedShare, easyStrength: easyStrength,
            easyModelProbability: easyModelProbability, mislabelStrength: mislabelStrength,
            mislabelModelProbability: mislabelModelProbability, itemField: itemField)
        let result: ItemAgreement.Result
        do {
            result = try agreement.analyze(read.table, estimator: BradleyTerry())
        } catch {
            throw CommandError(error.message)
        }
        printOut(try result.rendered(as: format, settings: agreement), terminator: "")
        if format != .json, !quiet, result.summary.votesWithoutItem > 0 {
            printError("warning: \(result.summary.votesWithoutItem) votes have no \(result.summary.itemField) (or pit a contender against itself) and belong to no item.")
        }
    }
}

extension ItemAgreement.Result.TextFormat: ExpressibleByArgument {}
