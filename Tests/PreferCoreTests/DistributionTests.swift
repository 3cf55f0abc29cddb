import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// The chi-squared tail and the beta CDF against scipy
/// (`bench/distributions_reference.py`).
@Suite("Chi-squared and beta distributions")
struct DistributionTests {
    static func close(_ got: Double, _ want: Double) -> Bool {
        Swift.abs(got - want) <= 1e-12 + 1e-9 * Swift.abs(want)
    }

    @Test func chiSquaredUpperTailMatchesScipy() throws {
        let cases = try Fixtures.json("distributions.expected.json")["chi2_sf"] as! [[String: NSNumber]]
        #expect(cases.count > 50)
        for c in cases {
            let got = ChiSquared.survival(c["x"]!.doubleValue, degreesOfFreedom: c["df"]!.doubleValue)
            let want = c["sf"]!.doubleValue
            #expect(Self.close(got, want), "x \(c["x"]!) df \(c["df"]!): \(got) vs \(want)")
        }
    }

    @Test func betaMatchesScipy() throws {
        let cases = try Fixtures.json("distributions.expected.json")["beta"] as! [[String: NSNumber]]
        for c in cases {
            let d = BetaDistribution(alpha: c["a"]!.doubleValue, beta: c["b"]!.doubleValue)
            let x = c["x"]!.doubleValue
            #expect(Self.close(d.cdf(x), c["cdf"]!.doubleValue), "cdf a \(d.alpha) b \(d.beta) x \(x): \(d.cdf(x)) vs \(c["cdf"]!)")
            #expect(Self.close(d.survival(x), c["sf"]!.doubleValue), "sf a \(d.alpha) b \(d.beta) x \(x)")
        }
    }
}
