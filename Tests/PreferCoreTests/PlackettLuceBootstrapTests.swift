import Foundation
import PreferTestSupport
import Testing

@testable import PreferCore

@Suite("Plackett–Luce bootstrap")
struct PlackettLuceBootstrapTests {
    static func counts(_ name: String) throws -> ChoiceCounts {
        let data = try Fixtures.data(name)
        return ChoiceCounts(try data.withUnsafeBytes { try VoteParser.parse($0, source: name) }.table)
    }

    /// Pairwise votes with ties as half wins: the same resamples, the same
    /// estimator, so the same intervals as the Bradley–Terry bootstrap.
    @Test func pairwiseVotesGiveTheBradleyTerryBootstrap() throws {
        let table = try TestData.votes("arena-basic.jsonl")
        let pairs = PairCounts(table)
        let bt = Bootstrap(rounds: 60, seed: 7).run(pairs, fit: try BradleyTerry().fit(pairs))
        let choices = ChoiceCounts(table)
        let pl = Bootstrap(rounds: 60, seed: 7).run(choices, fit: try PlackettLuce().fit(choices))
        #expect(pl.intervals.bootstrap?.fullFitRounds == 0)
        for k in 0..<table.contenders.count {
            #expect(Swift.abs(pl.intervals.lower[k] - bt.intervals.lower[k]) < 1e-3)
            #expect(Swift.abs(pl.intervals.upper[k] - bt.intervals.upper[k]) < 1e-3)
            #expect(pl.intervals.rankLower?[k] == bt.intervals.rankLower?[k])
            #expect(pl.intervals.rankUpper?[k] == bt.intervals.rankUpper?[k])
        }
        for r in 0..<(60 * table.contenders.count) {
            #expect(Swift.abs(pl.samples[r] - bt.samples[r]) < 1e-4)
        }
    }

    /// Every round of a block (single then double precision, eight rounds in
    /// lockstep) is the estimator refitted from scratch on that resample.
    @Test(arguments: [("kway-mixed.jsonl", TieModel.half), ("ties-mixed.jsonl", .davidson), ("ties-mixed.jsonl", .raoKupper), ("kway-weighted.jsonl", .half)])
    func everyRoundIsTheRefit(_ name: String, _ ties: TieModel) throws {
        let counts = try Self.counts(name)
        let fit = try PlackettLuce(ties: ties).fit(counts)
        let cells = counts.pairs.cells.map(\.count) + counts.cellCounts
        let resampler = MultinomialResampler(cellCounts: cells)
        let engine = PlackettLuceRounds(counts: counts, fit: fit, order: resampler.order)
        let k = resampler.cellCount
        let n = counts.contenderCount
        // The resamples as `draw` makes them, row by row…
        var generators = (0..<8).map { Xoshiro256(seed: 3, stream: UInt64($0)) }
        var rows = [UInt32](repeating: 0, count: 8 * k)
        rows.withUnsafeMutableBufferPointer { resampler.draw(&generators, into: $0.baseAddress!) }
        // …and as the block draws them in lanes from the same generators.
        var laneGenerators = (0..<8).map { Xoshiro256(seed: 3, stream: UInt64($0)) }
        var out = [Double](repeating: .nan, count: 8 * n)
        var tieOut = [Double](repeating: .nan, count: 8)
        var scratch = engine.makeScratch()
        let results = out.withUnsafeMutableBufferPointer { out in
            engine.fitBlock(
                generators: &laneGenerators, resampler: resampler, scratch: &scratch,
                out: { UnsafeMutableBufferPointer(rebasing: out[($0 * n)..<(($0 + 1) * n)]) }, ties: &tieOut)
        }
        for lane in 0..<8 {
            for position in 0..<k {
                #expect(scratch.lanes[Int(engine.destination[position])][lane] == rows[lane * k + position])
            }
        }
        #expect(results.allSatisfy { !$0.fullFit })
        for lane in 0..<8 {
            var pairCounts = [UInt32](repeating: 0, count: counts.pairs.cells.count)
            var cellCounts = [UInt32](repeating: 0, count: counts.cellCount)
            for position in 0..<k {
                let cell = Int(resampler.order[position])
                if cell < pairCounts.count {
                    pairCounts[cell] = rows[lane * k + position]
                } else {
                    cellCounts[cell - pairCounts.count] = rows[lane * k + position]
                }
            }
            let resample = pairCounts.withUnsafeBufferPointer { p in
                cellCounts.withUnsafeBufferPointer { c in ChoiceCounts(resampling: counts, pairCellCounts: p, cellCounts: c) }
            }
            let refit = try PlackettLuce(ties: ties).fit(resample)
            for c in 0..<n {
                #expect(Swift.abs(out[lane * n + c] - refit.ratings[c]) < 1e-4, "lane \(lane), \(counts.contenders[c])")
            }
            if let tie = refit.tieParameter {
                #expect(Swift.abs(tieOut[lane] - tie) < 1e-6)
            }
        }
    }

    @Test func sameSeedSameNumbersWhateverTheThreads() throws {
        let counts = try Self.counts("ties-mixed.jsonl")
        let fit = try PlackettLuce(ties: .davidson).fit(counts)
        let one = Bootstrap(rounds: 20, seed: 11, threads: 1).run(counts, fit: fit)
        let two = Bootstrap(rounds: 20, seed: 11, threads: 2).run(counts, fit: fit)
        #expect(one.samples == two.samples && one.tieSamples == two.tieSamples)
        let other = Bootstrap(rounds: 20, seed: 12, threads: 2).run(counts, fit: fit)
        #expect(other.samples != one.samples)
        #expect(one.tieParameterLower! < fit.tieParameter! && fit.tieParameter! < one.tieParameterUpper!)
    }

    /// Pairwise votes drawn from a tie model with a known parameter: the
    /// 95% bootstrap interval of the fitted parameter covers it in (nearly)
    /// every replicate.
    @Test(arguments: [(TieModel.davidson, 0.6), (.raoKupper, 1.8)])
    func plantedTieParameterIsRecovered(_ model: TieModel, _ planted: Double) throws {
        var covered = 0
        let replicates = 10
        for replicate in 0..<replicates {
            let table = Self.simulate(model, parameter: planted, contenders: 8, votes: 3000, seed: UInt64(100 + replicate))
            let counts = ChoiceCounts(table)
            let fit = try PlackettLuce(ties: model).fit(counts)
            #expect(fit.converged)
            let result = Bootstrap(rounds: 200, seed: UInt64(replicate)).run(counts, fit: fit)
            let lower = try #require(result.tieParameterLower)
            let upper = try #require(result.tieParameterUpper)
            #expect(lower < fit.tieParameter! && fit.tieParameter! < upper)
            if lower <= planted && planted <= upper { covered += 1 }
        }
        // 95% intervals: 8 or more of 10 hold the planted value with probability 0.99.
        #expect(covered >= 8, "\(model): \(covered) of \(replicates)")
    }

    /// Pairwise votes under Davidson's or Rao–Kupper's model, ratings spread over ±150 Elo.
    static func simulate(_ model: TieModel, parameter: Double, contenders n: Int, votes: Int, seed: UInt64) -> VoteTable {
        var rng = Xoshiro256(seed: seed)
        let theta = (0..<n).map { Double($0 - n / 2) * 300 / Double(n) * Foundation.log(10) / 400 }
        var table = VoteTable()
        for _ in 0..<votes {
            let i = rng.nextIndex(below: n)
            var j = rng.nextIndex(below: n - 1)
            if j >= i { j += 1 }
            let pi = Foundation.exp(theta[i])
            let pj = Foundation.exp(theta[j])
            let winI: Double
            let winJ: Double
            switch model {
            case .davidson:
                let t = parameter * (pi * pj).squareRoot()
                winI = pi / (pi + pj + t)
                winJ = pj / (pi + pj + t)
            default:
                winI = pi / (pi + parameter * pj)
                winJ = pj / (pj + parameter * pi)
            }
            let u = rng.nextUnit()
            let outcome: Outcome = u < winI ? .aWins : u < winI + winJ ? .bWins : .tie
            table.append(Vote(a: "c\(i)", b: "c\(j)", outcome: outcome))
        }
        return table
    }
}
