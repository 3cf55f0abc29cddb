import ArgumentParser
import Foundation
import PreferCore

/// `prefer cycles`: intransitive preferences the votes support.
struct CyclesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycles",
        abstract: "Find intransitive cycles (A > B > C > A) the votes support, and how transitive the preferences are.",
        discussion: """
        Three analyses of the pairwise votes: (1) triangles whose three edges are each significant \
        (exact one-sided sign test on decisive votes; a triangle's p-value is its largest edge \
        p-value), with the false discovery rate controlled across all triangles by \
        Benjamini–Yekutieli (valid under any dependence; --procedure bh for Benjamini–Hochberg); \
        (2) the share of the pairwise log-odds a single scale explains (Hodge decomposition); \
        (3) Bradley–Terry against a model that can express cycles (blade–chest, rank-2 \
        skew-symmetric) by K-fold held-out log-likelihood, and Bradley–Terry's goodness of fit. \
        Every vote counts once (weights are ignored).

        Examples:
          prefer cycles votes.jsonl
          prefer cycles votes.csv --fdr 0.01 --format json
          prefer cycles clean_battle.json --filter anony=true --folds 0
        """
    )

    @Argument(help: "Vote files (.jsonl, .json, .csv); - reads standard input.")
    var files: [String]

    @OptionGroup var input: VoteInputOptions

    @Option(help: "False discovery rate across triangles.")
    var fdr = 0.05

    @Option(help: "Multiple-testing procedure: by (Benjamini–Yekutieli, any dependence) or bh (Benjamini–Hochberg, positive dependence).")
    var procedure: CycleSearch.Procedure = .benjaminiYekutieli

    @Option(help: "List at most this many triangles (all are counted).")
    var limit = 50

    @Option(help: "Folds for the held-out model comparison (0 skips it).")
    var folds = 5

    @Option(help: "Seed of the fold assignment: same seed, same numbers.")
    var seed: UInt64 = 42

    @Option(help: "Output: table, json or markdown.")
    var format: IntransitivityReport.TextFormat = .table

    @Flag(name: .shortAndLong, help: "No progress line on standard error (warnings are still printed).")
    var quiet = false

    @Flag(help: "Add how long each step took (seconds) to the output.")
    var timings = false

    func validate() throws {
        if !(fdr > 0 && fdr < 1) { throw ValidationError("--fdr must be between 0 and 1 (exclusive), e.g. 0.05; got \(fdr).") }
        if folds == 1 || folds < 0 { throw ValidationError("--folds must be 0 (no comparison) or at least 2; got \(folds).") }
        if limit < 0 { throw ValidationError("--limit must be 0 or more; got \(limit).") }
    }

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        let read = try VoteFileReader(options: input.parseOptions(), progress: progress).read(files)
        input.reportSkipped(read, quiet: quiet)
        progress.update("searching for cycles", force: true)
        var report: IntransitivityReport
        do {
            report = try IntransitivityReport.make(
                from: read.table,
                search: CycleSearch(falseDiscoveryRate: fdr, procedure: procedure, limit: limit),
                comparison: folds == 0 ? nil : TransitivityComparison(folds: folds, seed: seed, threads: input.threads))
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
        progress.finish()
        if !timings { report.timings = nil }
        printOut(try report.rendered(as: format), terminator: "")
        if format != .json {
            for warning in report.warnings { printError("warning: \(warning)") }
            if let t = report.timings {
                printError(String(format: #"{"triangles_s": %.4f, "hodge_s": %.4f, "models_s": %.4f}"#, t.triangles, t.hodge, t.models))
            }
        }
    }
}

extension CycleSearch.Procedure: ExpressibleByArgument {}
extension IntransitivityReport.TextFormat: ExpressibleByArgument {}
