import Foundation
@testable import PreferCore
import Testing

/// `PoissonInversion`: the Poisson distribution function to 2⁻³², the same
/// numbers from the eight-lane form as from the one-round form, and the
/// moments of many draws.
@Suite("Poisson inversion sampler")
struct PoissonInversionTests {
    @Test(arguments: [1.0, 2.0, 0.5])
    func thresholdsAreTheDistributionFunction(_ lambda: Double) throws {
        let sampler = try #require(PoissonInversion(mean: lambda))
        // An independent CDF: log-space terms, summed from 0.
        var cdf = 0.0
        for (k, t) in sampler.thresholds.enumerated() {
            cdf += Foundation.exp(Double(k) * Foundation.log(lambda) - lambda - lgamma(Double(k) + 1))
            #expect(Swift.abs(Double(t) / 4_294_967_296.0 - cdf) <= 1.0 / 4_294_967_296.0, "k = \(k)")
        }
        #expect(sampler.tailMass > 0 && sampler.tailMass < 1e-8)
        #expect(PoissonInversion(mean: 3) == nil)
    }

    @Test func lanesGiveWhatOneRoundGives() throws {
        let sampler = try #require(PoissonInversion(mean: 1))
        var scalar = (0..<8).map { Xoshiro256(seed: 5, stream: UInt64($0)) }
        var lanes = scalar.withUnsafeMutableBufferPointer { Xoshiro256Lanes($0) }
        // Uniforms across the range, and the very top (the tail, which draws again).
        let picks: [UInt32] = [0, 1_000_000_000, 2_000_000_000, 3_000_000_000, 4_200_000_000, 4_294_000_000, .max - 1, .max]
        for shift in 0..<8 {
            var u = SIMD8<UInt32>()
            for lane in 0..<8 { u[lane] = picks[(lane + shift) % 8] }
            let x = sampler.sample(u, &lanes)
            for lane in 0..<8 { #expect(x[lane] == sampler.sample(u[lane], &scalar[lane]), "lane \(lane)") }
        }
        for _ in 0..<100 {
            let v = lanes.next()
            for lane in 0..<8 { #expect(v[lane] == scalar[lane].next()) }
        }
    }

    @Test(arguments: [1.0, 2.0])
    func drawsHaveThePoissonMoments(_ lambda: Double) throws {
        let sampler = try #require(PoissonInversion(mean: lambda))
        var rng = Xoshiro256(seed: 11)
        let n = 400_000
        var sum = 0.0
        var squares = 0.0
        for _ in 0..<(n / 2) {
            let v = rng.next()
            for u in [UInt32(truncatingIfNeeded: v), UInt32(truncatingIfNeeded: v >> 32)] {
                let x = Double(sampler.sample(u, &rng))
                sum += x
                squares += x * x
            }
        }
        let mean = sum / Double(n)
        let variance = squares / Double(n) - mean * mean
        // Five standard errors.
        #expect(Swift.abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot())
        #expect(Swift.abs(variance - lambda) < 5 * lambda * (2.0 / Double(n) + 1.0 / (lambda * Double(n))).squareRoot())
    }
}
