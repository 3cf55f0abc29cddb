import Foundation
@testable import PreferCore

/// Small hand-made arenas for the audit tests: honest voters who vote by a
/// Bradley–Terry model with known strengths, plus whatever voter a test adds.
enum AuditFixtures {
    static let names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    /// Natural log-odds strengths: alpha strongest, foxtrot weakest.
    static let theta = [1.2, 0.7, 0.3, -0.2, -0.8, -1.2]

    /// A uniformly random pair with random sides.
    static func pair(_ rng: inout Xoshiro256) -> (Int, Int) {
        let x = rng.nextIndex(below: names.count)
        var y = rng.nextIndex(below: names.count - 1)
        if y >= x { y += 1 }
        return (x, y)
    }

    /// An honest vote: left wins with σ(gap) less half the ties, ties 15% of
    /// the time scaled by closeness.
    static func honestOutcome(_ x: Int, _ y: Int, _ rng: inout Xoshiro256) -> Outcome {
        let s = 1 / (1 + Foundation.exp(-(theta[x] - theta[y])))
        let q = 0.3 * min(s, 1 - s)
        let u = rng.nextUnit()
        if u < s - q / 2 { return .aWins }
        if u < s + q / 2 { return .tie }
        return .bWins
    }

    static func vote(_ x: Int, _ y: Int, _ outcome: Outcome, voter: String, time: Double? = nil,
                     attributes: [String: String] = [:]) -> Vote {
        Vote(a: names[x], b: names[y], outcome: outcome, voter: voter, timestamp: time, attributes: attributes)
    }

    /// `voters` honest voters with `each` votes.
    static func honest(voters: Int = 80, each: Int = 30, seed: UInt64 = 1,
                       attributes: (Int) -> [String: String] = { _ in [:] }) -> [Vote] {
        var rng = Xoshiro256(seed: seed)
        var votes: [Vote] = []
        for v in 0..<voters {
            for k in 0..<each {
                let (x, y) = pair(&rng)
                votes.append(vote(x, y, honestOutcome(x, y, &rng), voter: "honest-\(v)",
                                  time: 1_700_000_000 + Double(v * 3600 + k * 60), attributes: attributes(k)))
            }
        }
        return votes
    }

    /// A voter whose choice on each random pair is `choose(left, right)`.
    static func voter(_ name: String, votes: Int = 30, seed: UInt64 = 99,
                      pairs: ((inout Xoshiro256) -> (Int, Int))? = nil,
                      choose: (Int, Int, inout Xoshiro256) -> Outcome) -> [Vote] {
        var rng = Xoshiro256(seed: seed)
        return (0..<votes).map { k in
            let (x, y) = pairs?(&rng) ?? pair(&rng)
            return vote(x, y, choose(x, y, &rng), voter: name, time: 1_700_500_000 + Double(k * 60))
        }
    }

    static func audit(_ votes: [Vote], options: AuditOptions = AuditOptions(), gold: GoldSet? = nil) throws -> VoteAudit.Result {
        let table = VoteTable(votes)
        return try VoteAudit(options: options).run(table, inputs: AuditInputs(table: table, gold: gold))
    }
}
