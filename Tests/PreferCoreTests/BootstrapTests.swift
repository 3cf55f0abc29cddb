import Foundation
import Testing
@testable import PreferCore

@Suite("Bootstrap intervals")
struct BootstrapTests {
    @Test func sameSeedSameNumbersWhateverTheThreads() throws {
        let counts = PairCounts(try TestData.votes("arena-basic.jsonl"))
        let fit = try BradleyTerry().fit(counts)
        var one = Bootstrap(rounds: 60, seed: 7, threads: 1)
        one.blockSize = 1
        var two = Bootstrap(rounds: 60, seed: 7, threads: 2)
        two.blockSize = 8
        var three = Bootstrap(rounds: 60, seed: 7, threads: 3)
        three.blockSize = 5
        let a = one.run(counts, fit: fit).samples
        let b = two.run(counts, fit: fit).samples
        let c = three.run(counts, fit: fit).samples
        #expect(a == b)
        #expect(a == c)
        let other = Bootstrap(rounds: 60, seed: 8, threads: 2).run(counts, fit: fit).samples
        #expect(a != other)
    }

    @Test func chordStepsGiveTheFullFit() throws {
        let counts = PairCounts(try TestData.votes("arena-basic.jsonl"))
        let fit = try BradleyTerry().fit(counts)
        let resampler = MultinomialResampler(cellCounts: counts.cells.map(\.count))
        let round = BootstrapRound(counts: counts, fit: fit, order: resampler.order)
        var scratch = round.makeScratch()
        var generators = (0..<4).map { Xoshiro256(seed: 3, stream: UInt64($0)) }
        let k = resampler.cellCount
        let rows = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * k)
        defer { rows.deallocate() }
        resampler.draw(&generators, into: rows)
        for r in 0..<4 {
            let x = UnsafeBufferPointer(start: rows + r * k, count: k)
            var out = [Double](repeating: 0, count: counts.contenderCount)
            let result = out.withUnsafeMutableBufferPointer { round.fitRound(cellCounts: x, scratch: &scratch, into: $0) }
            #expect(!result.fullFit)
            var cellCounts = [UInt32](repeating: 0, count: k)
            for position in 0..<k { cellCounts[Int(resampler.order[position])] = x[position] }
            let resample = cellCounts.withUnsafeBufferPointer { PairCounts(resampling: counts, cellCounts: $0) }
            let direct = try BradleyTerry().fit(resample)
            for c in 0..<counts.contenderCount {
                #expect(Swift.abs(out[c] - direct.ratings[c]) < 1e-5)
            }
        }
    }

    @Test func bootstrapAgreesWithSandwichWidths() throws {
        let counts = PairCounts(try TestData.votes("arena-basic.jsonl"))
        let fit = try BradleyTerry().fit(counts)
        let boot = Bootstrap(rounds: 400, seed: 1).run(counts, fit: fit).intervals
        let sandwich = SandwichIntervals().compute(counts, fit: fit)
        for c in 0..<counts.contenderCount {
            let wb = boot.upper[c] - boot.lower[c]
            let ws = sandwich.upper[c] - sandwich.lower[c]
            #expect(Swift.abs(wb / ws - 1) < 0.2, "\(counts.contenders[c]): bootstrap \(wb) vs sandwich \(ws)")
            #expect(boot.lower[c] < fit.ratings[c] && fit.ratings[c] < boot.upper[c])
            #expect(boot.rankLower![c] <= boot.rankUpper![c])
        }
        #expect(boot.bootstrap!.fullFitRounds == 0)
    }

    @Test func degenerateDataGivesFiniteIntervals() throws {
        for file in ["degenerate-undefeated.jsonl", "degenerate-disconnected.jsonl", "arena-sparse.jsonl"] {
            let counts = PairCounts(try TestData.votes(file))
            let fit = try BradleyTerry().fit(counts)
            let boot = Bootstrap(rounds: 50, seed: 2).run(counts, fit: fit).intervals
            #expect(boot.lower.allSatisfy { $0.isFinite }, "\(file)")
            #expect(boot.upper.allSatisfy { $0.isFinite }, "\(file)")
        }
    }

    @Test func l2BootstrapIsFinite() throws {
        let counts = PairCounts(try TestData.votes("arena-sparse.jsonl"))
        let fit = try BradleyTerry(l2: 1).fit(counts)
        let boot = Bootstrap(rounds: 50, seed: 2).run(counts, fit: fit).intervals
        #expect(boot.lower.allSatisfy { $0.isFinite })
        #expect(zip(boot.lower, boot.upper).allSatisfy { $0 <= $1 })
    }

    /// Arenas drawn from known ratings: the 95% intervals should cover the
    /// truth about 95% of the time. With 120 arenas × 8 contenders the
    /// binomial standard error of the coverage is about 0.8 points.
    @Test func coverageOfNinetyFivePercentIntervals() throws {
        let coverage = CoverageStudy(arenas: 120, contenders: 8, votes: 1500, rounds: 200, seed: 11).run()
        #expect(coverage.bootstrap > 0.92 && coverage.bootstrap < 0.98, "bootstrap coverage \(coverage.bootstrap)")
        #expect(coverage.sandwich > 0.92 && coverage.sandwich < 0.98, "sandwich coverage \(coverage.sandwich)")
    }
}

@Suite("Multinomial resampling")
struct MultinomialResamplerTests {
    @Test func drawsHaveTheMultinomialMoments() {
        let counts = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 400, 3000]
        let total = Double(counts.reduce(0, +))
        let resampler = MultinomialResampler(cellCounts: counts)
        let rounds = 4000
        var generators = (0..<rounds).map { Xoshiro256(seed: 9, stream: UInt64($0)) }
        let k = counts.count
        let rows = UnsafeMutablePointer<UInt32>.allocate(capacity: rounds * k)
        defer { rows.deallocate() }
        resampler.draw(&generators, into: rows)
        var mean = [Double](repeating: 0, count: k)
        var square = [Double](repeating: 0, count: k)
        for r in 0..<rounds {
            var sum = 0
            for position in 0..<k {
                let x = Double(rows[r * k + position])
                mean[position] += x / Double(rounds)
                square[position] += x * x / Double(rounds)
                sum += Int(rows[r * k + position])
            }
            #expect(sum == Int(total))
        }
        for position in 0..<k {
            let c = Double(counts[Int(resampler.order[position])])
            let p = c / total
            let variance = total * p * (1 - p)
            let sampleVariance = square[position] - mean[position] * mean[position]
            // Mean within 5 standard errors; variance within 15%.
            #expect(Swift.abs(mean[position] - c) < 5 * (variance / Double(rounds)).squareRoot())
            #expect(Swift.abs(sampleVariance / variance - 1) < 0.15, "cell count \(c)")
        }
    }

    @Test func poissonTableMatchesItsMean() {
        for lambda in [0.5, 1, 7, 60, 2500] {
            let table = PoissonAliasTable(mean: lambda)
            var rng = Xoshiro256(seed: 5)
            let n = 20000
            var sum = 0.0
            var square = 0.0
            for _ in 0..<n {
                let x = Double(table.sample(&rng))
                sum += x
                square += x * x
            }
            let mean = sum / Double(n)
            let variance = square / Double(n) - mean * mean
            #expect(Swift.abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot())
            #expect(Swift.abs(variance / lambda - 1) < 0.06)
        }
    }

    @Test func aliasTableFrequencies() {
        let weights = [0.1, 0, 3, 1.9, 5]
        let table = AliasTable(weights: weights)
        var rng = Xoshiro256(seed: 1)
        var seen = [Int](repeating: 0, count: weights.count)
        let n = 100_000
        for _ in 0..<n { seen[table.sample(&rng)] += 1 }
        #expect(seen[1] == 0)
        for i in weights.indices {
            let p = weights[i] / 10
            #expect(Swift.abs(Double(seen[i]) / Double(n) - p) < 5 * (p * (1 - p) / Double(n)).squareRoot() + 1e-9)
        }
    }
}
