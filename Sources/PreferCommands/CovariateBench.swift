import ArgumentParser
import Foundation
import PreferCore

/// `prefer bench style-control`: recovery of a planted length effect.
struct StyleControlBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "style-control",
        abstract: "Draw arenas where longer answers win more; report how often style control's intervals cover the planted coefficient and strengths.",
        discussion: "The model of the arenas is StyleStudy's (docs/style-and-drivers.md): the covariate is LMArena's normalised length difference, standardised, so the planted coefficient is in the fit's units."
    )

    @Option(help: "Number of simulated arenas.") var arenas = 200
    @Option(help: "Contenders per arena.") var contenders = 10
    @Option(help: "Votes per arena.") var votes = 4000
    @Option(help: "Bootstrap rounds per arena.") var rounds = 200
    @Option(name: .customLong("length-effect"), help: "Planted coefficient (log-odds per SD of the normalised length difference).") var lengthEffect = 0.3
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Nominal coverage.") var level = 0.95
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        var study = StyleStudy(arenas: arenas, contenders: contenders, votes: votes, rounds: rounds, seed: seed)
        study.lengthEffect = lengthEffect
        study.level = level
        study.threads = threads
        let clock = ContinuousClock()
        let start = clock.now
        let result: StyleStudy.Result
        do {
            result = try study.run(progress: progress.counter("arena"))
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
        progress.finish()
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        object["planted_coefficient"] = lengthEffect
        object["level"] = level
        object["contenders"] = contenders
        object["votes"] = votes
        object["rounds"] = rounds
        object["seed"] = seed
        object["seconds"] = (clock.now - start).inSeconds
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }
}

/// `prefer bench drivers`: planted feature effects and decoys.
struct DriversBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drivers",
        abstract: "Draw vote sets with planted feature effects and decoys; report interval coverage, power and the false discovery proportion of prefer drivers.",
        discussion: "The model of the data is DriverStudy's (docs/style-and-drivers.md); decoys correlated with length show what the raw win rate alone would claim."
    )

    @Option(help: "Number of simulated vote sets.") var datasets = 200
    @Option(help: "Votes per set.") var votes = 5000
    @Option(help: "Contenders per set.") var contenders = 12
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Nominal coverage.") var level = 0.95
    @Option(help: "False discovery rate.") var fdr = 0.05
    @Flag(name: .customLong("no-contenders"), help: "Analyse without contender strengths (through the origin).") var noContenders = false
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        var study = DriverStudy(datasets: datasets, votes: votes, contenders: contenders, seed: seed)
        study.level = level
        study.falseDiscoveryRate = fdr
        study.useContenders = !noContenders
        study.threads = threads
        let clock = ContinuousClock()
        let start = clock.now
        let result: DriverStudy.Result
        do {
            result = try study.run(progress: progress.counter("vote set"))
        } catch {
            progress.finish()
            throw CommandError(error.message)
        }
        progress.finish()
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        object["planted"] = study.planted
        object["decoys"] = DriverStudy.features.filter { study.planted[$0] == nil }
        object["level"] = level
        object["false_discovery_rate"] = fdr
        object["votes"] = votes
        object["contenders"] = contenders
        object["seed"] = seed
        object["seconds"] = (clock.now - start).inSeconds
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }
}
