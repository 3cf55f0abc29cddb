import ArgumentParser
import Foundation
import PreferCore

/// `prefer simulate`: studies on arenas with known strengths.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulated arenas with known strengths: compare how policies spend votes.",
        subcommands: [SimulateSamplingCommand.self]
    )
}

/// `prefer simulate sampling`: sampling policies side by side.
struct SimulateSamplingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sampling",
        abstract: "Votes each sampling policy needs until every interval is narrow enough (and the top k stands apart), with the coverage at the stop.",
        discussion: """
        Per seed, an arena with true ratings ~ N(1000, spread²), skewed pair popularity and ties likelier \
        between close contenders; per policy, votes are drawn one at a time (active plans refitted every \
        --refit-every votes) until every 95% half-width is ≤ --target-width Elo (sandwich intervals checked \
        every --check-every votes), then bootstrap intervals are compared with the truth.

        Policies: uniform, weighted, active (= active:width), active:lmarena, active:top-k[=K], active:info-gain[=K].

        Examples:
          prefer simulate sampling --contenders 50 --seeds 1-20 --policies uniform,active --target-width 25
          prefer simulate sampling --contenders 50 --seeds 1-10 --policies uniform,active,active:top-k --target-width 25 --top-k 5 --format json
        """
    )

    @Option(help: "Contenders per arena (3–500; 20–100 is typical).") var contenders = 50
    @Option(help: "Standard deviation of the true ratings, Elo.") var spread = 100.0
    @Option(help: ArgumentHelp("Seeds, as A-B or a comma list; one arena per seed.", valueName: "A-B")) var seeds = "1-20"
    @Option(help: ArgumentHelp("Policies to compare, comma-separated.", valueName: "LIST")) var policies = "uniform,active"
    @Option(name: .customLong("target-width"), help: "Target 95% interval half-width, Elo.") var targetWidth = 25.0
    @Option(name: .customLong("top-k"), help: "Also count votes until the true top k is identified with separated intervals (and use k for active:top-k).") var topK: Int?
    @Option(name: .customLong("tie-share"), help: "Share of ties under uniform pairing.") var tieShare = 0.25
    @Option(help: "Warm-up votes drawn by natural pair popularity before the policy starts (default 10 per contender).") var warmup: Int?
    @Option(name: .customLong("refit-every"), help: "Votes between an active policy's refits (default 5 per contender).") var refitEvery: Int?
    @Option(name: .customLong("check-every"), help: "Votes between target checks (default max(25, contenders)).") var checkEvery: Int?
    @Option(name: .customLong("max-votes"), help: "Give up on a run after this many votes (default 4000 per contender).") var maxVotes: Int?
    @Option(help: "Bootstrap rounds for the coverage at the stop.") var rounds = 1000
    @Option(name: .customLong("floor-share"), help: "Active policies: each contender's minimum share of battles, as a fraction of its uniform share.") var floorShare: Double?
    @Option(help: "Active policies: minimum share of uniform draws.") var explore: Double?
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @Option(help: "Output: table or json.") var format: AuditReport.TextFormat = .table
    @Flag(name: .customLong("per-seed"), help: "Keep each run's numbers in the JSON.") var perSeed = false
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    static func parseSeeds(_ text: String) throws -> [UInt64] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let dash = trimmed.firstIndex(of: "-"), dash != trimmed.startIndex {
            guard let a = UInt64(trimmed[..<dash]), let b = UInt64(trimmed[trimmed.index(after: dash)...]), a <= b, b - a < 100_000 else {
                throw ValidationError("--seeds takes A-B with A ≤ B (e.g. 1-20) or a comma list; got \"\(text)\".")
            }
            return Array(a...b)
        }
        let parts = trimmed.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--seeds takes A-B (e.g. 1-20) or a comma list of whole numbers; got \"\(text)\".")
        }
        return parts.map { $0! }
    }

    func study() throws -> SamplingSimulation {
        let seedList = try Self.parseSeeds(seeds)
        var list: [SamplingSimulation.Policy] = []
        for name in policies.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            var policy: SamplingPolicy
            do {
                policy = try SamplingPolicy(parsing: name)
            } catch {
                throw ValidationError("--policies: \(error.message)")
            }
            if case .active(var settings) = policy {
                if let topK, settings.rule == .topK || settings.rule == .informationGain, !name.contains("=") { settings.topK = topK }
                if let floorShare { settings.floorShare = floorShare }
                if let explore { settings.explore = explore }
                policy = .active(settings)
            }
            guard !list.contains(where: { $0.name == name }) else { throw ValidationError("--policies names \(name) twice.") }
            list.append(.init(name: name, policy: policy))
        }
        var study = SamplingSimulation(contenders: contenders, spread: spread, seeds: seedList, policies: list, targetWidth: targetWidth, topK: topK)
        study.tieShare = tieShare
        if let warmup { study.warmupVotes = warmup }
        if let refitEvery { study.refitEvery = refitEvery }
        if let checkEvery { study.checkEvery = checkEvery }
        if let maxVotes { study.maxVotes = maxVotes }
        study.bootstrapRounds = rounds
        study.threads = threads
        do {
            try study.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return study
    }

    func validate() throws {
        _ = try study()
    }

    func run() throws {
        let progress = ProgressLine(quiet: quiet)
        var report = try study().run(progress: progress.counter("simulated run"))
        progress.finish()
        if !perSeed {
            for k in report.policies.indices { report.policies[k].perSeed = nil }
        }
        switch format {
        case .json: printOut(report.jsonText(), terminator: "")
        case .table: printOut(Self.table(report, command: CommandLine.arguments.dropFirst().joined(separator: " ")), terminator: "")
        }
    }

    static func table(_ r: SamplingStudyReport, command: String) -> String {
        func votes(_ e: SamplingStudyReport.Estimate?) -> String {
            guard let e else { return "–" }
            return String(format: "%.0f [%.0f, %.0f]", e.mean, e.lower, e.upper)
        }
        func share(_ e: SamplingStudyReport.Estimate?) -> String {
            guard let e else { return "–" }
            return String(format: "%.1f%% [%.1f, %.1f]", 100 * e.mean, 100 * e.lower, 100 * e.upper)
        }
        func coverage(_ x: Double?) -> String { x.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        let m = r.method
        var out = "\(m.contenders) contenders, spread \(format(m.spread)) Elo, \(m.seeds.count) seeds; target: every 95% half-width ≤ \(format(m.targetWidth)) Elo"
        if let k = m.topK { out += "; top \(k) identified with separated intervals" }
        out += ".\n\n"
        var header = ["Policy", "Votes to target", "Saved vs uniform", "Reached", "Coverage at stop (bootstrap)", "(sandwich)"]
        if m.topK != nil { header += ["Top-k votes", "Top-k saved", "Top-k reached"] }
        var rows: [[String]] = []
        for p in r.policies {
            var row = [p.name, votes(p.votesToTarget), share(p.votesSavedVsUniform), "\(p.reached)/\(p.runs)",
                       coverage(p.coverageAtStop) + (p.coverageInterval.map { String(format: " [%.1f, %.1f]", 100 * $0.lower, 100 * $0.upper) } ?? ""),
                       coverage(p.coverageAtStopSandwich)]
            if m.topK != nil {
                row += [votes(p.topKVotes), share(p.topKVotesSavedVsUniform), "\(p.topKReached ?? 0)/\(p.runs)"]
            }
            rows.append(row)
        }
        var width = header.map(\.count)
        for row in rows { for (k, c) in row.enumerated() { width[k] = max(width[k], c.count) } }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { k, c in c + String(repeating: " ", count: width[k] - c.count) }.joined(separator: " | ") + " |"
        }
        out += line(header) + "\n"
        out += "|" + width.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|\n"
        for row in rows { out += line(row) + "\n" }
        out += "\nMeans over seeds with 95% bootstrap intervals; votes include the \(m.warmupVotes) warm-up votes; a run that never reached a target counts as \(m.maxVotes).\n"
        out += "Command: prefer \(command)\n"
        return out
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
