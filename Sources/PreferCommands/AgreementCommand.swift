import ArgumentParser
import Foundation
import PreferCore

/// `prefer agreement`: how much people agree on the battles several of them judged.
struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Inter-annotator agreement: Krippendorff's α and Fleiss' κ on battles judged by several voters.",
        discussion: """
        A battle is one prompt with one pair of contenders (either order); each vote on it is a rating: \
        the first contender (by name) wins, the second wins, or a tie (both-bad counts as a tie). \
        Reported overall and per contender pair, over battles with at least two votes.

        Examples:
          prefer agreement votes.jsonl
          prefer agreement votes.jsonl --item-field question_id --format json
        """
    )

    @Argument(help: "Vote files (.jsonl, .json, .csv); - reads standard input.")
    var files: [String]

    @OptionGroup var input: VoteInputOptions

    @Option(name: .customLong("item-field"), help: "The field that identifies what was judged (with the pair).")
    var itemField = "prompt"

    @Option(help: "Output: table or json.")
    var format: AuditReport.TextFormat = .table

    @Flag(name: .shortAndLong, help: "No progress line on standard error.")
    var quiet = false

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        let read = try VoteFileReader(options: input.parseOptions(fields: [itemField]), progress: progress).read(files)
        input.reportSkipped(read, quiet: quiet)
        guard read.table.count > 0 else {
            throw CommandError("no votes in \(files.joined(separator: ", ")) (the files are empty, or --filter left none out of them).")
        }
        guard let result = AgreementStudy.measure(read.table, itemField: itemField) else {
            throw CommandError("the votes carry no \"\(itemField)\" field: agreement needs to know which votes judged the same battle. Name the field with --item-field (e.g. prompt or question_id).")
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            printOut(String(decoding: try encoder.encode(result), as: UTF8.self))
        case .table:
            printOut(Self.table(result), terminator: "")
        }
    }

    static func table(_ r: AgreementStudy.Result) -> String {
        func value(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        var out = ""
        let o = r.overall
        if o.battles == 0 {
            out += "No battle (same \(r.itemField) and pair) was judged by two or more voters, so agreement is not available."
            out += " Show each battle to several annotators to measure it.\n"
            if r.repeatsCollapsed > 0 {
                out += "(\(r.repeatsCollapsed) repeated vote\(r.repeatsCollapsed == 1 ? "" : "s") of one voter on one battle count as that voter's one rating.)\n"
            }
            return out
        }
        out += "\(o.battles) battles judged by two or more voters (\(o.ratings) votes); \(r.singleVoteBattles) battles had one vote"
        out += r.votesWithoutItem > 0 ? ", \(r.votesWithoutItem) votes no \(r.itemField).\n" : ".\n"
        if r.repeatsCollapsed > 0 {
            out += "\(r.repeatsCollapsed) repeated vote\(r.repeatsCollapsed == 1 ? "" : "s") of a voter on a battle they had judged left out: each voter's latest vote is their rating.\n"
        }
        out += "Krippendorff's α (nominal) \(value(o.krippendorffAlpha)), Fleiss' κ \(value(o.fleissKappa)); "
        out += "observed pairwise agreement \(value(o.observedAgreement)) against \(value(o.chanceAgreement)) by chance.\n\n"
        let header = ["First", "Second", "Battles", "Votes", "α", "κ", "Agreement"]
        let rows = r.pairs.map { p in
            [p.first, p.second, String(p.measures.battles), String(p.measures.ratings),
             value(p.measures.krippendorffAlpha), value(p.measures.fleissKappa), value(p.measures.observedAgreement)]
        }
        var width = header.map(\.count)
        for row in rows { for (k, c) in row.enumerated() { width[k] = max(width[k], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { k, c in
                let pad = String(repeating: " ", count: width[k] - c.count)
                return k < 2 ? c + pad : pad + c
            }.joined(separator: "  ")
        }
        out += ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
        out += "\nα and κ: 1 = perfect agreement, 0 = chance, below 0 = systematic disagreement; – where a pair's votes never vary.\n"
        return out
    }
}
