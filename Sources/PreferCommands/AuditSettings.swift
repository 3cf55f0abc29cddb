import ArgumentParser
import Foundation
import PreferCore

/// Audit options shared by `prefer audit` and `prefer rank`.
struct AuditSettings: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Gold battles: JSON Lines of {\"prompt\" or \"question_id\", \"model_a\", \"model_b\", \"winner\"}.",
        valueName: "FILE"))
    var gold: String?

    @Option(name: .customLong("identity-words"), help: ArgumentHelp(
        "Comma-separated words that reveal a contender's identity in an output (default: LMArena's list of model and vendor names).",
        valueName: "WORDS"))
    var identityWords: String?

    @Option(name: .customLong("max-votes-per-day"), help: "Votes one voter may cast in a UTC day.")
    var maxVotesPerDay: Int = 1000

    @Option(name: .customLong("min-ms-per-char"), help: "Reading floor: milliseconds per character of both outputs.")
    var minMsPerChar: Double = 5

    @Option(name: .customLong("min-time-ms"), help: "Reading floor: milliseconds for any vote.")
    var minTimeMs: Double = 2000

    @Option(help: "False discovery rate for the statistical flags, split: 0.75 disagreement (Benjamini–Hochberg), 0.05 position and concentration (Holm), 0.2 coordinated groups.")
    var fdr: Double = 0.05

    @Option(name: .customLong("min-votes"), help: "Votes a voter needs before the statistical signals judge them.")
    var minVotes: Int = 5

    @Option(name: .customLong("sequential-alpha"), help: "α of LMArena's sequential test (flag when M > 1/α; reported only).")
    var sequentialAlpha: Double = 0.05

    @Flag(name: .customLong("no-content-filters"), help: "Keep battles whose outputs reveal identity, are errors or are empty.")
    var noContentFilters = false

    @Flag(name: .customLong("no-downsampling"), help: "Keep every vote on prompts repeated far more than the rest.")
    var noDownsampling = false

    func options(seed: UInt64 = 42) throws -> AuditOptions {
        var options = AuditOptions(falseDiscoveryRate: fdr, minimumVotes: minVotes)
        options.sequential.alpha = sequentialAlpha
        options.speed.minimumMilliseconds = minTimeMs
        options.speed.millisecondsPerCharacter = minMsPerChar
        options.volume.maximumPerDay = maxVotesPerDay
        if noContentFilters {
            options.content = nil
        } else if let identityWords {
            options.content = ContentFilter(identityWords: identityWords.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            })
        }
        if noDownsampling {
            options.downsampler = nil
        } else {
            options.downsampler?.seed = seed
        }
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return options
    }

    func inputs(_ table: VoteTable) throws -> AuditInputs {
        var goldSet: GoldSet?
        if let gold {
            guard let data = FileManager.default.contents(atPath: gold) else {
                throw CommandError("cannot read the gold file \(gold). Check the path.")
            }
            do {
                goldSet = try GoldSet.parse(jsonLines: String(decoding: data, as: UTF8.self), source: gold)
            } catch {
                throw CommandError(error.message)
            }
        }
        return AuditInputs(table: table, gold: goldSet)
    }
}

extension AuditReport.TextFormat: ExpressibleByArgument {}
