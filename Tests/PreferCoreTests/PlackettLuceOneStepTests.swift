import Foundation
import PreferTestSupport
import Testing

@testable import PreferCore

@Suite("Plackett–Luce one-step bootstrap")
struct PlackettLuceOneStepTests {
    static func counts(_ name: String) throws -> ChoiceCounts {
        let data = try Fixtures.data(name)
        return ChoiceCounts(try data.withUnsafeBytes { try VoteParser.parse($0, source: name) }.table)
    }

    /// Solves A x = b (A symmetric positive definite, row-major) by Gaussian
    /// elimination with partial pivoting: independent of `Cholesky`.
    static func solve(_ a: [Double], _ b: [Double]) -> [Double] {
        let d = b.count
        var m = a
        var x = b
        for col in 0..<d {
            let pivot = (col..<d).max { Swift.abs(m[$0 * d + col]) < Swift.abs(m[$1 * d + col]) }!
            if pivot != col {
                for k in 0..<d { m.swapAt(col * d + k, pivot * d + k) }
                x.swapAt(col, pivot)
            }
            for row in (col + 1)..<d {
                let f = m[row * d + col] / m[col * d + col]
                for k in col..<d { m[row * d + k] -= f * m[col * d + k] }
                x[row] -= f * x[col]
            }
        }
        for row in stride(from: d - 1, through: 0, by: -1) {
            var s = x[row]
            for k in (row + 1)..<d { s -= m[row * d + k] * x[k] }
            x[row] = s / m[row * d + row]
        }
        return x
    }

    /// Each round is θ̂ + I⁻¹ Σ w g computed directly: the resample's score
    /// at θ̂ is the gradient of its own log-likelihood (ChoiceProblem's
    /// scalar pass on the resampled counts), solved against the full-data
    /// information by elimination, centred as the fit is. The rounds differ
    /// from one another and the contenders within a round by far more than
    /// the tolerance, so a scatter into the wrong candidate or the wrong
    /// round fails.
    @Test(arguments: [("kway-mixed.jsonl", TieModel.half), ("ties-mixed.jsonl", .davidson), ("kway-weighted.jsonl", .half)])
    func everyRoundIsTheDirectOneStep(_ name: String, _ ties: TieModel) throws {
        let counts = try Self.counts(name)
        let fit = try PlackettLuce(ties: ties).fit(counts)
        let cells = counts.pairs.cells.map(\.count) + counts.cellCounts
        let resampler = MultinomialResampler(cellCounts: cells)
        let engine = PlackettLuceRounds(counts: counts, fit: fit, order: resampler.order)
        let oneStep = try #require(PlackettLuceOneStep(engine))
        let k = resampler.cellCount
        let n = counts.contenderCount
        let d = engine.dimension

        // The resamples row by row, as `draw` makes them from the same generators.
        var generators = (0..<8).map { Xoshiro256(seed: 11, stream: UInt64($0)) }
        var rows = [UInt32](repeating: 0, count: 8 * k)
        rows.withUnsafeMutableBufferPointer { resampler.draw(&generators, into: $0.baseAddress!) }

        var laneGenerators = (0..<8).map { Xoshiro256(seed: 11, stream: UInt64($0)) }
        var out = [Double](repeating: .nan, count: 8 * n)
        var tieOut = [Double](repeating: .nan, count: 8)
        var scratch = oneStep.makeScratch()
        let results = out.withUnsafeMutableBufferPointer { out in
            oneStep.fitBlock(
                generators: &laneGenerators, resampler: resampler, scratch: &scratch,
                out: { UnsafeMutableBufferPointer(rebasing: out[($0 * n)..<(($0 + 1) * n)]) }, ties: &tieOut)
        }

        // θ̂ and the full-data information, made definite as the fit does (1 1ᵀ per group).
        var thetaHat = fit.theta
        if ties.hasParameter, let tie = fit.tieParameter { thetaHat.append(Foundation.log(tie)) }
        let full = ChoiceProblem(counts, contenders: Array(0..<n), groups: [Array(0..<n)], ties: ties)
        var information = full.information(thetaHat)
        for a in 0..<n { for b in 0..<n { information[a * d + b] += 1 } }

        let c = fit.estimator.eloPerNat
        var direct = [[Double]]()
        var stepped = 0
        for lane in 0..<8 {
            let row = Array(rows[(lane * k)..<((lane + 1) * k)])
            var pairCounts = [UInt32](repeating: 0, count: counts.pairs.cells.count)
            var cellCounts = [UInt32](repeating: 0, count: counts.cellCount)
            for position in 0..<k {
                let cell = Int(resampler.order[position])
                if cell < pairCounts.count { pairCounts[cell] = row[position] } else { cellCounts[cell - pairCounts.count] = row[position] }
            }
            let resample = pairCounts.withUnsafeBufferPointer { p in
                cellCounts.withUnsafeBufferPointer { ChoiceCounts(resampling: counts, pairCellCounts: p, cellCounts: $0) }
            }
            let score = ChoiceProblem(resample, contenders: Array(0..<n), groups: [Array(0..<n)], ties: ties).gradient(thetaHat)
            let step = Self.solve(information, score)
            var theta = (0..<d).map { thetaHat[$0] + step[$0] }
            let mean = theta.prefix(n).reduce(0, +) / Double(n)
            for a in 0..<n { theta[a] -= mean }
            direct.append(theta)
            guard !results[lane].fullFit else { continue }
            stepped += 1
            #expect(results[lane].iterations == 1)
            // 1e-6 in log-strength (2e-4 Elo; the errors seen are below 2e-7): the scatter sums the scores in single precision (PlackettLuceOneStep's doc).
            for a in 0..<n {
                let got = (out[lane * n + a] - fit.estimator.initialRating) / c
                #expect(Swift.abs(got - theta[a]) < 1e-6, "\(name) round \(lane) contender \(a): \(got) vs \(theta[a])")
            }
            if ties.hasParameter {
                #expect(Swift.abs(Foundation.log(tieOut[lane]) - theta[n]) < 1e-6, "\(name) round \(lane) tie parameter")
            }
        }
        #expect(stepped >= 6, "\(name): only \(stepped) of 8 rounds took the one-step")
        // The test can tell rounds and contenders apart.
        for a in 0..<8 {
            for b in 0..<8 where b != a {
                let gap = (0..<n).map { Swift.abs(direct[a][$0] - direct[b][$0]) }.max()!
                #expect(gap > 1e-4, "rounds \(a) and \(b) are indistinguishable")
            }
            let spread = direct[a].prefix(n).max()! - direct[a].prefix(n).min()!
            #expect(spread > 1e-2)
        }
    }

    /// A large arena generated from the model, 14,000 4-way rankings of 10
    /// contenders (5,600 votes each, just above the least `auto` takes the one-step at;
    /// at most 5,040 distinct rankings, so quick in a debug build). On the
    /// same resamples (the one-step and the full refit draw the same counts
    /// from the same seed, so no Monte Carlo error separates them) each
    /// round's one-step estimate differs from the refit by a second-order
    /// term, O(spread²) in log-strength: relative to a rating's spread about
    /// 2·spread in nats (≈ 0.02 here), so ≈ 2% on a typical round and
    /// ≈ 8% on the extreme rounds of 120; the 2.5% and 97.5% percentiles,
    /// rounds two standard deviations out, move by ≈ 4%. Bounds: 15% per
    /// round, 6% per interval end.
    @Test func oneStepAgreesWithTheFullRefitOnALargeArena() throws {
        let n = 10
        var rng = Xoshiro256(seed: 5, stream: 77)
        let theta = (0..<n).map { _ in 0.7 * rng.nextGaussian() }
        var text = ""
        for _ in 0..<14_000 {
            var pool = Array(0..<n)
            var keys: [(Double, Int)] = []
            for slot in 0..<4 {
                pool.swapAt(slot, slot + rng.nextIndex(below: n - slot))
                let u = max(rng.nextUnit(), Double.leastNormalMagnitude)
                keys.append((theta[pool[slot]] - Foundation.log(-Foundation.log(u)), pool[slot]))
            }
            keys.sort { $0.0 > $1.0 }
            text += "{\"ranking\":[" + keys.map { "\"m\($0.1)\"" }.joined(separator: ",") + "]}\n"
        }
        let table = try Array(text.utf8).withUnsafeBytes { try VoteParser.parse($0, source: "generated") }.table
        let counts = ChoiceCounts(table)
        #expect(counts.contenderVotes.min()! >= Bootstrap.oneStepMinimumVotes)
        let fit = try PlackettLuce().fit(counts)
        var bootstrap = Bootstrap(rounds: 120, seed: 3)
        bootstrap.refit = .auto
        let one = bootstrap.run(counts, fit: fit)
        bootstrap.refit = .full
        let full = bootstrap.run(counts, fit: fit)
        #expect(one.refit == .oneStep && full.refit == .full)
        #expect(one.intervals.bootstrap?.meanIterations == 1)
        for a in 0..<n {
            let spread = full.intervals.standardErrors[a]
            #expect(spread > 1 && spread < 20)
            var largest = 0.0
            for r in 0..<120 { largest = max(largest, Swift.abs(one.samples[r * n + a] - full.samples[r * n + a])) }
            #expect(largest < 0.15 * spread, "contender \(a): round difference \(largest) Elo, spread \(spread)")
            #expect(Swift.abs(one.intervals.lower[a] - full.intervals.lower[a]) < 0.06 * spread, "contender \(a) lower")
            #expect(Swift.abs(one.intervals.upper[a] - full.intervals.upper[a]) < 0.06 * spread, "contender \(a) upper")
        }
    }

    /// Same seed, same numbers, however many threads share the rounds.
    @Test func threadsDoNotChangeTheRounds() throws {
        let counts = try Self.counts("kway-mixed.jsonl")
        let fit = try PlackettLuce().fit(counts)
        func samples(_ threads: Int) -> [Double] {
            var bootstrap = Bootstrap(rounds: 45, seed: 9, threads: threads)
            bootstrap.refit = .oneStep
            let result = bootstrap.run(counts, fit: fit)
            #expect(result.refit == .oneStep)
            return result.samples
        }
        let one = samples(1)
        for threads in [2, 3] {
            let other = samples(threads)
            #expect(one.count == other.count)
            #expect(zip(one, other).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(threads) threads")
        }
    }

    /// `auto` takes the full refit on small data and says why; `one-step`
    /// falls back to it where the fit needed Firth's correction.
    @Test func autoRefitsSmallDataInFull() throws {
        let counts = try Self.counts("kway-mixed.jsonl")
        let fit = try PlackettLuce().fit(counts)
        let result = Bootstrap(rounds: 16, seed: 1).run(counts, fit: fit)
        #expect(result.refit == .full)
        #expect(result.refitReason.contains("fewer than \(Bootstrap.oneStepMinimumVotes) votes"), "\(result.refitReason)")

        // One contender never loses: Firth's fit, no finite centre for a linearisation.
        let text = """
            {"ranking": ["a", "b", "c"]}
            {"ranking": ["a", "c", "b"]}
            {"ranking": ["a", "b", "c"]}
            {"ranking": ["a", "c", "b"]}
            """
        let table = try Array(text.utf8).withUnsafeBytes { try VoteParser.parse($0, source: "unbeaten") }.table
        let degenerate = ChoiceCounts(table)
        var bootstrap = Bootstrap(rounds: 8, seed: 1)
        bootstrap.refit = .oneStep
        let firth = bootstrap.run(degenerate, fit: try PlackettLuce().fit(degenerate))
        #expect(firth.refit == .full)
        #expect(firth.refitReason.contains("one-step requested"), "\(firth.refitReason)")
    }
}
