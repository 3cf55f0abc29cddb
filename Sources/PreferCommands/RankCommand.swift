import ArgumentParser
import Foundation
import PreferCore

/// `prefer rank`: a leaderboard from vote files.
struct RankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Rank contenders from votes: Bradley–Terry (pairwise) or Plackett–Luce (K-way) ratings with intervals.",
        discussion: """
        Reads LMArena-style battles (JSON array, JSONL or CSV with model_a, model_b and winner \
        = model_a | model_b | tie | tie (bothbad)); give several files, or - for standard input. \
        JSON and JSONL files may also hold K-way votes, {"candidates": [...], "winner": NAME} or \
        {"candidates": [...], "ranking": [best, ...]} or {"ranking": [...]}, ranked with \
        Plackett–Luce (docs/models.md).

        Examples:
          prefer rank votes.jsonl --bootstrap 1000
          prefer rank clean_battle.json --filter anony=true --format markdown --elo
          prefer rank votes.csv --ci sandwich --anchor gpt-4=1250 --format json
          prefer rank clean_battle.json --style-control --bootstrap 1000
          prefer rank votes.jsonl --by category --bootstrap 1000
          prefer rank votes.jsonl --over time --every 1w --bootstrap 200
          prefer rank votes.jsonl --group-by country --weights country=US:0.6,FR:0.4 --bootstrap 1000
          prefer rank best-of-4.jsonl --bootstrap 1000
          prefer rank votes.jsonl --ties davidson --bootstrap 1000 --format json
        """
    )

    @Argument(help: "Vote files (.jsonl, .json, .csv); - reads standard input.")
    var files: [String]

    @OptionGroup var input: VoteInputOptions
    @Option(name: .customLong("input"), help: "Read a preference dataset instead of battle files: pairs, counts or ratings (fields as in prefer import <kind>).")
    var datasetKind: DatasetKind?
    @OptionGroup(title: "Dataset fields (with --input)") var dataset: DatasetOptions
    @OptionGroup var rating: RatingOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Audit") var audit: AuditSettings
    @OptionGroup(title: "Style control") var style: StyleControlOptions
    @OptionGroup(title: "Slices, trajectories and groups") var slicing: SlicingOptions
    @OptionGroup(title: "Preference types") var pluralism: MixtureOptions

    @Flag(name: .customLong("include-flagged"), help: "Keep the votes of voters the audit flags (by default they are excluded when the votes carry voters).")
    var includeFlagged = false

    @Flag(name: .customLong("show-audit-shift"), help: "Add a column: how far excluding the flagged voters moved each rating.")
    var showAuditShift = false

    @Option(help: "Output: table, json, csv or markdown.")
    var format: Leaderboard.TextFormat = .table

    @Flag(help: "Add the online-Elo column (votes applied in file order).")
    var elo = false

    @Option(name: .customLong("elo-k"), help: "K factor of the online Elo.")
    var eloK: Double = 4

    @Flag(help: "Also print battle counts, observed win rates and predicted win probabilities for every pair.")
    var matrix = false

    @Flag(name: .shortAndLong, help: "No progress line on standard error (warnings are still printed).")
    var quiet = false

    @Flag(help: "Print how long each step took (seconds, JSON) on standard error.")
    var timings = false

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        let clock = ContinuousClock()
        let start = clock.now
        var parseOptions = input.parseOptions(fields: AuditInputs.fields.union(slicing.fields).union(pluralism.fields))
        style.addFields(to: &parseOptions)
        let read = try datasetKind.map { kind in
            try DatasetVoteReader(kind: kind, options: dataset, seed: rating.seed, threads: input.threads, progress: progress).read(files)
        } ?? VoteFileReader(options: parseOptions, progress: progress).read(files)
        let readTime = clock.now - start
        input.reportSkipped(read, quiet: quiet)
        var options = try rating.leaderboardOptions()
        model.apply(to: &options)
        var table = read.table
        var auditSummary: AuditReport.Summary?
        var shifts: [String: Double]?
        var flagged: Set<String>?
        if table.voters != nil && table.count > 0 {
            let screening: VoteAudit.Screening
            do {
                screening = try VoteAudit(options: audit.options(seed: rating.seed))
                    .screen(table, inputs: audit.inputs(table), includeFlagged: includeFlagged)
            } catch let error as AuditError {
                throw CommandError(error.message)
            }
            let result = screening.result
            let s = result.report.summary
            auditSummary = s
            flagged = result.flaggedVoters
            if showAuditShift {
                do {
                    shifts = try AuditShift.compute(table, keep: result.keep, estimator: options.estimator)
                } catch {
                    throw CommandError(error.message)
                }
            }
            table = screening.ranked
            if screening.rankedAll && !quiet {
                printError("audit: would leave no vote to rank (\(s.votersFlagged) of \(s.voters) voters flagged), so the board ranks all \(table.count) votes rather than none; prefer audit says why.")
            } else if !includeFlagged {
                if !quiet {
                    var line = "audit: excluded \(s.votersFlagged) of \(s.voters) voters (\(s.votesByFlaggedVoters) votes)"
                    let filtered = s.votesFilteredByContent.values.reduce(0, +)
                    if filtered > 0 { line += ", \(filtered) votes by content filters" }
                    if s.votesDownsampled > 0 { line += ", \(s.votesDownsampled) repeated-prompt votes" }
                    printError(line + "; prefer audit says why, --include-flagged keeps them.")
                }
            } else if !quiet {
                printError("audit: \(s.votersFlagged) of \(s.voters) voters flagged but kept (--include-flagged).")
            }
        } else if showAuditShift && !quiet {
            printError("warning: the votes carry no voter (judge or voter field), so there is nothing to audit and no shift to show.")
        }
        options.onlineElo = elo ? OnlineElo(k: eloK) : nil
        options.matrices = matrix
        options.threads = input.threads
        var board: Leaderboard
        var steps = LeaderboardBuilder.Timings()
        let styleControl = style.isOn ? try style.resolve(table).control : nil
        do {
            if let styleControl {
                board = try styleControl.build(table, options: options, progress: progress.counter("bootstrap round"))
            } else {
                board = try LeaderboardBuilder(options: options)
                    .build(table, timings: &steps, progress: progress.counter("bootstrap round"))
            }
            if let shifts { AuditShift.annotate(&board, with: shifts) }
            board.audit = auditSummary
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
        let extras = try slicing.report(table, board: &board, options: options, progress: progress)
        board.mixture = try pluralism.report(read.table, flagged: flagged, estimator: options.estimator, seed: rating.seed, level: rating.level, threads: input.threads, progress: progress)
        progress.finish()
        printOut(try extras.rendered(board: board, as: format), terminator: "")
        if format == .table || format == .markdown { printOut(board.styleText(markdown: format == .markdown), terminator: "") }
        if format != .json {
            for warning in board.warnings { printError("warning: \(warning)") }
        }
        if timings {
            let seconds = readTime.inSeconds
            let total = (clock.now - start)
            printError(String(
                format: #"{"read_s": %.4f, "mb": %.1f, "aggregate_s": %.4f, "fit_s": %.4f, "intervals_s": %.4f, "elo_s": %.4f, "total_s": %.4f}"#,
                seconds, Double(read.bytes) / 1e6, steps.aggregate, steps.fit, steps.intervals, steps.elo,
                total.inSeconds))
        }
    }
}

/// Reading options shared by the commands that take vote files.
struct VoteInputOptions: ParsableArguments {
    @Option(name: .customLong("filter"), help: ArgumentHelp(
        "Keep only rows whose FIELD equals VALUE (repeatable; repeats of one field are OR-ed).",
        valueName: "FIELD=VALUE"))
    var filters: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp("Drop every vote involving this contender (repeatable).", valueName: "NAME"))
    var excluded: [String] = []

    @Flag(help: "Count and skip invalid rows instead of stopping at the first.")
    var skipInvalid = false

    @Flag(help: "Refuse rows whose two sides are the same contender (by default they are skipped and counted).")
    var strict = false

    @Option(help: "Worker threads for reading and the bootstrap (default: all cores).")
    var threads: Int?

    func validate() throws {
        for filter in filters where FieldFilter(parsing: filter) == nil {
            throw ValidationError("--filter takes FIELD=VALUE, e.g. --filter anony=true; got \"\(filter)\".")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    func parseOptions(fields: Set<String> = []) -> VoteParseOptions {
        var options = VoteParseOptions()
        options.filters = filters.compactMap(FieldFilter.init(parsing:))
        options.excluded = Set(excluded)
        options.skipInvalid = skipInvalid
        options.strict = strict
        options.threads = threads
        options.fields = fields
        return options
    }

    func reportSkipped(_ read: VoteFileReader.Result, quiet: Bool) {
        if read.selfBattles > 0 && !quiet {
            printError("warning: skipped \(read.selfBattles) row\(read.selfBattles == 1 ? "" : "s") where model_a and model_b are the same contender (no information for any model; --strict refuses them).")
        }
        guard read.invalidCount > 0, !quiet else { return }
        printError("skipped \(read.invalidCount) invalid row\(read.invalidCount == 1 ? "" : "s") (--skip-invalid):")
        for error in read.invalid { printError("  \(error)") }
        if read.invalidCount > read.invalid.count {
            printError("  … and \(read.invalidCount - read.invalid.count) more")
        }
    }
}

/// Rating options shared by `rank` and the commands built on it.
struct RatingOptions: ParsableArguments {
    // .unconditional: "--bootstrap -3" reaches validate() and its message, not "missing value".
    @Option(parsing: .unconditional, help: "Bootstrap rounds for percentile intervals (1000 is usual; 0 = none).")
    var bootstrap: Int = 0

    @Option(help: "Interval method: bootstrap, sandwich or none (default: bootstrap when --bootstrap is given, else none).")
    var ci: IntervalChoice?

    @Option(help: "Interval coverage, e.g. 0.95 for the 2.5 and 97.5 percentiles.")
    var level: Double = 0.95

    @Option(help: "Seed of the bootstrap's random numbers: same seed, same numbers.")
    var seed: UInt64 = 42

    @Option(name: .customLong("bootstrap-refit"), help: ArgumentHelp(
        "Plackett–Luce bootstrap rounds: full (refit every resample), one-step (one Newton step from the estimate with its information) or auto (one-step when every contender has at least \(Bootstrap.oneStepMinimumVotes) votes, else full).",
        valueName: "full|one-step|auto"))
    var bootstrapRefit: Bootstrap.Refit = .auto

    @Option(help: ArgumentHelp("L2 penalty on log10 strengths with every battle counted twice (LMArena's 2024 method; 1 = scikit-learn's C=1). Ratings are then reported uncentred.", valueName: "λ"))
    var l2: Double = 0

    @Option(help: ArgumentHelp("Pin one contender's rating; the others move with it.", valueName: "NAME=RATING"))
    var anchor: String?

    @Option(help: "Elo scale: rating points per factor of the base in odds.")
    var scale: Double = 400

    @Option(help: "Base of the odds.")
    var base: Double = 10

    @Option(name: .customLong("initial"), help: "Rating of the average contender (without --l2 or --anchor).")
    var initialRating: Double = 1000

    @Option(help: "Convergence tolerance: largest Newton step in natural log-strength units.")
    var tolerance: Double = 1e-10

    enum IntervalChoice: String, ExpressibleByArgument, CaseIterable {
        case bootstrap, sandwich, none
    }

    func validate() throws {
        if bootstrap < 0 { throw ValidationError("--bootstrap must be a positive number of rounds (1000 is usual), or 0 for none; got \(bootstrap).") }
        if ci == .bootstrap && bootstrap < 2 {
            throw ValidationError("--ci bootstrap needs --bootstrap N with N ≥ 2 rounds (1000 is usual).")
        }
        if let anchor, parsedAnchor(anchor) == nil {
            throw ValidationError("--anchor takes NAME=RATING, e.g. --anchor gpt-4=1250; got \"\(anchor)\".")
        }
    }

    func parsedAnchor(_ text: String) -> BradleyTerry.Anchor? {
        guard let eq = text.lastIndex(of: "="), let rating = Double(text[text.index(after: eq)...]),
              rating.isFinite, eq > text.startIndex else { return nil }
        return BradleyTerry.Anchor(contender: String(text[..<eq]), rating: rating)
    }

    func leaderboardOptions() throws -> LeaderboardOptions {
        let estimator = BradleyTerry(
            scale: scale, base: base, initialRating: initialRating, l2: l2,
            anchor: anchor.flatMap(parsedAnchor), tolerance: tolerance
        )
        let intervals: LeaderboardOptions.Intervals
        switch ci ?? (bootstrap > 0 ? .bootstrap : .none) {
        case .bootstrap: intervals = .bootstrap(rounds: bootstrap, seed: seed)
        case .sandwich: intervals = .sandwich
        case .none: intervals = .none
        }
        var options = LeaderboardOptions(estimator: estimator, intervals: intervals, level: level)
        options.bootstrapRefit = bootstrapRefit
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return options
    }
}

extension Leaderboard.TextFormat: ExpressibleByArgument {}

extension Bootstrap.Refit: ExpressibleByArgument {}
