import ArgumentParser
import Foundation
import PreferCore

/// `prefer audit --simulate`: the planted-fraud study.
struct SimulationOptions: ParsableArguments {
    @Flag(help: "Draw an arena with planted fraud, audit it and report recall, false flags and the oracle.")
    var simulate = false

    @Option(help: "Seed of the simulated arenas: same seed, same numbers.")
    var seed: UInt64 = 1

    @Option(help: "Arenas to draw (seeds seed, seed+1, …); counts are pooled.")
    var arenas = 1

    @Option(help: "Contenders per arena.")
    var contenders = 20

    @Option(name: .customLong("honest-voters"), help: "Honest voters per arena.")
    var honestVoters = 1000

    @Option(name: .customLong("bad-voters"), help: "Voters of each fraud kind per arena.")
    var badVoters = 30

    @Option(name: .customLong("votes-per-voter"), help: "Votes each voter casts.")
    var votesPerVoter = 40

    @Option(name: .customLong("booster-focus"), help: "Share of a booster's battles that show the boosted contender (they re-roll until it appears).")
    var boosterFocus = 0.5

    func run(settings: AuditSettings, format: AuditReport.TextFormat) throws {
        var study = FraudSimulation(seed: seed)
        study.arenas = arenas
        study.contenders = contenders
        study.honestVoters = honestVoters
        study.badVotersPerKind = badVoters
        study.votesPerVoter = votesPerVoter
        study.boosterFocus = boosterFocus
        study.options = try settings.options(seed: seed)
        let report = study.run()
        switch format {
        case .json: print(report.jsonText(), terminator: "")
        case .table: print(report.markdown(command: "prefer audit --simulate --seed \(seed)" + (arenas > 1 ? " --arenas \(arenas)" : "")), terminator: "")
        }
    }
}
