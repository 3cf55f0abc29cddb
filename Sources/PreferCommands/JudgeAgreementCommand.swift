import ArgumentParser
import Foundation
import PreferCore
import PreferJudge
import PreferStore

/// `prefer judge agreement --arena A --judge J`
struct JudgeAgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "How well a judge agrees with people in an arena, its leaderboard against theirs, its biases, whether it is validated.",
        discussion: """
        On the battles people voted on that the judge also judged (run it with --on-human-battles): agreement \
        with and without ties, Cohen's κ and the confusion matrix, per category and per criterion, with bootstrap \
        intervals; Spearman's ρ and Kendall's τ between the judge's and the people's leaderboards and the contenders \
        that move beyond their rank intervals; position bias and verbosity bias.

        Example:
          prefer judge agreement --arena demo --judge local --format json
        """
    )

    @Option(help: "The arena.") var arena: String
    @Option(help: "The judge.") var judge: String
    @Option(help: "Bootstrap rounds.") var rounds = 1000
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 42
    @Option(help: "Output: table or json.") var format: AuditReport.TextFormat = .table
    @Option(help: "Database (default prefer.sqlite; PREFER_DATABASE_URL works too).") var database: String?

    func run() async throws {
        let report = try await JudgeStoreOpener.with(database) { store in
            let judge = try await JudgeStoreOpener.judge(self.judge, in: store)
            let arena = try await JudgeStoreOpener.arena(self.arena, in: store)
            return try await JudgeAgreementService(store: store).report(arena: arena, judge: judge, rounds: rounds, seed: seed)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            printOut(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .table:
            printOut(Self.table(report), terminator: "")
        }
    }

    static func percent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
    static func number(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
    static func interval(_ i: JudgeAgreement.Interval, _ f: (Double?) -> String) -> String {
        i.estimate == nil ? "–" : "\(f(i.estimate)) [\(f(i.lower)), \(f(i.upper))]"
    }

    static func table(_ r: JudgeAgreementService.Report) -> String {
        var out = "Judge \"\(r.judge)\" against people in arena \"\(r.arena)\": \(r.humanVotes) human votes, \(r.judgeVotes) judge votes.\n"
        let o = r.agreement.overall
        if o.battles == 0 {
            out += "No battle has both a human and a judge verdict. Run the judge on the people's battles:\n"
            out += "  prefer judge run --arena \(r.arena) --judge \(r.judge) --on-human-battles\n"
            return out
        }
        func rows(_ name: String, _ m: JudgeAgreement.Measures) -> [String] {
            [name, String(m.battles), interval(m.withTies, percent), interval(m.withoutTies, percent) + " on \(m.decisiveBattles)", interval(m.kappa, number)]
        }
        var table = [["", "Battles", "Agreement (with ties)", "Agreement (without ties)", "Cohen's κ"], rows("overall", o)]
        for (name, m) in r.agreement.categories.sorted(by: { $0.key < $1.key }) { table.append(rows("category " + name, m)) }
        for (name, m) in r.agreement.criteria.sorted(by: { $0.key < $1.key }) { table.append(rows("criterion " + name, m)) }
        out += "\n" + Self.render(table) + "\n"
        out += "Confusion matrix (rows: people, columns: the judge; first wins, second wins, tie):\n"
        for (label, row) in zip(JudgedBattle.labels, o.confusion) {
            out += "  " + label.padding(toLength: 12, withPad: " ", startingAt: 0) + row.map { String($0).leftPadded(6) }.joined() + "\n"
        }
        if let board = r.leaderboard {
            out += "\nLeaderboards (\(board.contenders) contenders): Spearman ρ \(interval(board.spearman, number)), Kendall τ \(interval(board.kendall, number)).\n"
            let moved = board.moved
            out += moved.isEmpty ? "No contender moves beyond its rank interval.\n" : "Beyond their rank intervals on the judge's board: \(moved.joined(separator: ", ")).\n"
            var ranks = [["Contender", "Human rank", "Interval", "Judge rank", "Human rating", "Judge rating"]]
            for s in board.shifts {
                ranks.append([
                    s.name + (s.moved ? " *" : ""), String(s.humanRank),
                    "\(s.humanRankLower.map(String.init) ?? "–")–\(s.humanRankUpper.map(String.init) ?? "–")", String(s.judgeRank),
                    String(format: "%.0f", s.humanRating), String(format: "%.0f", s.judgeRating),
                ])
            }
            out += Self.render(ranks) + "\n"
        }
        let p = r.position
        out += "\nPosition bias: \(interval(p.firstShare, percent)) of decisive single-order verdicts for the output shown first (\(p.first) first, \(p.second) second, \(p.ties) ties; 50% is unbiased).\n"
        if let consistency = r.positionConsistency { out += "Position consistency: \(percent(consistency)) of pairs got the same verdict in both orders.\n" }
        let v = r.verbosity
        out += "Verbosity bias: on \(v.battles) battles where both picked a winner and lengths differ, the judge picked the longer output \(percent(v.judgeLongerShare)), people \(percent(v.humanLongerShare)): difference \(interval(v.difference, percent)).\n"
        if let validation = r.validation {
            out += "\nValidation: \(validation.validated ? "VALIDATED" : "not validated") — \(validation.reason).\n"
        } else {
            out += "\nValidation: no rule set for this arena (prefer judge validate --arena \(r.arena) --judge \(r.judge) --threshold 0.7 --min-battles 100).\n"
        }
        return out
    }

    static func render(_ rows: [[String]]) -> String {
        var width = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for row in rows { for (k, cell) in row.enumerated() { width[k] = max(width[k], cell.count) } }
        return rows.map { row in
            row.enumerated().map { k, cell in k == 0 ? cell.padding(toLength: width[k], withPad: " ", startingAt: 0) : cell.leftPadded(width[k]) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// `prefer judge validate --arena A --judge J --threshold T --min-battles N`
struct JudgeValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Set when a judge counts as validated in an arena: its agreement's lower bound reaches --threshold on at least --min-battles battles.",
        discussion: "Agreement here is without ties (battles where both picked a winner), its lower bound the bootstrap 2.5th percentile."
    )

    @Option(help: "The arena.") var arena: String
    @Option(help: "The judge.") var judge: String
    @Option(help: "Least lower bound of the agreement (0–1).") var threshold: Double
    @Option(help: "Least number of battles with decisive verdicts from both.") var minBattles: Int
    @Option(help: "Database (default prefer.sqlite; PREFER_DATABASE_URL works too).") var database: String?

    func run() async throws {
        let verdict = try await JudgeStoreOpener.with(database) { store in
            let judge = try await JudgeStoreOpener.judge(self.judge, in: store)
            let arena = try await JudgeStoreOpener.arena(self.arena, in: store)
            try await store.setJudgeValidationRule(JudgeValidationRule(arenaId: arena.id, judgeId: judge.id, threshold: threshold, minBattles: minBattles))
            return try await JudgeAgreementService(store: store).report(arena: arena, judge: judge, rounds: 1000).validation
        }
        if let verdict { print("\(verdict.validated ? "validated" : "not validated"): \(verdict.reason)") }
    }
}
