import Foundation
@testable import PreferCore
import Testing

@Suite("CloseTies")
struct CloseTiesTests {
    @Test(arguments: [0.01, 0.2, 0.5, 0.73, 0.99])
    func expectedScoreIsTheWinProbability(_ s: Double) {
        let ties = CloseTies(tau: 0.8, bothBadShare: 0.4)
        let p = ties.probabilities(s)
        #expect(abs(p.win + p.tie + p.loss - 1) < 1e-12)
        #expect(abs(p.win + p.tie / 2 - s) < 1e-12)
        #expect(abs(p.tie - 0.8 * 2 * min(s, 1 - s)) < 1e-12)
    }

    /// Drawn votes follow the probabilities: within 4 standard errors over
    /// 200,000 draws, and a both-bad share of the ties.
    @Test func drawsFollowTheProbabilities() {
        let ties = CloseTies(tau: CloseTies.tau(tieShare: 0.25, closeness: 2 * 0.35), bothBadShare: 0.4)
        var rng = Xoshiro256(seed: 7)
        var counts: [Outcome: Int] = [:]
        let n = 200_000
        for _ in 0..<n { counts[ties.outcome(0.65, &rng), default: 0] += 1 }
        let p = ties.probabilities(0.65)
        func near(_ observed: Int, _ expected: Double) -> Bool {
            abs(Double(observed) / Double(n) - expected) < 4 * (expected * (1 - expected) / Double(n)).squareRoot()
        }
        #expect(near(counts[.aWins, default: 0], p.win))
        #expect(near(counts[.bWins, default: 0], p.loss))
        #expect(near(counts[.tie, default: 0], p.tie * 0.6))
        #expect(near(counts[.bothBad, default: 0], p.tie * 0.4))
        #expect(abs(p.tie - 0.25) < 1e-12, "τ calibrated to a quarter of ties at this closeness")
    }

    @Test func noTiesAskedNoTies() {
        #expect(CloseTies.tau(tieShare: 0, closeness: 0.5) == 0)
        #expect(CloseTies.tau(tieShare: 0.9, closeness: 0.1) == 1)
    }
}
