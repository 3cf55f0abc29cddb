import ArgumentParser
import Foundation
import PreferCore

/// `prefer bench`: measurements that belong in benchmarks, not in tests.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: the rating engine on a synthetic arena, interval coverage, Plackett–Luce against choix, …",
        subcommands: [
            RankBench.self, CoverageBench.self, ServeBench.self, JudgeBench.self, StyleControlBench.self,
            DriversBench.self, SlicesBench.self, MixtureBench.self, CyclesBench.self, PlackettLuceBench.self,
        ],
        defaultSubcommand: RankBench.self
    )
}

/// Times each step of `prefer rank` on a generated arena and prints JSON.
struct RankBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Generate a synthetic arena and time parse, aggregation, fit, bootstrap and online Elo.",
        discussion: """
        The arena follows the reference generator's model (skewed pair popularity with hot pairs, \
        ties likelier between close contenders, a share of them "both bad"). --write keeps the \
        generated votes as JSONL so that other tools can be timed on the very same file.
        """
    )

    @Option(help: "Number of contenders.") var contenders = 100
    @Option(help: "Number of votes.") var votes = 1_000_000
    @Option(help: "Bootstrap rounds.") var rounds = 1000
    @Option(help: "Seed of the generated arena and of the bootstrap.") var seed: UInt64 = 1
    @Option(help: "Share of votes that are ties (either kind).") var tieShare = 0.25
    @Option(help: "Share of ties labelled \"both bad\".") var bothBadShare = 0.4
    @Option(help: "Write the generated votes to this JSONL file (and its true ratings to FILE.truth.json).")
    var write: String?
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Repeat the timed steps and report the fastest of N runs.") var repeats = 1

    func run() throws {
        var report: [String: Any] = [:]
        let t0 = Date()
        let draw = SyntheticArena(contenders: contenders, votes: votes, seed: seed).withShares(tie: tieShare, bothBad: bothBadShare).draw()
        report["generate_s"] = Date().timeIntervalSince(t0)
        let text = Self.jsonLines(draw.table)
        report["jsonl_mb"] = Double(text.count) / 1_000_000
        if let write {
            try text.write(to: URL(fileURLWithPath: write))
            let truth = Dictionary(uniqueKeysWithValues: zip(draw.table.contenders, draw.trueRatings))
            let data = try JSONSerialization.data(withJSONObject: ["true_elo": truth, "contenders": contenders, "votes": votes, "seed": seed], options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: write + ".truth.json"))
        }
        var best: [String: Double] = [:]
        var summary: [String: Any] = [:]
        for _ in 0..<max(1, repeats) {
            var times: [String: Double] = [:]
            var parseOptions = VoteParseOptions()
            parseOptions.threads = threads
            let start = Date()
            let parsed = try text.withUnsafeBytes { try VoteParser.parse($0, source: "generated.jsonl", options: parseOptions) }
            times["parse"] = Date().timeIntervalSince(start)
            var options = LeaderboardOptions(intervals: rounds > 1 ? .bootstrap(rounds: rounds, seed: seed) : .none, onlineElo: OnlineElo())
            options.threads = threads
            var timings = LeaderboardBuilder.Timings()
            let board = try LeaderboardBuilder(options: options).build(parsed.table, timings: &timings)
            times["aggregate"] = timings.aggregate
            times["fit"] = timings.fit
            times["bootstrap"] = timings.intervals
            times["online_elo"] = timings.elo
            times["total"] = times.values.reduce(0, +)
            for (k, v) in times { best[k] = min(best[k] ?? .infinity, v) }
            summary = [
                "fit_iterations": board.method.iterations,
                "gradient_norm": board.method.gradientNorm,
                "bootstrap_mean_iterations": board.method.bootstrapMeanIterations ?? 0,
                "bootstrap_full_fit_rounds": board.method.bootstrapFullFitRounds ?? 0,
                "max_abs_error_vs_truth": Self.maxError(board, truth: draw),
            ]
        }
        report["times_s"] = best
        report["parse_mb_per_s"] = (report["jsonl_mb"] as! Double) / best["parse"]!
        report["bootstrap_ms_per_round"] = rounds > 1 ? 1000 * best["bootstrap"]! / Double(rounds) : 0
        report["votes"] = votes
        report["contenders"] = contenders
        report["rounds"] = rounds
        report["threads"] = threads ?? ProcessInfo.processInfo.activeProcessorCount
        report["seed"] = seed
        report["info"] = summary
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        printOut(String(decoding: data, as: UTF8.self))
    }

    static func maxError(_ board: Leaderboard, truth: SyntheticArena.Draw) -> Double {
        let names = truth.table.contenders
        let trueMean = truth.trueRatings.reduce(0, +) / Double(names.count)
        let fitMean = board.contenders.reduce(0) { $0 + $1.rating } / Double(board.contenders.count)
        var worst = 0.0
        for (k, name) in names.enumerated() {
            guard let e = board.entry(named: name) else { continue }
            worst = max(worst, Swift.abs((e.rating - fitMean) - (truth.trueRatings[k] - trueMean)))
        }
        return worst
    }

    /// LMArena-style JSONL, one vote per line.
    static func jsonLines(_ table: VoteTable) -> Data {
        let prefix = table.contenders.map { Array("{\"model_a\":\"\($0)\",\"model_b\":\"".utf8) }
        let names = table.contenders.map { Array($0.utf8) }
        let suffix = Outcome.allCases.map { Array("\",\"winner\":\"\($0.label)\"}\n".utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(table.count * 100)
        for row in 0..<table.count {
            bytes.append(contentsOf: prefix[Int(table.a[row])])
            bytes.append(contentsOf: names[Int(table.b[row])])
            bytes.append(contentsOf: suffix[Int(table.outcomes[row].rawValue)])
        }
        return Data(bytes)
    }
}

/// Measures how often nominal intervals cover the true ratings.
struct CoverageBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Draw arenas from known ratings and report how often the intervals cover the truth."
    )

    @Option(help: "Number of simulated arenas.") var arenas = 200
    @Option(help: "Contenders per arena.") var contenders = 10
    @Option(help: "Votes per arena.") var votes = 2000
    @Option(help: "Bootstrap rounds per arena.") var rounds = 500
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Nominal coverage.") var level = 0.95
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        var study = CoverageStudy(arenas: arenas, contenders: contenders, votes: votes, rounds: rounds, seed: seed)
        study.level = level
        let result = study.run(progress: progress.counter("arena"))
        progress.finish()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var object = try JSONSerialization.jsonObject(with: encoder.encode(result)) as! [String: Any]
        object["level"] = level
        object["arenas"] = arenas
        object["contenders"] = contenders
        object["votes"] = votes
        object["rounds"] = rounds
        object["seed"] = seed
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }
}
