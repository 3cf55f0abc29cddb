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

    @Option(help: ArgumentHelp("Also write the first arena's votes as JSONL to FILE and each voter's planted kind to FILE.kinds.json.", valueName: "FILE"))
    var write: String?

    func run(settings: AuditSettings, format: AuditReport.TextFormat) throws {
        var study = FraudSimulation(seed: seed)
        study.arenas = arenas
        study.contenders = contenders
        study.honestVoters = honestVoters
        study.badVotersPerKind = badVoters
        study.votesPerVoter = votesPerVoter
        study.boosterFocus = boosterFocus
        study.options = try settings.options(seed: seed)
        if let write {
            let arena = study.draw(arena: 0)
            try arena.jsonLines().write(toFile: write, atomically: true, encoding: .utf8)
            let kinds = Dictionary(uniqueKeysWithValues: zip(arena.table.voters!.values, arena.kinds.map(\.rawValue)))
            let data = try JSONSerialization.data(withJSONObject: ["kinds": kinds, "target": arena.table.contenders[arena.target]], options: [.sortedKeys, .prettyPrinted])
            try data.write(to: URL(fileURLWithPath: write + ".kinds.json"))
        }
        let report = try study.run()
        switch format {
        case .json: printOut(try report.jsonText(), terminator: "")
        case .table: printOut(report.markdown(command: "prefer audit --simulate --seed \(seed)" + (arenas > 1 ? " --arenas \(arenas)" : "")), terminator: "")
        }
    }
}
