import ArgumentParser
import Foundation
import PreferCore
import PreferJudge
import PreferStore

/// `prefer judge route-sim --arena A --judge J` (or `--file`, or `--simulate`)
struct JudgeRouteSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route-sim",
        abstract: "Simulate hybrid routing (people where the judge is likely to disagree, the judge elsewhere) against random routing.",
        discussion: """
        On battles that have both a human and a judge verdict: for human budgets 0–100%, the agreement of the \
        hybrid labels with the all-human labels and the hybrid leaderboard's distance from the human one (mean \
        absolute rating difference, Elo), for the learnt router (with a random audit share) and for random routing, \
        with bootstrap intervals. The router's risk for each battle is learnt on the other folds (cross-fitting).

        Sources: an arena and judge in the database; a JSONL file of battles {"first", "second", "human": \
        "a"|"b"|"tie", "judge": …, "strength"?, "consistent"?, "category"?, "first_length"?, "second_length"?}; \
        or --simulate (a realistic simulated arena whose judge errs more on some categories and length gaps).

        Examples:
          prefer judge route-sim --arena demo --judge local
          prefer judge route-sim --simulate --battles 3000 --seed 1
        """
    )

    @Option(help: "The arena.") var arena: String?
    @Option(help: "The judge.") var judge: String?
    @Option(help: "A JSONL file of battles with both verdicts.") var file: String?
    @Flag(help: "Use a simulated arena.") var simulate = false
    @Option(help: "Battles of the simulated arena.") var battles = 3000
    @Option(help: "Contenders of the simulated arena.") var contenders = 12
    @Option(help: "Random audit share within the budget.") var audit = 0.05
    @Option(help: "Bootstrap rounds.") var rounds = 200
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Output: table or json.") var format: AuditReport.TextFormat = .table
    @Option(help: "Database (default prefer.sqlite; PREFER_DATABASE_URL works too).") var database: String?

    func validate() throws {
        let sources = [arena != nil || judge != nil, file != nil, simulate].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("Choose one source: --arena A --judge J, --file BATTLES.jsonl, or --simulate.") }
        if arena != nil || judge != nil, arena == nil || judge == nil { throw ValidationError("--arena and --judge go together.") }
        guard audit >= 0, audit <= 1 else { throw ValidationError("--audit must be 0–1.") }
    }

    func run() async throws {
        let judged: [JudgedBattle]
        var source: String
        if simulate {
            judged = JudgeArenaSimulation(contenders: contenders, battles: battles, seed: seed).draw().battles
            source = "simulated arena (\(contenders) contenders, \(battles) battles, seed \(seed))"
        } else if let file {
            judged = try Self.read(file)
            source = file
        } else {
            let (arena, judge) = (self.arena!, self.judge!)
            judged = try await JudgeStoreOpener.with(database) { store in
                let j = try await JudgeStoreOpener.judge(judge, in: store)
                let a = try await JudgeStoreOpener.arena(arena, in: store)
                return try await JudgeAgreementService(store: store).material(arena: a, judge: j).battles
            }
            source = "arena \"\(arena)\", judge \"\(judge)\""
        }
        let overall = judged.filter { $0.criterion == nil }
        guard overall.count >= 20 else {
            throw CommandError("\(source) has \(overall.count) battles with both a human and a judge verdict; routing needs at least 20 to learn from.")
        }
        let report = RoutingSimulation(auditShare: audit, rounds: rounds, seed: seed).run(overall)
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            printOut(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .table:
            printOut("Hybrid routing on \(source): \(report.battles) battles; the judge alone agrees with people on "
                + JudgeAgreementCommand.percent(report.judgeAgreement) + "; audit share \(JudgeAgreementCommand.percent(report.auditShare)).")
            printOut(Self.table(report))
        }
    }

    static func table(_ report: RoutingSimulation.Report) -> String {
        func i(_ x: JudgeAgreement.Interval, _ f: (Double?) -> String) -> String { JudgeAgreementCommand.interval(x, f) }
        let elo: (Double?) -> String = { $0.map { String(format: "%.1f", $0) } ?? "–" }
        let points: (Double?) -> String = { $0.map { String(format: "%+.1f", 100 * $0) } ?? "–" }
        var rows = [["Human share", "Agreement, learnt router", "Agreement, random", "Gain (points)", "Distance (Elo), learnt", "Distance (Elo), random"]]
        for row in report.rows {
            rows.append([
                String(format: "%.0f%%", 100 * row.humanShare), i(row.learntAgreement, JudgeAgreementCommand.percent),
                i(row.randomAgreement, JudgeAgreementCommand.percent), i(row.agreementGain, points), i(row.learntDistance, elo),
                i(row.randomDistance, elo),
            ])
        }
        return JudgeAgreementCommand.render(rows)
    }

    struct Row: Decodable {
        var first: String
        var second: String
        var human: PairJudgement.Winner
        var judge: PairJudgement.Winner
        var strength: Int?
        var consistent: Bool?
        var category: String?
        var firstLength: Int?
        var secondLength: Int?

        enum CodingKeys: String, CodingKey {
            case first, second, human, judge, strength, consistent, category
            case firstLength = "first_length"
            case secondLength = "second_length"
        }
    }

    static func read(_ path: String) throws -> [JudgedBattle] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read \(path).") }
        var out: [JudgedBattle] = []
        let decoder = JSONDecoder()
        for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            do {
                let row = try decoder.decode(Row.self, from: Data(line))
                out.append(JudgedBattle(
                    first: row.first, second: row.second, human: row.human, judge: row.judge,
                    judgeStrength: row.strength ?? (row.judge == .tie ? 0 : 1), judgeConsistent: row.consistent,
                    category: row.category, firstLength: row.firstLength, secondLength: row.secondLength))
            } catch {
                throw CommandError("\(path):\(index + 1): not a battle with first, second, human and judge (\"a\", \"b\" or \"tie\"): \(error)")
            }
        }
        return out
    }
}
