import Foundation

/// What `FraudSimulation.run()` measured: per fraud kind and overall, the
/// audit's recall, the oracle's recall at the same false-flag rate and
/// LMArena's sequential test's; the false flags among honest voters; and
/// where the boosted contender's rating ended up with and without the audit.
public struct FraudStudyReport: Sendable, Codable {
    public struct KindRow: Sendable, Codable {
        public var kind: String
        public var planted: Int
        public var flagged: Int
        public var recall: Double
        public var oracleRecall: Double
        /// The oracle held to the audit's false-flag count in each arena
        /// separately, as an audit that runs per arena is.
        public var oracleRecallPerArena: Double
        public var lmarenaRecall: Double

        enum CodingKeys: String, CodingKey {
            case kind, planted, flagged, recall
            case oracleRecall = "oracle_recall"
            case oracleRecallPerArena = "oracle_recall_per_arena"
            case lmarenaRecall = "lmarena_recall"
        }
    }

    public struct Boosted: Sendable, Codable {
        public var arena: Int
        public var contender: String
        /// True rating, centred like the fits (mean of all contenders 1000).
        public var truth: Double
        public var allVotes: Double
        public var audited: Double
        public var auditedLower: Double
        public var auditedUpper: Double
        public var honestOnly: Double
        public var withinInterval: Bool

        enum CodingKeys: String, CodingKey {
            case arena, contender, truth
            case allVotes = "all_votes"
            case audited
            case auditedLower = "audited_lower"
            case auditedUpper = "audited_upper"
            case honestOnly = "honest_only"
            case withinInterval = "within_interval"
        }
    }

    public var seed: UInt64
    public var arenas: Int
    public var contenders: Int
    public var votesPerVoter: Int
    public var honestVoters: Int
    public var falseFlags: Int
    public var falseFlagRate: Double
    public var lmarenaFalseFlags: Int
    public var lmarenaFalseFlagRate: Double
    public var kinds: [KindRow]
    public var overall: KindRow
    public var boosted: [Boosted]
    public var bootstrapRounds: Int
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case seed, arenas, contenders
        case votesPerVoter = "votes_per_voter"
        case honestVoters = "honest_voters"
        case falseFlags = "false_flags"
        case falseFlagRate = "false_flag_rate"
        case lmarenaFalseFlags = "lmarena_false_flags"
        case lmarenaFalseFlagRate = "lmarena_false_flag_rate"
        case kinds, overall, boosted
        case bootstrapRounds = "bootstrap_rounds"
        case seconds
    }

    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Markdown tables, as pasted into the README.
    public func markdown(command: String) -> String {
        func pct(_ x: Double) -> String { fixed(100 * x, 1) + "%" }
        var out = "`\(command)` — \(arenas) arena\(arenas == 1 ? "" : "s") × \(contenders) contenders, "
        out += "\(honestVoters / max(arenas, 1)) honest voters + \(overall.planted / max(arenas, 1)) planted, \(votesPerVoter) votes each.\n\n"
        var rows: [[String]] = []
        for k in kinds + [overall] {
            rows.append([
                k.kind == "overall" ? "**all planted**" : k.kind.replacingOccurrences(of: "_", with: " "),
                String(k.planted), pct(k.recall), pct(k.oracleRecall), fixed(100 * (k.recall - k.oracleRecall), 1),
                pct(k.oracleRecallPerArena), fixed(100 * (k.recall - k.oracleRecallPerArena), 1), pct(k.lmarenaRecall),
            ])
        }
        rows.append([
            "honest (false flags)", String(honestVoters), "\(falseFlags) = \(fixed(100 * falseFlagRate, 2))%",
            "\(falseFlags) (same rate by construction)", "", "\(falseFlags) (same count in each arena)", "",
            "\(lmarenaFalseFlags) = \(fixed(100 * lmarenaFalseFlagRate, 2))%",
        ])
        out += markdownTable(
            [
                "voters", "planted", "audit recall", "oracle recall at the audit's false-flag rate, arenas pooled",
                "audit − oracle (points)", "oracle recall at the audit's false flags in each arena",
                "audit − oracle (points)", "LMArena sequential test",
            ],
            rows, right: [1, 2, 3, 4, 5, 6, 7])
        out += "\nBoosted contender (rating on the Elo scale, centred on 1000; interval: 95% bootstrap, \(bootstrapRounds) rounds, of the audited votes):\n\n"
        var boostRows: [[String]] = []
        for b in boosted {
            boostRows.append([
                String(b.arena), b.contender, fixed(b.truth, 1),
                "\(fixed(b.allVotes, 1)) (\(signed(b.allVotes - b.truth)))",
                "\(fixed(b.audited, 1)) (\(signed(b.audited - b.truth)))",
                "\(fixed(b.auditedLower, 1))–\(fixed(b.auditedUpper, 1))",
                b.withinInterval ? "yes" : "**no**",
                "\(fixed(b.honestOnly, 1)) (\(signed(b.honestOnly - b.truth)))",
            ])
        }
        out += markdownTable(
            ["arena", "contender", "true rating", "all votes (moved)", "after audit (moved)", "after-audit 95% interval", "truth inside", "honest voters only"],
            boostRows, right: [0, 2, 3, 4, 5, 7])
        out += "\n(\(fixed(seconds, 1)) s.)\n"
        return out
    }

    func signed(_ x: Double) -> String { (x >= 0 ? "+" : "−") + fixed(Swift.abs(x), 1) }
}

extension FraudSimulation {
    /// Draws `arenas` arenas, audits each, and pools the counts.
    public func run() throws -> FraudStudyReport {
        let clock = ContinuousClock()
        let started = clock.now
        var planted: [Kind: Int] = [:]
        var caught: [Kind: Int] = [:]
        var lmarenaCaught: [Kind: Int] = [:]
        var honestScores: [Double] = []
        var badScores: [(kind: Kind, score: Double)] = []
        var falseFlags = 0
        var perArenaCaught: [Kind: Int] = [:]
        var lmarenaFalse = 0
        var honest = 0
        var boosted: [FraudStudyReport.Boosted] = []
        let oracle = LikelihoodRatioOracle(simulation: self)
        for index in 0..<arenas {
            let arena = draw(arena: index)
            let result = try VoteAudit(options: options).run(arena.table, inputs: arena.inputs)
            let names = arena.table.voters!.values
            let scores = oracle.scores(arena)
            var arenaHonest: [Double] = []
            var arenaBad: [(kind: Kind, score: Double)] = []
            var arenaFalseFlags = 0
            var byName: [String: AuditReport.Voter] = [:]
            for v in result.report.voters { byName[v.voter] = v }
            for (v, kind) in arena.kinds.enumerated() {
                let report = byName[names[v]]
                let flagged = report?.flagged ?? false
                let lmarena = report?.scores.sequential.lmarenaFlag ?? false
                if kind == .honest {
                    honest += 1
                    honestScores.append(scores[v])
                    arenaHonest.append(scores[v])
                    if flagged {
                        falseFlags += 1
                        arenaFalseFlags += 1
                    }
                    if lmarena { lmarenaFalse += 1 }
                } else {
                    planted[kind, default: 0] += 1
                    badScores.append((kind, scores[v]))
                    arenaBad.append((kind, scores[v]))
                    if flagged { caught[kind, default: 0] += 1 }
                    if lmarena { lmarenaCaught[kind, default: 0] += 1 }
                }
            }
            for (kind, caught) in Self.oracleCatches(honest: arenaHonest, bad: arenaBad, falseFlags: arenaFalseFlags) {
                perArenaCaught[kind, default: 0] += caught
            }
            boosted.append(try boostedRating(arena, keep: result.keep, arena: index))
        }
        let oracleCaught = Self.oracleCatches(honest: honestScores, bad: badScores, falseFlags: falseFlags)

        func row(_ name: String, _ kinds: [Kind]) -> FraudStudyReport.KindRow {
            let p = kinds.reduce(0) { $0 + (planted[$1] ?? 0) }
            let share = { (counts: [Kind: Int]) in
                p > 0 ? Double(kinds.reduce(0) { $0 + (counts[$1] ?? 0) }) / Double(p) : 0
            }
            return FraudStudyReport.KindRow(
                kind: name, planted: p, flagged: kinds.reduce(0) { $0 + (caught[$1] ?? 0) },
                recall: share(caught), oracleRecall: share(oracleCaught), oracleRecallPerArena: share(perArenaCaught),
                lmarenaRecall: share(lmarenaCaught))
        }
        let elapsed = clock.now - started
        return FraudStudyReport(
            seed: seed, arenas: arenas, contenders: contenders, votesPerVoter: votesPerVoter,
            honestVoters: honest, falseFlags: falseFlags,
            falseFlagRate: honest > 0 ? Double(falseFlags) / Double(honest) : 0,
            lmarenaFalseFlags: lmarenaFalse, lmarenaFalseFlagRate: honest > 0 ? Double(lmarenaFalse) / Double(honest) : 0,
            kinds: badKinds.map { row($0.rawValue, [$0]) }, overall: row("overall", badKinds), boosted: boosted,
            bootstrapRounds: bootstrapRounds, seconds: elapsed.inSeconds)
    }

    /// The bad voters the oracle catches, by kind, when it flags exactly
    /// `falseFlags` of the honest voters: those scoring above the honest
    /// score ranked `falseFlags + 1`.
    static func oracleCatches(honest: [Double], bad: [(kind: Kind, score: Double)], falseFlags: Int) -> [Kind: Int] {
        let sorted = honest.sorted(by: >)
        let threshold = falseFlags < sorted.count ? sorted[falseFlags] : -.infinity
        var caught: [Kind: Int] = [:]
        for (kind, score) in bad where score > threshold { caught[kind, default: 0] += 1 }
        return caught
    }

    /// The target's rating fitted on all votes, on the audited votes (with a
    /// bootstrap interval) and on the honest voters' votes alone.
    func boostedRating(_ arena: Arena, keep: [Bool], arena index: Int) throws -> FraudStudyReport.Boosted {
        let table = arena.table
        let name = table.contenders[arena.target]
        let eloPerNat = BradleyTerry().eloPerNat
        let truth = 1000 + eloPerNat * arena.theta[arena.target]
        func rating(_ t: VoteTable) throws -> Double {
            try LeaderboardBuilder().build(t).entry(named: name)?.rating ?? .nan
        }
        let codes = table.voters!.codes
        let honestOnly = table.filtered(codes.map { arena.kinds[Int($0)] == .honest })
        let audited = table.filtered(keep)
        let options = LeaderboardOptions(intervals: .bootstrap(rounds: bootstrapRounds, seed: seed &+ UInt64(index)))
        let board = try LeaderboardBuilder(options: options).build(audited)
        guard let entry = board.entry(named: name) else { throw RatingError.invalidOption("the boosted contender \(name) has no votes left after the audit") }
        return FraudStudyReport.Boosted(
            arena: index + 1, contender: name, truth: truth, allVotes: try rating(table), audited: entry.rating,
            auditedLower: entry.lower, auditedUpper: entry.upper, honestOnly: try rating(honestOnly),
            withinInterval: entry.lower <= truth && truth <= entry.upper)
    }
}
