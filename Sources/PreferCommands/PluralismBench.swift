import ArgumentParser
import Foundation
import PreferCore

/// `prefer bench mixture`: the mixture fit at scale, and its recovery of planted types.
struct MixtureBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mixture",
        abstract: "Time the preference-type mixture on a large planted arena, or measure how well it recovers planted types.",
        discussion: """
        Timing (default): 20,000 annotators × 50 votes = 1M votes over 100 contenders, two planted \
        types (60/40, the strongest 20 contenders' strengths negated in the second); fits T = 1…4 \
        with BIC as `prefer rank --mixture` does, then the observed-information intervals. \
        --write keeps the votes as CSV (voter,model_a,model_b,winner) for bench/mixture_reference.py.

        Recovery (--arenas N): N planted two-type arenas (300 annotators, 20–30 votes each, 12 \
        contenders) and N one-type arenas; reports how often BIC picks the planted T, the share of \
        annotators assigned to their planted type, and the coverage of the 95% intervals.
        """
    )

    @Option(help: "Annotators.") var annotators = 20_000
    @Option(help: "Votes per annotator.") var votesEach = 50
    @Option(help: "Contenders.") var contenders = 100
    @Option(help: "Largest number of types tried.") var maxTypes = 4
    @Option(help: "Random starts per number of types.") var restarts = 10
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Write the generated votes to this CSV file.") var write: String?
    @Option(help: "Run the recovery study on this many arenas of each kind instead of the timing.") var arenas: Int?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() throws {
        if let arenas {
            try recovery(arenas)
            return
        }
        var report: [String: Any] = [:]
        let t0 = Date()
        let arena = PlantedArena.reversedTastes(
            contenders: contenders, annotators: annotators, votesPerAnnotator: votesEach...votesEach,
            reversed: contenders / 5, seed: seed)
        let draw = arena.draw()
        report["generate_s"] = Date().timeIntervalSince(t0)
        if let write {
            var text = "voter,model_a,model_b,winner\n"
            let t = draw.table
            for row in 0..<t.count {
                text += "\(t.voters![row]!),\(t.contenders[Int(t.a[row])]),\(t.contenders[Int(t.b[row])]),\(t.outcomes[row].label)\n"
            }
            try text.write(toFile: write, atomically: true, encoding: .utf8)
        }
        let progress = ProgressLine(quiet: quiet)
        let t1 = Date()
        let data = AnnotatorPairCounts(draw.table)
        report["group_s"] = Date().timeIntervalSince(t1)
        let mixture = BradleyTerryMixture(maxTypes: maxTypes, restarts: restarts, seed: seed, threads: threads)
        var perType: [[String: Any]] = []
        var fits: [MixtureFit] = []
        let t2 = Date()
        for t in 1...maxTypes {
            progress.update("fitting T = \(t)", force: true)
            let start = Date()
            let fit = mixture.fit(data, types: t)
            fits.append(fit)
            let seconds = Date().timeIntervalSince(start)
            perType.append(["types": t, "seconds": seconds, "iterations": fit.iterations,
                            "seconds_per_iteration": seconds / Double(max(fit.iterations, 1)),
                            "converged": fit.converged, "bic": fit.bic])
        }
        let fitSeconds = Date().timeIntervalSince(t2)
        let chosen = fits.min { $0.bic < $1.bic }!
        progress.update("intervals", force: true)
        let t3 = Date()
        let intervals = MixtureInformation().compute(data, fit: chosen)
        let intervalSeconds = Date().timeIntervalSince(t3)
        progress.finish()
        report["fit_s"] = fitSeconds
        report["intervals_s"] = intervalSeconds
        report["total_s"] = fitSeconds + intervalSeconds + (report["group_s"] as! Double)
        report["per_type"] = perType
        report["chosen_types"] = chosen.types
        report["assignment_accuracy"] = Self.accuracy(chosen, draw: draw)
        report["coverage"] = Self.coverage(chosen, lower: intervals.lower, upper: intervals.upper, draw: draw)
        report["votes"] = data.totalVotes
        report["annotators"] = data.voterCount
        report["contenders"] = data.contenderCount
        report["threads"] = threads ?? ProcessInfo.processInfo.activeProcessorCount
        report["seed"] = seed
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }

    func recovery(_ arenas: Int) throws {
        let progress = ProgressLine(quiet: quiet)
        let mixture = BradleyTerryMixture(maxTypes: 3, restarts: restarts, seed: seed, threads: threads)
        var plantedChosen = 0
        var accuracies: [Double] = []
        var inside = 0
        var total = 0
        var oneChosen = 0
        for k in 0..<arenas {
            progress.update("arena \(k + 1) of \(arenas)", force: true)
            let two = PlantedArena.reversedTastes(annotators: 300, votesPerAnnotator: 20...30, seed: seed &+ UInt64(k)).draw()
            let report = try MixtureReport.make(from: two.table, mixture: mixture)
            if report.types == 2 {
                plantedChosen += 1
                let correct = report.voters.filter { two.voterTypes[$0.voter] == $0.type }.count
                accuracies.append(Double(correct) / Double(report.voters.count))
                for (t, type) in report.classes.enumerated() {
                    for c in type.contenders {
                        guard let index = two.table.index(of: c.name) else { continue }
                        let truth = two.trueRatings[t][index]
                        total += 1
                        if c.lower <= truth && truth <= c.upper { inside += 1 }
                    }
                }
            }
            let one = PlantedArena.reversedTastes(annotators: 300, votesPerAnnotator: 20...30, shares: [1],
                                                  seed: seed &+ 10_000 &+ UInt64(k)).draw()
            if try mixture.select(AnnotatorPairCounts(one.table)).chosen.types == 1 { oneChosen += 1 }
        }
        progress.finish()
        let result: [String: Any] = [
            "arenas": arenas,
            "two_types_chosen_share": Double(plantedChosen) / Double(arenas),
            "assignment_accuracy_mean": accuracies.isEmpty ? 0 : accuracies.reduce(0, +) / Double(accuracies.count),
            "assignment_accuracy_min": accuracies.min() ?? 0,
            "interval_coverage": total > 0 ? Double(inside) / Double(total) : 0,
            "one_type_chosen_share": Double(oneChosen) / Double(arenas),
            "design": "12 contenders, 300 annotators with 20-30 votes each; two types 60/40 with the top 4 reversed, or one type",
            "seed": seed,
        ]
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }

    /// The share of annotators whose assigned type is their planted type
    /// (types matched to the planted ones by the closest strengths).
    static func accuracy(_ fit: MixtureFit, draw: PlantedArena.Draw) -> Double {
        let match = matchTypes(fit, draw: draw)
        var correct = 0
        for (u, voter) in fit.voters.enumerated() where match[fit.assignedType(of: u)] == draw.voterTypes[voter] {
            correct += 1
        }
        return Double(correct) / Double(max(fit.voters.count, 1))
    }

    /// For each fitted type, the planted type with the closest ratings (-1 if none left).
    static func matchTypes(_ fit: MixtureFit, draw: PlantedArena.Draw) -> [Int] {
        var used = Set<Int>()
        return fit.ratings.map { ratings in
            let candidates = draw.trueRatings.indices.filter { !used.contains($0) }
            guard let best = candidates.min(by: { distance(ratings, draw.trueRatings[$0], fit, draw) < distance(ratings, draw.trueRatings[$1], fit, draw) }) else { return -1 }
            used.insert(best)
            return best
        }
    }

    static func distance(_ fitted: [Double], _ truth: [Double], _ fit: MixtureFit, _ draw: PlantedArena.Draw) -> Double {
        var d = 0.0
        for (c, name) in fit.contenders.enumerated() {
            guard let k = draw.table.index(of: name) else { continue }
            d += (fitted[c] - truth[k]) * (fitted[c] - truth[k])
        }
        return d
    }

    static func coverage(_ fit: MixtureFit, lower: [[Double]], upper: [[Double]], draw: PlantedArena.Draw) -> Double {
        let match = matchTypes(fit, draw: draw)
        var inside = 0
        var total = 0
        for t in 0..<fit.types where match[t] >= 0 {
            for (c, name) in fit.contenders.enumerated() {
                guard let k = draw.table.index(of: name) else { continue }
                total += 1
                let truth = draw.trueRatings[match[t]][k]
                if lower[t][c] <= truth && truth <= upper[t][c] { inside += 1 }
            }
        }
        return total > 0 ? Double(inside) / Double(total) : 0
    }
}

/// `prefer bench cycles`: the cycle search at scale, and its error rates on planted arenas.
struct CyclesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycles",
        abstract: "Time the cycle analysis on a large arena, or measure false and true discoveries on planted ones.",
        discussion: """
        Timing (default): 200 contenders, about 100 votes per pair (2M votes), one type \
        plus a planted rock–paper–scissors among three (logit 2); times the triangle search, the Hodge \
        decomposition and the held-out blade–chest comparison separately.

        Error rates (--arenas N): N transitive and N rock–paper–scissors arenas (15 contenders, 300 \
        annotators × 30 votes); reports the share of transitive arenas with any reported cycle \
        (it must stay under the FDR) and the share of planted arenas where the planted cycle is found.
        """
    )

    @Option(help: "Contenders.") var contenders = 200
    @Option(help: "Votes.") var votes = 2_000_000
    @Option(help: "Folds of the held-out comparison (0 skips it).") var folds = 5
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Run the error-rate study on this many arenas of each kind instead of the timing.") var arenas: Int?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() throws {
        if let arenas {
            try errorRates(arenas)
            return
        }
        let perAnnotator = 50
        let arena = PlantedArena.rockPaperScissors(
            contenders: contenders, annotators: max(1, votes / perAnnotator),
            votesPerAnnotator: perAnnotator...perAnnotator, strength: 2, seed: seed)
        let t0 = Date()
        let draw = arena.draw()
        let generate = Date().timeIntervalSince(t0)
        let report = try IntransitivityReport.make(
            from: draw.table,
            comparison: folds > 1 ? TransitivityComparison(folds: folds, seed: seed, threads: threads) : nil)
        let planted: Set<String> = Set((0..<3).map(PlantedArena.contenderName))
        let result: [String: Any] = [
            "contenders": report.contenders,
            "votes": report.votes,
            "pairs": report.pairs,
            "generate_s": generate,
            "triangles_s": report.timings?.triangles ?? 0,
            "hodge_s": report.timings?.hodge ?? 0,
            "models_s": report.timings?.models ?? 0,
            "oriented_triangles_tested": report.triangles.tested,
            "significant": report.triangles.significant,
            "planted_found": report.triangles.cycles.contains { Set($0.cycle) == planted },
            "gradient_share": report.hodge.gradientShare,
            "verdict": report.models?.verdict ?? "not tested",
            "threads": threads ?? ProcessInfo.processInfo.activeProcessorCount,
            "seed": seed,
        ]
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }

    func errorRates(_ arenas: Int) throws {
        let progress = ProgressLine(quiet: quiet)
        var falseReports = 0
        var found = 0
        var heldOutBetter = 0
        let planted: Set<String> = Set((0..<3).map(PlantedArena.contenderName))
        for k in 0..<arenas {
            progress.update("arena \(k + 1) of \(arenas)", force: true)
            let transitive = PlantedArena.reversedTastes(contenders: 15, annotators: 300, votesPerAnnotator: 30...30,
                                                         shares: [1], seed: seed &+ UInt64(k)).draw()
            if CycleSearch().run(PairCounts(transitive.table)).significant > 0 { falseReports += 1 }
            let rps = PlantedArena.rockPaperScissors(contenders: 15, annotators: 300, seed: seed &+ 50_000 &+ UInt64(k)).draw()
            let report = try IntransitivityReport.make(from: rps.table, comparison: TransitivityComparison(folds: folds, seed: seed, threads: threads))
            if report.triangles.cycles.contains(where: { Set($0.cycle) == planted }) { found += 1 }
            if report.models?.verdict == "cycles predict held-out votes better" { heldOutBetter += 1 }
        }
        progress.finish()
        let result: [String: Any] = [
            "arenas": arenas,
            "transitive_with_any_cycle_share": Double(falseReports) / Double(arenas),
            "planted_cycle_found_share": Double(found) / Double(arenas),
            "blade_chest_better_share": Double(heldOutBetter) / Double(arenas),
            "fdr": 0.05,
            "design": "15 contenders, 300 annotators x 30 votes; rock-paper-scissors among three equal contenders with logit 1.2",
            "seed": seed,
        ]
        printOut(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
    }
}
