import Foundation
import PreferCore
import PreferTestSupport
import Testing

/// The agreement statistics against scikit-learn, SciPy and statsmodels
/// (bench/judge_agreement_reference.py → judge-agreement.reference.json).
@Suite("Judge–human agreement")
struct JudgeAgreementTests {
    static func reference() throws -> [String: Any] { try Fixtures.json("judge-agreement.reference.json") }

    static func battles(_ reference: [String: Any]) -> [JudgedBattle] {
        let winners: [PairJudgement.Winner] = [.a, .b, .tie]
        return (reference["battles"] as! [[String: Any]]).map { row in
            JudgedBattle(
                first: row["first"] as! String, second: row["second"] as! String,
                human: winners[row["human"] as! Int], judge: winners[row["judge"] as! Int],
                judgeStrength: row["strength"] as! Int, judgeConsistent: row["consistent"] as? Bool,
                category: row["category"] as? String, firstLength: row["first_length"] as? Int,
                secondLength: row["second_length"] as? Int)
        }
    }

    static func check(_ measures: JudgeAgreement.Measures, _ expected: [String: Any]) {
        #expect(measures.battles == expected["battles"] as! Int)
        #expect(measures.decisiveBattles == expected["decisive_battles"] as! Int)
        #expect(abs(measures.withTies.estimate! - (expected["agreement_with_ties"] as! Double)) < 1e-12)
        #expect(abs(measures.withoutTies.estimate! - (expected["agreement_without_ties"] as! Double)) < 1e-12)
        #expect(abs(measures.kappa.estimate! - (expected["kappa"] as! Double)) < 1e-12)
        #expect(measures.confusion == expected["confusion"] as! [[Int]])
        for interval in [measures.withTies, measures.withoutTies, measures.kappa] {
            #expect(interval.lower! <= interval.estimate! && interval.estimate! <= interval.upper!)
            #expect(interval.upper! - interval.lower! > 0)
        }
    }

    @Test func agreementKappaAndConfusionMatchScikitLearn() throws {
        let reference = try Self.reference()
        let report = JudgeAgreement(rounds: 300, seed: 3).report(Self.battles(reference))
        Self.check(report.overall, reference["overall"] as! [String: Any])
        let categories = reference["categories"] as! [String: [String: Any]]
        #expect(Set(report.categories.keys) == Set(categories.keys))
        for (name, expected) in categories { Self.check(report.categories[name]!, expected) }
        // The same seed gives the same intervals.
        #expect(JudgeAgreement(rounds: 300, seed: 3).report(Self.battles(reference)) == report)
    }

    @Test func bootstrapIntervalMatchesTheNormalApproximation() throws {
        // Agreement is a mean of 0/1: its bootstrap interval should be close to p ± 1.96·√(p(1−p)/n).
        let battles = Self.battles(try Self.reference())
        let measures = JudgeAgreement(rounds: 4000, seed: 11).measures(battles)
        let p = measures.withTies.estimate!
        let half = 1.959964 * (p * (1 - p) / Double(battles.count)).squareRoot()
        #expect(abs(measures.withTies.lower! - (p - half)) < 0.006)
        #expect(abs(measures.withTies.upper! - (p + half)) < 0.006)
    }

    @Test func rankCorrelationsMatchSciPy() throws {
        let ranks = try Self.reference()["ranks"] as! [String: Any]
        let x = ranks["x"] as! [Double]
        let y = ranks["y"] as! [Double]
        #expect(abs(SpearmanCorrelation.rho(x, y)! - (ranks["spearman"] as! Double)) < 1e-12)
        #expect(abs(KendallTau.tauB(x, y)! - (ranks["kendall_tau_b"] as! Double)) < 1e-12)
        #expect(abs(SpearmanCorrelation.pearson(x, y)! - (ranks["pearson"] as! Double)) < 1e-12)
        #expect(SpearmanCorrelation.rho([1, 1, 1], [1, 2, 3]) == nil)
        #expect(KendallTau.tauB([1, 2, 3], [3, 3, 3]) == nil)
    }

    @Test func wilsonIntervalMatchesStatsmodels() throws {
        let wilson = try Self.reference()["wilson"] as! [String: Any]
        let bias = JudgeBias.position(first: wilson["first"] as! Int, second: wilson["second"] as! Int, ties: 5)
        #expect(abs(bias.firstShare.lower! - (wilson["lower"] as! Double)) < 1e-6)
        #expect(abs(bias.firstShare.upper! - (wilson["upper"] as! Double)) < 1e-6)
    }

    @Test func verbosityBiasMatchesTheReference() throws {
        let reference = try Self.reference()
        let expected = reference["verbosity"] as! [String: Any]
        let bias = JudgeBias.verbosity(Self.battles(reference), rounds: 500)
        #expect(bias.battles == expected["battles"] as! Int)
        #expect(abs(bias.judgeLongerShare! - (expected["judge_longer_share"] as! Double)) < 1e-12)
        #expect(abs(bias.humanLongerShare! - (expected["human_longer_share"] as! Double)) < 1e-12)
        #expect(bias.difference.lower! <= bias.difference.estimate! && bias.difference.estimate! <= bias.difference.upper!)
    }

    @Test func disagreementModelMatchesSciPysOptimum() throws {
        let reference = try Self.reference()
        let expected = reference["model"] as! [String: Any]
        let model = DisagreementModel.fit(Self.battles(reference), l2: expected["l2"] as! Double)
        #expect(model.categories == expected["categories"] as! [String])
        let weights = expected["weights"] as! [Double]
        #expect(model.weights.count == weights.count)
        for (mine, theirs) in zip(model.weights, weights) { #expect(abs(mine - theirs) < 1e-5) }
    }

    @Test func validationRule() {
        func measures(_ decisive: Int, lower: Double?) -> JudgeAgreement.Measures {
            JudgeAgreement.Measures(
                battles: decisive + 10, decisiveBattles: decisive, withTies: .init(estimate: 0.7, lower: 0.6, upper: 0.8),
                withoutTies: .init(estimate: 0.8, lower: lower, upper: 0.9), kappa: .init(estimate: 0.5, lower: 0.4, upper: 0.6),
                confusion: [])
        }
        let rule = JudgeValidation(threshold: 0.7, minBattles: 100)
        #expect(rule.evaluate(measures(150, lower: 0.72)).validated)
        #expect(!rule.evaluate(measures(150, lower: 0.69)).validated)
        #expect(!rule.evaluate(measures(99, lower: 0.95)).validated)
        #expect(!rule.evaluate(measures(150, lower: nil)).validated)
        #expect(rule.evaluate(measures(100, lower: 0.7)).validated)
    }

    @Test func leaderboardAgreementFindsAMovedContender() throws {
        // People: a > b > c > d clearly. The judge agrees except that it puts d above c.
        var human: [Vote] = []
        var judge: [Vote] = []
        let names = ["a", "b", "c", "d"]
        for i in 0..<4 {
            for j in (i + 1)..<4 {
                for k in 0..<30 {
                    human.append(Vote(a: names[i], b: names[j], outcome: k < 24 ? .aWins : .bWins))
                    let judgeWins = (i, j) == (2, 3) ? k < 6 : k < 24
                    judge.append(Vote(a: names[i], b: names[j], outcome: judgeWins ? .aWins : .bWins))
                }
            }
        }
        let report = try LeaderboardAgreement(rounds: 100, seed: 5).compare(human: VoteTable(human), judge: VoteTable(judge))
        #expect(report.contenders == 4)
        #expect(report.moved == ["c", "d"])
        #expect(report.shifts.first { $0.name == "d" }?.judgeRank == 3)
        let rho = try #require(report.spearman.estimate)
        #expect(abs(rho - 0.8) < 1e-12)
        #expect(report.spearman.lower! <= rho && rho <= report.spearman.upper!)
    }
}
