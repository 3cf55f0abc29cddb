import ArgumentParser
import Foundation
import Logging
import PreferCore
import PreferServer
import PreferStore

/// `prefer import`: load data into the server's database.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load battle histories and preference datasets into an arena's database.",
        discussion: """
        What each subcommand imports (prefer import <subcommand> --help gives its fields):
          battles   votes from LMArena-style battle files (JSONL, JSON, CSV: model_a, model_b, winner), as prefer rank reads them
          pairs     preference pairs with their texts: TRL prompt/chosen/rejected (plain or conversational), HH-RLHF transcripts
          counts    aggregated comparisons (annotators preferring each side) or one outcome per row, via a column mapping
          ratings   multi-aspect ratings (UltraFeedback): outputs and ratings, pairs derived by a stated binarisation
          rankings  rankings of K outputs (HPS v2's HPDv2), converted to a K-way vote file

        Outputs to vote on (prompt, contender, content) go in through the server: \
        POST /api/arenas/{arena}/import, one JSON object per line (the API is described at /openapi.json).
        """,
        subcommands: [ImportBattles.self, ImportPairs.self, ImportCounts.self, ImportRatings.self, ImportRankings.self]
    )
}

/// `prefer import battles FILE… --arena NAME`
struct ImportBattles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "battles",
        abstract: "Load LMArena-style battle files (the prefer rank formats) into an arena as votes.",
        discussion: """
        Contenders are created as needed; the arena is created if it does not exist. The voter comes \
        from `voter` or `judge`, the time from `tstamp`/`timestamp`. All votes of a run are stored in \
        one transaction: on any error nothing is stored.
        """
    )

    @Argument(help: "Battle files (.jsonl, .json, .csv); - reads standard input.") var files: [String]
    @Option(help: "Arena name (created if missing).") var arena: String
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://…; PREFER_DATABASE_URL works too.")
    var database: String?
    @OptionGroup var input: VoteInputOptions
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() async throws {
        var logger = Logger(label: "prefer")
        logger.logLevel = .warning
        let progress = ProgressLine(quiet: quiet)
        let read = try VoteFileReader(options: input.parseOptions(), progress: progress).read(files)
        input.reportSkipped(read, quiet: quiet)
        guard !read.table.isEmpty else { throw CommandError("No votes to import: the files are empty or every row was filtered out.") }
        let (url, store) = try await StoreOpener.open(database, logger: logger)
        do {
            try await store.migrate()
            let (target, created) = try await ArenaService(store: store).arena(
                named: arena, creatingWith: "Imported from \(files.joined(separator: ", "))")
            if created { printError("created arena \"\(arena)\"") }
            progress.update("storing \(read.table.count) votes…", force: true)
            let count = try await store.importVotes(arena: target.id, read.table)
            progress.finish()
            printOut("imported \(count) votes into arena \"\(arena)\" (\(read.table.contenders.count) contenders) in \(store.dialect) \(StoreLocation.redacted(url))")
        } catch {
            progress.finish()
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }
}
