import ArgumentParser
import Foundation
import Logging
import PreferCore
import PreferStore

/// `prefer export`: an arena's data in the formats other tools read.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an arena's preferences for trainers.",
        subcommands: [ExportPairs.self]
    )
}

/// `prefer export pairs --arena A --format trl|trl-chat|kto|reward`
struct ExportPairs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Training pairs from an arena's votes and imported preferences, in TRL's formats.",
        discussion: """
        Formats (TRL dataset formats): trl = {"prompt", "chosen", "rejected", "margin"} strings (DPO, reward \
        modelling); trl-chat = the same as {"role", "content"} message lists; reward = {"chosen", "rejected", \
        "margin"} with the prompt written into both (implicit prompt); kto = {"prompt", "completion", "label"}.

        By default: all sources, voters the audit flags left out (as on leaderboards), ties and both-bad dropped, \
        comparisons of one prompt and one pair of outputs merged (their annotations added; the margin is the rating \
        difference when ratings made the pair, else ln((wins + ½)/(losses + ½)) with two or more decisive \
        annotations, else 0). --test-fraction splits by prompt with --seed (no prompt on both sides) and writes \
        train.jsonl and test.jsonl into the --out folder. --difficulty labels each pair between contenders with the \
        easy/contested/hard split of prefer items (on the votes the export counts; "difficulty" in each row), or \
        keeps one kind only.

        Examples:
          prefer export pairs --arena hh --format trl --out hh-dpo.jsonl
          prefer export pairs --arena uf --format trl-chat --source judge --test-fraction 0.05 --out uf-split/
        """
    )

    @Option(help: "Arena name.") var arena: String
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://…; PREFER_DATABASE_URL works too.")
    var database: String?
    @Option(help: "trl, trl-chat, kto or reward.") var format: TrainingPairs.Format = .trl
    @Option(help: "Where to write: a file (default: standard output), or with --test-fraction a folder.") var out: String?
    @Option(help: "Which comparisons count: human, judge or all.") var source: SourceChoice = .all
    @Flag(name: .customLong("include-flagged"), help: "Keep the votes of voters the audit flags.") var includeFlagged = false
    @Option(help: "Ties: drop, or keep (written with \"tie\": true and margin 0; never in KTO).") var ties: TrainingPairs.Keep = .drop
    @Option(name: .customLong("both-bad"), help: "Both-bad verdicts: drop, or keep (pairs: \"both_bad\": true; KTO: both completions labelled false).")
    var bothBad: TrainingPairs.Keep = .drop
    @Flag(name: .customLong("no-dedupe"), help: "One row per comparison instead of one per prompt and pair of outputs.") var noDedupe = false
    @Option(name: .customLong("test-fraction"), help: "Share of prompts in the test split (0 < f < 1).") var testFraction: Double?
    @Option(help: "Seed of the train/test split and of the audit's down-sampling.") var seed: UInt64 = 42
    @Option(help: "all: label each pair easy, contested or hard (prefer items' split); easy, contested or hard: keep only those pairs.")
    var difficulty: TrainingExport.DifficultyChoice?
    @Flag(name: .shortAndLong, help: "No progress line and no report.") var quiet = false

    enum SourceChoice: String, ExpressibleByArgument, CaseIterable {
        case human, judge, all

        var sources: Set<PreferenceSource> {
            switch self {
            case .human: [.human]
            case .judge: [.judge]
            case .all: [.human, .judge]
            }
        }
    }

    func validate() throws {
        if let testFraction {
            guard testFraction > 0 && testFraction < 1 else {
                throw ValidationError("--test-fraction must be between 0 and 1 (exclusive), e.g. 0.1; got \(testFraction).")
            }
            guard out != nil else { throw ValidationError("--test-fraction writes train.jsonl and test.jsonl: give the folder with --out DIR.") }
        }
    }

    func run() async throws {
        var logger = Logger(label: "prefer")
        logger.logLevel = .warning
        let progress = ProgressLine(quiet: quiet)
        let (_, opened) = try await StoreOpener.open(database, logger: logger)
        guard let store = opened as? SQLPreferStore else { throw CommandError("this store cannot export datasets") }
        var sinks: [FileSink] = []
        do {
            try await store.migrate()
            guard let target = try await store.arena(named: arena) else {
                throw CommandError("There is no arena named \"\(arena)\" in this database; prefer import … --arena \(arena) creates one.")
            }
            let train: FileSink
            var test: FileSink?
            if testFraction != nil, let out {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                train = try FileSink.forCommand((out as NSString).appendingPathComponent("train.jsonl"))
                test = try FileSink.forCommand((out as NSString).appendingPathComponent("test.jsonl"))
            } else {
                train = try FileSink.forCommand(out ?? "-")
            }
            sinks = [train] + (test.map { [$0] } ?? [])
            var options = TrainingExport.Options()
            options.pairs.format = format
            options.pairs.ties = ties
            options.pairs.bothBad = bothBad
            options.pairs.dedupe = !noDedupe
            options.pairs.split = testFraction.map { PromptSplit(testFraction: $0, seed: seed) }
            options.sources = source.sources
            options.includeFlagged = includeFlagged
            options.auditSeed = seed
            options.difficulty = difficulty
            var written = 0
            let report = try await TrainingExport(options: options).run(store: store, arena: target) { rows in
                for row in rows {
                    if row.isTest, let test { try test.write(row.bytes) } else { try train.write(row.bytes) }
                }
                written += rows.count
                progress.update("exported \(written) rows")
            }
            for sink in sinks { try sink.finish() }
            progress.finish()
            if !quiet {
                let t = report.tally
                var line = "exported \(t.rows) rows (\(format.rawValue)) from \(t.groups) pairs"
                if testFraction != nil { line += ": \(t.trainRows) train, \(t.testRows) test (\(t.promptsTest) of \(t.promptsTrain + t.promptsTest) prompt groups in test)" }
                var left: [String] = []
                if t.merged > 0 { left.append("\(t.merged) comparisons merged into their pair") }
                if t.droppedTies > 0 { left.append("\(t.droppedTies) ties dropped") }
                if t.droppedBothBad > 0 { left.append("\(t.droppedBothBad) both-bad dropped") }
                if t.droppedIdentical > 0 { left.append("\(t.droppedIdentical) pairs of identical outputs dropped") }
                if t.droppedByDifficulty > 0 { left.append("\(t.droppedByDifficulty) pairs not \(difficulty?.rawValue ?? "") left out") }
                if let note = report.difficultyNote { left.append(note) }
                if report.droppedFlagged > 0 { left.append("\(report.droppedFlagged) votes of \(report.flaggedVoters.count) flagged voters left out (--include-flagged keeps them)") }
                if report.droppedBySource > 0 { left.append("\(report.droppedBySource) comparisons of other sources left out") }
                if report.coverage.votesWithoutPrompt > 0 { left.append("\(report.coverage.votesWithoutPrompt) votes without a prompt (no texts)") }
                if report.coverage.votesWithoutTextOutputs > 0 { left.append("\(report.coverage.votesWithoutTextOutputs) votes without text outputs") }
                printError(line + (left.isEmpty ? "" : "; " + left.joined(separator: "; ")))
            }
        } catch {
            progress.finish()
            for sink in sinks { try? sink.discard() }
            try? await store.shutdown()
            if let error = error as? StoreError { throw CommandError(error.message) }
            throw error
        }
        try await store.shutdown()
    }
}

extension TrainingExport.DifficultyChoice: ExpressibleByArgument {}
