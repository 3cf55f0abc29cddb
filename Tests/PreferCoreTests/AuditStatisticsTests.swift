import Foundation
import Testing
@testable import PreferCore

@Suite("Audit statistics")
struct AuditStatisticsTests {
    /// Exact lower tail of a sum of three-point terms by enumerating every outcome.
    func exactLower(_ terms: [([Double], [Double])], _ s: Double) -> Double {
        var dist: [(Double, Double)] = [(0, 1)]
        for (v, p) in terms {
            var next: [(Double, Double)] = []
            for (x, q) in dist { for j in 0..<3 where p[j] > 0 { next.append((x + v[j], q * p[j])) } }
            dist = next
        }
        return dist.filter { $0.0 <= s + 1e-12 }.reduce(0) { $0 + $1.1 }
    }

    @Test func saddlepointMatchesEnumerationInTheTails() {
        var rng = Xoshiro256(seed: 3)
        var terms: [([Double], [Double])] = []
        var tail = SaddlepointTail()
        for _ in 0..<11 {
            let g = 0.3 + 1.5 * rng.nextUnit()
            let win = 0.3 + 0.5 * rng.nextUnit()
            let tie = 0.15 * rng.nextUnit()
            let p = [win, tie, max(0, 1 - win - tie)]
            let e = win + tie / 2
            let v = [g * (1 - e), g * (0.5 - e), -g * e]
            terms.append((v, p))
            tail.append(values: v, probabilities: p)
        }
        // Compare at observed sums spread over the lower tail.
        let mean = tail.moments.mean
        let sd = tail.moments.variance.squareRoot()
        for z in [-1.0, -2.0, -3.0, -4.0] {
            let s = mean + z * sd
            let exact = exactLower(terms, s)
            let approx = tail.lowerTail(s)
            #expect(exact > 0)
            // Within a factor 2 down to 10⁻⁵ (a normal approximation is off by 10× there).
            #expect(approx / exact < 2 && exact / approx < 2, "z \(z): saddlepoint \(approx), exact \(exact)")
        }
        // The edge of the support is exact.
        let low = terms.reduce(0) { $0 + $1.0.min()! }
        #expect(Swift.abs(tail.lowerTail(low) - exactLower(terms, low)) < 1e-15)
    }

    @Test func latticeSumIsExact() {
        // Three half-point terms: P(S = h) by hand for h = 0 … 6.
        var sum = LatticeSum(span: 2)
        sum.append([0.5, 0.2, 0.3])
        sum.append([0.1, 0.1, 0.8])
        let d = sum.distribution()
        #expect(Swift.abs(d[0] - 0.05) < 1e-15)
        #expect(Swift.abs(d[1] - (0.5 * 0.1 + 0.2 * 0.1)) < 1e-15)
        #expect(Swift.abs(d[4] - 0.24) < 1e-15)
        #expect(Swift.abs(sum.upperTail(3) - (0.2 * 0.8 + 0.3 * 0.1 + 0.24)) < 1e-15)
        // Poisson–binomial: all-left in 30 fair decisive votes.
        var coin = LatticeSum(span: 1)
        for _ in 0..<30 { coin.append([0.5, 0.5]) }
        #expect(Swift.abs(coin.twoSided(30) - 2 * pow(0.5, 30)) < 1e-20)
    }

    @Test func binomialTailsMatchScipy() {
        // scipy.stats.binom.sf(15, 40, 0.1) and binom.cdf(2, 10, 0.8).
        #expect(Swift.abs(BinomialTail.upper(16, n: 40, p: 0.1) / 5.927808400096399e-07 - 1) < 1e-9)
        #expect(Swift.abs(BinomialTail.lower(2, n: 10, p: 0.8) / 7.7926400000000e-05 - 1) < 1e-9)
    }

    @Test func benjaminiHochbergStepsUp() {
        // Sorted: 0.01 ≤ 1·0.0125 passes; 0.03 > 0.025 and 0.04 > 0.0375 fail.
        let r = BenjaminiHochberg(level: 0.05).apply([0.01, 0.04, 0.03, 0.2])
        #expect(r.rejected == [true, false, false, false])
        // Step-up: 0.04 ≤ 4·0.0125 rescues everything below it.
        let s = BenjaminiHochberg(level: 0.05).apply([0.01, 0.02, 0.03, 0.049])
        #expect(s.rejected == [true, true, true, true])
    }

    @Test func holmStepsDownAndStopsAtTheFirstFailure() {
        // Sorted: 0.005 ≤ 0.05/4, 0.01 ≤ 0.05/3, 0.02 ≤ 0.05/2 pass; 0.3 > 0.05 fails.
        let r = HolmBonferroni(level: 0.05).apply([0.02, 0.3, 0.005, 0.01])
        #expect(r.rejected == [true, false, true, true])
        #expect(r.line == 0.025)
        // Step-down: 0.013 > 0.05/4 stops it, so 0.014 ≤ 0.05/3 is not rescued
        // (Benjamini–Hochberg would take all four).
        let s = HolmBonferroni(level: 0.05).apply([0.013, 0.014, 0.015, 0.016])
        #expect(s.rejected == [false, false, false, false])
        #expect(s.line == 0)
        #expect(BenjaminiHochberg(level: 0.05).apply([0.013, 0.014, 0.015, 0.016]).rejected.allSatisfy { $0 })
    }

    @Test func consensusPValuesAreUniformForHonestVoters() {
        // 1,500 honest voters drawn from the very probabilities the test assumes:
        // the share with p ≤ 0.05 and ≤ 0.01 must be near 5% and 1%.
        var rng = Xoshiro256(seed: 11)
        let test = ConsensusDisagreement(minimumVotes: 5, tasteLevel: 1)
        var below5 = 0
        var below1 = 0
        let voters = 1500
        for _ in 0..<voters {
            var votes: [VotePrediction] = []
            for k in 0..<30 {
                let x = Int32(rng.nextIndex(below: 6))
                var y = Int32(rng.nextIndex(below: 5))
                if y >= x { y += 1 }
                let gap = AuditFixtures.theta[Int(x)] - AuditFixtures.theta[Int(y)]
                let s = 1 / (1 + Foundation.exp(-gap))
                let t = 0.3 * min(s, 1 - s)
                let u = rng.nextUnit()
                let outcome: Outcome = u < s - t / 2 ? .aWins : u < s + t / 2 ? .tie : .bWins
                votes.append(VotePrediction(row: k, left: x, right: y, outcome: outcome, gap: gap,
                                            win: s - t / 2, tie: t, loss: 1 - s - t / 2))
            }
            let p = test.evaluate(votes)!.pValueAllVotes
            if p <= 0.05 { below5 += 1 }
            if p <= 0.01 { below1 += 1 }
        }
        #expect(Double(below5) / Double(voters) > 0.035 && Double(below5) / Double(voters) < 0.065, "\(below5)")
        #expect(Double(below1) / Double(voters) < 0.02, "\(below1)")
    }
}
