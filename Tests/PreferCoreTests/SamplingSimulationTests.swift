import Foundation
import Testing
@testable import PreferCore

@Suite("Sampling simulation")
struct SamplingSimulationTests {
    func study(_ policies: [String], seeds: [UInt64] = [1, 2], topK: Int? = 2) throws -> SamplingSimulation {
        var study = SamplingSimulation(
            contenders: 8, spread: 150, seeds: seeds,
            policies: try policies.map { .init(name: $0, policy: try SamplingPolicy(parsing: $0)) },
            targetWidth: 70, topK: topK)
        study.bootstrapRounds = 40
        study.maxVotes = 8000
        study.threads = 2
        return study
    }

    @Test func reproducesItsFiguresFromTheSeed() throws {
        let a = try study(["uniform", "active", "active:lmarena"]).run()
        let b = try study(["uniform", "active", "active:lmarena"]).run()
        #expect(a.jsonText() == b.jsonText())
        // A policy's runs do not depend on the others listed, nor on the thread count.
        var alone = try study(["active"])
        alone.threads = 1
        let single = try alone.run()
        let pair = a.policies.first { $0.name == "active" }!
        #expect(single.policies[0].perSeed!.map(\.votesToTarget) == pair.perSeed!.map(\.votesToTarget))
        #expect(single.policies[0].perSeed!.map(\.coveredBootstrap) == pair.perSeed!.map(\.coveredBootstrap))
        // Another seed, other numbers.
        let other = try study(["uniform", "active", "active:lmarena"], seeds: [3, 4]).run()
        #expect(other.jsonText() != a.jsonText())
    }

    @Test func reportsTheContractsMembers() throws {
        let report = try study(["uniform", "active:top-k=2"]).run()
        let object = try JSONSerialization.jsonObject(with: Data(report.jsonText().utf8)) as! [String: Any]
        let policies = object["policies"] as! [[String: Any]]
        #expect(policies.map { $0["name"] as! String } == ["uniform", "active:top-k=2"])
        for p in policies {
            let votes = p["votes_to_target"] as! [String: Double]
            #expect(votes["lower"]! <= votes["mean"]! && votes["mean"]! <= votes["upper"]!)
            #expect(p["runs"] as? Int == 2)
            #expect(p["coverage_at_stop"] is Double)
            #expect(p["top_k_votes"] is [String: Double])
        }
        #expect(policies[1]["votes_saved_vs_uniform"] != nil)
        let method = object["method"] as! [String: Any]
        #expect(method["target_width"] as? Double == 70)
        #expect(method["stop_check"] is String)
        for run in report.policies.flatMap({ $0.perSeed! }) {
            if let votes = run.votesToTarget { #expect(votes > report.method.warmupVotes && votes <= 8000) }
        }
    }

    @Test func badSettingsAreRefusedClearly() throws {
        var s = try study(["uniform"])
        s.topK = 8
        #expect(throws: SamplingPolicyError.self) { try s.run() }
        s.topK = nil
        s.targetWidth = 0
        #expect(throws: SamplingPolicyError.self) { try s.run() }
    }

    /// The arena model's outcomes: a's expected score is the Bradley–Terry
    /// probability and ties make up about the asked share under uniform pairing.
    @Test func arenaOutcomesFollowTheModel() throws {
        let model = ArenaModel(contenders: 6, spread: 100, seed: 4, tieShare: 0.25, bothBadShare: 0.4, popularitySkew: 1, hotPairShare: 0.02, hotPairBoost: 20)
        var rng = Xoshiro256(seed: 1)
        var score = 0.0
        var ties = 0
        let votes = 200_000
        var expected = 0.0
        for v in 0..<votes {
            let a = v % 6
            let b = (a + 1 + (v / 6) % 5) % 6
            let outcome = model.outcome(a, b, &rng)
            score += outcome.scoreForA
            if outcome.isTie { ties += 1 }
            expected += 1 / (1 + Foundation.pow(10, (model.truth[b] - model.truth[a]) / 400))
        }
        #expect(Swift.abs(score - expected) / Double(votes) < 0.005)
        #expect(Swift.abs(Double(ties) / Double(votes) - 0.25) < 0.01)
    }
}
