import ArgumentParser
import Foundation
import Logging
import PreferCore
import PreferServer
import PreferStore

/// What every `prefer import <dataset kind>` takes besides its field mapping.
struct DatasetImportSettings: ParsableArguments {
    @Argument(help: "Dataset files (.jsonl, .json, .csv); - reads standard input.") var files: [String]
    @Option(help: "Arena name (created if missing).") var arena: String?
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://…; PREFER_DATABASE_URL works too.")
    var database: String?
    @Option(help: "Seed: where each pair's chosen output is placed, which completion best-vs-random draws.")
    var seed: UInt64 = 42
    @Option(help: "Worker threads for parsing (default: all cores).") var threads: Int?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false
}

/// The imports of preference datasets into an arena: one transaction for
/// all files, read window by window (bounded memory) while the previous
/// window is being stored.
enum DatasetImport {
    static func run(kind: DatasetKind, settings: DatasetImportSettings, fields: DatasetOptions) async throws {
        guard let arenaName = settings.arena else {
            throw ValidationError("Name the arena to import into with --arena NAME (created if missing).")
        }
        var logger = Logger(label: "prefer")
        logger.logLevel = .warning
        let progress = ProgressLine(quiet: settings.quiet)
        let clock = ContinuousClock()
        let start = clock.now
        let files = try settings.files.map { try MappedFile(path: $0) }
        let (url, opened) = try await StoreOpener.open(settings.database, logger: logger)
        guard let store = opened as? SQLPreferStore else { throw CommandError("this store cannot import datasets") }
        var pending: Task<PreferenceBatch?, any Error>?
        // The arena this import made, removed again if the import fails: a
        // failed import leaves nothing behind, not even an empty arena.
        var created: Int64?
        do {
            // Checked before anything is stored, so a wrong mapping makes nothing.
            let feed = try BatchFeed(kind: kind, files: files, fields: fields, seed: settings.seed, threads: settings.threads, progress: progress)
            try await store.migrate()
            var target = try await store.arena(named: arenaName)
            if target == nil {
                try ArenaRules.arenaName(arenaName, field: "--arena")
                target = try await store.createArena(NewArena(
                    name: arenaName, description: "Imported from \(files.map(\.name).joined(separator: ", ")) (\(kind.rawValue))"))
                created = target!.id
            }
            let summary = try await store.importDataset(arena: target!.id, source: files.first?.name ?? "-") {
                let batch = try await (pending ?? Task.detached { try feed.next() }).value
                pending = batch == nil ? nil : Task.detached { try feed.next() }
                return batch
            }
            progress.finish()
            if created != nil { printError("created arena \"\(arenaName)\"") }
            let seconds = (clock.now - start).inSeconds
            var parts: [String] = []
            if summary.votes > 0 { parts.append("\(summary.votes) votes") }
            if summary.itemPreferences > 0 {
                parts.append("\(summary.itemPreferences) item-level preferences (\(summary.itemAnnotations) annotations)")
            }
            if summary.ratings > 0 { parts.append("\(summary.ratings) ratings") }
            if summary.kwayVotes > 0 { parts.append("\(summary.kwayVotes) K-way votes") }
            if parts.isEmpty { parts.append("nothing") }
            printOut(
                "imported \(parts.joined(separator: ", ")) into arena \"\(arenaName)\" (\(summary.promptsCreated) new prompts, "
                    + "\(summary.contendersCreated) new contenders, \(summary.outputsCreated) new outputs) in \(store.dialect) "
                    + "\(StoreLocation.redacted(url)) in \(String(format: "%.1f", seconds)) s")
            if summary.rankingsTiedFirst > 0 {
                printError(
                    "note: \(summary.rankingsTiedFirst) rankings share their first place among several outputs and were left out: "
                        + "a K-way vote places a single best (the rest of a ranking may tie).")
            }
            if summary.itemPreferences > 0 && !settings.quiet {
                printError(
                    "note: item-level preferences name no contenders: they feed exports (prefer export pairs), agreement, "
                        + "driver analyses and reward models, not leaderboards. Map contenders to make votes "
                        + "(--contender-a-field/--contender-b-field, or --a/--b).")
            }
        } catch {
            progress.finish()
            _ = try? await pending?.value
            if let created { try? await store.deleteArena(id: created) }
            try? await store.shutdown()
            for file in files { file.close() }
            if let error = error as? VoteParseError { throw CommandError(error.description) }
            if let error = error as? StoreError { throw CommandError("\(error.message) Nothing was imported.") }
            throw error
        }
        _ = try? await pending?.value
        try await store.shutdown()
        for file in files { file.close() }
    }
}

/// The batches of one import, file after file: the next window of rows of
/// the current file (driven by one task at a time).
final class BatchFeed: @unchecked Sendable {
    private let kind: DatasetKind
    private let files: [MappedFile]
    private let fields: DatasetOptions
    private let seed: UInt64
    private let threads: Int?
    private let progress: ProgressLine
    private var index = 0
    private var comparisons: DatasetScanner<PreferenceRecord>?
    private var rated: DatasetScanner<RatedPrompt>?
    private var ranked: DatasetScanner<RankingRecord>?
    private var rows = 0

    init(kind: DatasetKind, files: [MappedFile], fields: DatasetOptions, seed: UInt64, threads: Int?, progress: ProgressLine) throws {
        if kind == .counts { _ = try fields.countOptions() }
        if kind == .rankings && fields.contendersField == nil {
            throw ValidationError(
                "K-way votes in an arena name each output's contender: give --contenders-field (the list naming each output's "
                    + "model), or write a K-way vote file instead with --out FILE.")
        }
        self.kind = kind
        self.files = files
        self.fields = fields
        self.seed = seed
        self.threads = threads
        self.progress = progress
    }

    func next() throws -> PreferenceBatch? {
        while index < files.count {
            let file = files[index]
            let name = file.name
            let mb = Double(file.bytes.count) / 1_000_000
            let report: DatasetReader.Progress = { [progress] done, _ in
                progress.update(String(format: "importing %@: %.0f of %.0f MB", name, Double(done) / 1_000_000, mb))
            }
            if kind == .rankings {
                if ranked == nil {
                    ranked = DatasetReader.rankings(
                        file.bytes, source: name, options: fields.rankingOptions(), format: fields.layout?.format, threads: threads,
                        progress: report)
                }
                if let rankings = try ranked!.next() {
                    file.release(upTo: ranked!.bytesDone)
                    rows += rankings.count
                    return PreferenceBatch(rankings: rankings)
                }
                ranked = nil
            } else if kind == .ratings {
                if rated == nil {
                    rated = DatasetReader.ratings(file.bytes, source: name, options: fields.ratingOptions(), format: fields.layout?.format, threads: threads, progress: report)
                }
                if let prompts = try rated!.next() {
                    file.release(upTo: rated!.bytesDone)
                    rows += prompts.count
                    let binarization = fields.binarization(seed: seed)
                    return PreferenceBatch(records: prompts.flatMap(binarization.pairs), rated: prompts)
                }
                rated = nil
            } else {
                if comparisons == nil {
                    comparisons = try fields.comparisons(kind, bytes: file.bytes, source: name, seed: seed, threads: threads, progress: report)
                }
                if let records = try comparisons!.next() {
                    file.release(upTo: comparisons!.bytesDone)
                    rows += records.count
                    return PreferenceBatch(records: records)
                }
                comparisons = nil
            }
            index += 1
        }
        return nil
    }
}

struct ImportPairs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Import preference pairs with texts (TRL prompt/chosen/rejected, conversational or not; HH-RLHF chosen/rejected transcripts).",
        discussion: """
        Without contender fields each row is an item-level preference (prompt, output A, output B): it feeds exports, \
        agreement, driver analyses and reward models, not leaderboards. With --contender-a-field and --contender-b-field \
        (the chosen and the rejected side's contender) each row is a vote with its outputs. All files are stored in one \
        transaction: on any error nothing is stored, and the error names file:line: field.

        Examples:
          prefer import pairs hh-rlhf-train.jsonl --arena hh
          prefer import pairs ultrafeedback_binarized.jsonl --arena uf --contender-a-field chosen_model --contender-b-field rejected_model
        """
    )

    @OptionGroup var settings: DatasetImportSettings
    @OptionGroup var fields: DatasetOptions

    func run() async throws {
        try await DatasetImport.run(kind: .pairs, settings: settings, fields: fields)
    }
}

struct ImportCounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counts",
        abstract: "Import aggregated comparisons (how many annotators preferred each side) or single outcomes through a column mapping.",
        discussion: """
        CSV with a header, or JSON Lines. Each row's counts are kept as annotations, so intervals resample annotations, \
        not rows. With --a/--b the rows are votes between contenders (one stored vote per annotation); with only \
        --text-a/--text-b they are item-level preferences.

        Example (AdParaphrase v2.0):
          prefer import counts adparaphrase.csv --arena ads --text-a ad1 --text-b ad2 \\
            --a-wins count.preference_ad1 --b-wins count.preference_ad2 --tie-count count.preference_skip
        """
    )

    @OptionGroup var settings: DatasetImportSettings
    @OptionGroup var fields: DatasetOptions

    func validate() throws {
        _ = try fields.countOptions()
    }

    func run() async throws {
        try await DatasetImport.run(kind: .counts, settings: settings, fields: fields)
    }
}

struct ImportRatings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ratings",
        abstract: "Import multi-aspect ratings (UltraFeedback): outputs and ratings stored, pairs derived by a stated binarisation.",
        discussion: """
        Each completion becomes an output of its model, each aspect rating a stored rating. Pairs (votes) are derived \
        with --binarize (all-pairs, best-vs-worst, best-vs-random with --seed) on --aspect; equal scores are ties, the \
        margin is the score difference, and every aspect both sides were rated on is kept as the vote's criterion, so \
        leaderboards are per aspect. UltraFeedback's ratings are GPT-4's: use --source judge.

        Example:
          prefer import ratings ultrafeedback.jsonl --arena uf --binarize best-vs-random --aspect overall --source judge
        """
    )

    @OptionGroup var settings: DatasetImportSettings
    @OptionGroup var fields: DatasetOptions

    func run() async throws {
        try await DatasetImport.run(kind: .ratings, settings: settings, fields: fields)
    }
}

struct ImportRankings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rankings",
        abstract: "Import rankings of K outputs (HPS v2's HPDv2) into an arena as K-way votes, or convert them to a K-way vote file.",
        discussion: """
        With --arena each ranking is stored as a K-way vote (the server's kway_votes: Plackett–Luce leaderboards), its \
        outputs as the contenders' outputs for the prompt, all in one transaction (on any error nothing is stored). Each \
        output needs its contender (--contenders-field). Ties: the outputs alone at the top ranks are placed 1, 2, …; \
        from the first shared rank on they are unranked (a partial ranking); a ranking whose first place is shared is left \
        out and counted. An arena that held no votes becomes a K-way arena of the largest K imported.

        With --out, writes one JSON line per ranking instead: {"prompt", "outputs", "contenders"?, "ranks" (1 = best, \
        dense), "winner" (index of the first, null when shared), "voter"?, "source", "line"}.

        Examples:
          prefer import rankings hpd-test.json --arena hpd --contenders-field models
          prefer import rankings HPDv2/test.json --out hpd-kway.jsonl
        """
    )

    @OptionGroup var settings: DatasetImportSettings
    @OptionGroup var fields: DatasetOptions
    @Option(help: "Write a K-way vote file (- for standard output) instead of storing the votes in an arena.") var out: String?

    func validate() throws {
        guard (settings.arena == nil) != (out == nil) else {
            throw ValidationError("Give --arena NAME to store the rankings as K-way votes, or --out FILE to write a K-way vote file (one of the two).")
        }
    }

    func run() async throws {
        guard let out else {
            try await DatasetImport.run(kind: .rankings, settings: settings, fields: fields)
            return
        }
        let progress = ProgressLine(quiet: settings.quiet)
        let sink = try FileSink.forCommand(out)
        var count = 0
        for path in settings.files {
            let file = try MappedFile(path: path)
            defer { file.close() }
            let name = file.name
            let scanner = DatasetReader.rankings(
                file.bytes, source: name, options: fields.rankingOptions(), format: fields.layout?.format, threads: settings.threads
            ) { done, total in
                progress.update("reading \(name): \(done / 1_000_000) of \(total / 1_000_000) MB")
            }
            do {
                while let rankings = try scanner.next() {
                    var bytes: [UInt8] = []
                    for ranking in rankings { bytes += Array(ranking.jsonLine.utf8) }
                    try sink.write(bytes)
                    count += rankings.count
                }
            } catch let error as VoteParseError {
                progress.finish()
                try? sink.discard()
                throw CommandError(error.description)
            }
        }
        try sink.finish()
        progress.finish()
        printError("wrote \(count) K-way votes to \(out)")
    }
}
