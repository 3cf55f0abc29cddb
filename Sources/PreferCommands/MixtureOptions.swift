import ArgumentParser
import Foundation
import PreferCore

/// `prefer rank --mixture`: a latent-class mixture of preference types over
/// annotators, added to the leaderboard under `"mixture"`.
struct MixtureOptions: ParsableArguments {
    @Flag(help: "Fit a mixture of preference types over annotators (latent-class Bradley–Terry, EM; T chosen by BIC) and add each type's board and each annotator's type. Needs a voter or judge field.")
    var mixture = false

    @Option(help: "Number of types (default: chosen by BIC among 1…--max-types).")
    var types: Int?

    @Option(name: .customLong("max-types"), help: "Largest number of types BIC chooses among.")
    var maxTypes = 4

    @Option(help: "Random starts per number of types (short EM runs; the best is run to convergence).")
    var restarts = 10

    @Option(name: .customLong("mixture-intervals"), help: "Per-type intervals: information (observed information, Louis), bootstrap (over annotators) or none.")
    var mixtureIntervals: MixtureIntervalChoice = .information

    @Option(name: .customLong("mixture-rounds"), help: "Bootstrap rounds over annotators with --mixture-intervals bootstrap.")
    var mixtureRounds = 200

    @Option(name: .customLong("explain-types"), help: ArgumentHelp(
        "Annotator attributes (vote-file fields) to test against the types: a table of value × type with a likelihood-ratio test. Repeatable or comma-separated.",
        valueName: "FIELD"))
    var explainTypes: [String] = []

    @Option(name: .customLong("min-group"), help: "Attribute values held by fewer annotators are merged into \"other\", so nobody can be singled out.")
    var minimumGroup = 5

    enum MixtureIntervalChoice: String, ExpressibleByArgument, CaseIterable {
        case information, bootstrap, none
    }

    func validate() throws {
        if let types, types < 1 { throw ValidationError("--types must be at least 1; got \(types).") }
        if maxTypes < 1 { throw ValidationError("--max-types must be at least 1; got \(maxTypes).") }
        if restarts < 1 { throw ValidationError("--restarts must be at least 1; got \(restarts).") }
        if mixtureRounds < 2 { throw ValidationError("--mixture-rounds must be at least 2 (200 is usual); got \(mixtureRounds).") }
        if minimumGroup < 1 { throw ValidationError("--min-group must be at least 1; got \(minimumGroup).") }
        if !mixture && (types != nil || !explainTypes.isEmpty) {
            throw ValidationError("--types and --explain-types go with --mixture.")
        }
    }

    /// The attribute fields the parser must keep.
    var fields: Set<String> {
        mixture ? Set(attributeFields) : []
    }

    var attributeFields: [String] {
        explainTypes.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    /// The mixture report for `table`, or nil without `--mixture`.
    /// `table` should hold every voter, the audit's flagged ones too
    /// (`flagged`): a minority type is what a consensus test flags.
    func report(
        _ table: VoteTable, flagged: Set<String>?, estimator: BradleyTerry, seed: UInt64, level: Double,
        threads: Int?, progress: ProgressLine
    ) throws -> MixtureReport? {
        guard mixture else { return nil }
        let model = BradleyTerryMixture(maxTypes: maxTypes, restarts: restarts, seed: seed, threads: threads, estimator: estimator)
        let intervals: MixtureReport.Intervals
        switch mixtureIntervals {
        case .information: intervals = .observedInformation
        case .bootstrap: intervals = .bootstrap(rounds: mixtureRounds, seed: seed)
        case .none: intervals = .none
        }
        do {
            let report = try MixtureReport.make(
                from: table, mixture: model, types: types, intervals: intervals, level: level,
                attributes: attributeFields, minimumGroup: minimumGroup, flaggedVoters: flagged
            ) { step, done, total in progress.update("\(step) \(done) of \(total)") }
            progress.finish()
            return report
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
    }
}
