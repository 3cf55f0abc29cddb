import Foundation
import PreferCore
import PreferStore

/// The agreement report of a judge in an arena, from the store: the battles
/// people voted on that the judge also judged (same prompt and pair), turned
/// into `JudgedBattle`s, and every measure of `prefer judge agreement` (and
/// of the API/page, at integration).
public struct JudgeAgreementService: Sendable {
    public let store: any JudgeStore

    public init(store: any JudgeStore) {
        self.store = store
    }

    public struct Report: Sendable, Codable {
        public var arena: String
        public var judge: String
        public var humanVotes: Int
        public var judgeVotes: Int
        public var agreement: JudgeAgreement.Report
        public var leaderboard: LeaderboardAgreement.Report?
        public var position: JudgeBias.PositionBias
        public var verbosity: JudgeBias.VerbosityBias
        /// Share of the judge's pairs whose two orders agreed.
        public var positionConsistency: Double?
        public var validation: JudgeValidation.Verdict?

        enum CodingKeys: String, CodingKey {
            case arena, judge
            case humanVotes = "human_votes"
            case judgeVotes = "judge_votes"
            case agreement, leaderboard
            case position = "position_bias"
            case verbosity = "verbosity_bias"
            case positionConsistency = "position_consistency"
            case validation
        }
    }

    /// What the report is made from.
    public struct Material: Sendable {
        public var battles: [JudgedBattle]
        public var humanTable: VoteTable
        public var judgeTable: VoteTable
        public var humanVotes: Int
        public var judgeVotes: Int
        /// Single-order verdicts for the first-shown output, the second, and ties.
        public var firstShown: Int
        public var secondShown: Int
        public var tiesShown: Int
        public var consistent: Int
        public var inconsistent: Int
    }

    /// Gathers the battles with both verdicts, the two vote sets, and the judge's per-order verdicts.
    public func material(arena: Arena, judge: StoredJudge) async throws -> Material {
        let contenders = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena.id).map { ($0.id, $0.name) })
        let prompts = Dictionary(uniqueKeysWithValues: try await store.prompts(arena: arena.id).map { ($0.id, $0) })
        var lengths: [String: Int] = [:]
        for output in try await store.outputs(arena: arena.id) { lengths["\(output.promptId):\(output.contenderId)"] = output.content.count }
        var human: [StoredVote] = []
        var judgeVotes: [String: StoredVote] = [:]
        var after: Int64?
        while true {
            let page = try await store.votes(arena: arena.id, after: after, limit: 10_000)
            for vote in page {
                if vote.source == .judge {
                    if vote.voter == judge.voter, let battle = vote.battle { judgeVotes[battle] = vote }
                } else {
                    human.append(vote)
                }
            }
            guard let last = page.last else { break }
            after = last.id
        }
        // The judge's results per item (strength, consistency, per-order verdicts), newest run last.
        var results: [String: JudgementResult] = [:]
        var material = Material(
            battles: [], humanTable: VoteTable(), judgeTable: VoteTable(), humanVotes: human.count, judgeVotes: judgeVotes.count,
            firstShown: 0, secondShown: 0, tiesShown: 0, consistent: 0, inconsistent: 0)
        let decoder = JSONDecoder()
        var seenItems = Set<String>()
        for run in try await store.judgeRuns(arenaId: arena.id, judgeId: judge.id) {
            for item in try await store.judgeItems(runId: run.id) where item.status == .done {
                guard let text = item.result, let result = try? decoder.decode(JudgementResult.self, from: Data(text.utf8)) else { continue }
                // Runs come newest first: an item judged again keeps its newest result.
                guard seenItems.insert(item.itemKey).inserted else { continue }
                if item.contenders.count == 2 { results[item.itemKey] = result }
                for label in result.verdicts {
                    switch label.flatMap(PairVerdict.init(rawValue:))?.signedStrength {
                    case let s? where s > 0: material.firstShown += 1
                    case let s? where s < 0: material.secondShown += 1
                    case 0?: material.tiesShown += 1
                    default: break
                    }
                }
                switch result.consistent {
                case true?: material.consistent += 1
                case false?: material.inconsistent += 1
                case nil: break
                }
            }
        }
        func name(_ id: Int64) -> String { contenders[id] ?? "contender \(id)" }
        func winner(_ choice: Choice) -> PairJudgement.Winner {
            switch choice {
            case .left: .a
            case .right: .b
            case .tie, .bothBad: .tie
            }
        }
        for vote in human {
            guard let prompt = vote.promptId else { continue }
            let (lo, hi) = vote.leftContenderId < vote.rightContenderId
                ? (vote.leftContenderId, vote.rightContenderId) : (vote.rightContenderId, vote.leftContenderId)
            guard let judged = judgeVotes[JudgeBattle.id(judge: judge.id, prompt: prompt, left: lo, right: hi)] else { continue }
            // The judge's vote has the smaller contender id on the left; orient it as the person saw the battle.
            let flip = judged.leftContenderId != vote.leftContenderId
            func oriented(_ choice: Choice) -> PairJudgement.Winner {
                let w = winner(choice)
                return flip ? (w == .a ? .b : (w == .b ? .a : .tie)) : w
            }
            let result = results["p\(prompt):\(lo):\(hi)"]
            let base = JudgedBattle(
                first: name(vote.leftContenderId), second: name(vote.rightContenderId), human: winner(vote.choice),
                judge: oriented(judged.choice), judgeStrength: result?.strength ?? 1, judgeConsistent: result?.consistent,
                category: prompts[prompt]?.category, firstLength: lengths["\(prompt):\(vote.leftContenderId)"],
                secondLength: lengths["\(prompt):\(vote.rightContenderId)"])
            material.battles.append(base)
            for (criterion, choice) in vote.criteria {
                guard let judgeChoice = judged.criteria[criterion] else { continue }
                var battle = base
                battle.criterion = criterion
                battle.human = winner(choice)
                battle.judge = oriented(judgeChoice)
                battle.judgeStrength = result?.criteria?[criterion]?.strength ?? 1
                battle.judgeConsistent = result?.criteria?[criterion]?.consistent
                material.battles.append(battle)
            }
        }
        for vote in human {
            material.humanTable.append(Vote(a: name(vote.leftContenderId), b: name(vote.rightContenderId), outcome: vote.choice.outcome))
        }
        for vote in judgeVotes.values.sorted(by: { $0.id < $1.id }) {
            material.judgeTable.append(Vote(a: name(vote.leftContenderId), b: name(vote.rightContenderId), outcome: vote.choice.outcome))
        }
        return material
    }

    /// The whole report; `rounds` bootstrap rounds for every interval.
    public func report(arena: Arena, judge: StoredJudge, rounds: Int = 1000, seed: UInt64 = 42) async throws -> Report {
        let material = try await material(arena: arena, judge: judge)
        let agreement = JudgeAgreement(rounds: rounds, seed: seed).report(material.battles)
        var leaderboard: LeaderboardAgreement.Report?
        if !material.humanTable.isEmpty && !material.judgeTable.isEmpty {
            leaderboard = try? LeaderboardAgreement(rounds: min(rounds, 200), seed: seed).compare(human: material.humanTable, judge: material.judgeTable)
        }
        let rule = try await store.judgeValidationRule(arenaId: arena.id, judgeId: judge.id)
        let consistencyTotal = material.consistent + material.inconsistent
        return Report(
            arena: arena.name, judge: judge.name, humanVotes: material.humanVotes, judgeVotes: material.judgeVotes,
            agreement: agreement, leaderboard: leaderboard,
            position: JudgeBias.position(first: material.firstShown, second: material.secondShown, ties: material.tiesShown),
            verbosity: JudgeBias.verbosity(material.battles, rounds: rounds, seed: seed),
            positionConsistency: consistencyTotal > 0 ? Double(material.consistent) / Double(consistencyTotal) : nil,
            validation: rule.map { JudgeValidation(threshold: $0.threshold, minBattles: $0.minBattles).evaluate(agreement.overall) })
    }
}
