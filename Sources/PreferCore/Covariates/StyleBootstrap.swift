import Dispatch
import Foundation
import Synchronization

/// Percentile bootstrap for style control: ratings and style coefficients
/// (Efron 1979), as FastChat's `get_bootstrap_result_style_control`.
///
/// Each round draws N votes with replacement from the N votes of the fit
/// (as a count per vote, N uniform draws), keeps the standardisation of the
/// full data, and refits the joint model from the full-data estimate (warm
/// start: two or three Newton steps). A contender absent from a round's
/// resample has no rating in that round; the others are re-centred on their
/// component's present members. Reported: the (1−level)/2 and (1+level)/2
/// percentiles (numpy's linear interpolation) of each rating, rank and
/// coefficient, and the bootstrap standard deviations. Rounds run on all
/// cores, each with its own generator derived from (seed, round), so the
/// numbers depend on the seed only. Cost: rounds × (N draws + a refit).
struct StyleBootstrap: Sendable {
    var rounds: Int
    var seed: UInt64
    var level: Double
    var threads: Int?

    struct Result {
        var intervals: RatingIntervals
        var coefficientLower: [Double]
        var coefficientUpper: [Double]
        var coefficientSE: [Double]
        /// rounds × k coefficient draws.
        var coefficientSamples: [Double]
    }

    func run(
        _ design: CovariateDesign,
        fit: CovariateFit,
        controlled: BradleyTerryFit,
        model: CovariateBradleyTerry,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) -> Result {
        let n = design.contenderCount
        let k = design.k
        let rows = design.rows
        let estimator = controlled.estimator
        var configured = model
        configured.threads = 1
        configured.tolerance = max(model.tolerance, 1e-9)
        let roundModel = configured
        let samples = SharedBuffer<Double>(repeating: .nan, count: rounds * n)
        defer { samples.deallocate() }
        let gammas = SharedBuffer<Double>(repeating: .nan, count: rounds * k)
        defer { gammas.deallocate() }
        let iterations = SharedBuffer<Int32>(repeating: 0, count: rounds)
        defer { iterations.deallocate() }
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let start = fit.parameters
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, rounds))
        let seed = seed
        let rounds = rounds
        let anchor = controlled.anchorIndex

        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var counts = [UInt32](repeating: 0, count: rows)
            var present = [Bool](repeating: false, count: n)
            while true {
                let round = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard round < rounds else { break }
                var rng = Xoshiro256(seed: seed, stream: UInt64(round))
                for r in 0..<rows { counts[r] = 0 }
                for _ in 0..<rows { counts[rng.nextIndex(below: rows)] += 1 }
                for c in 0..<n { present[c] = false }
                if n > 0 {
                    for r in 0..<rows where counts[r] > 0 {
                        present[Int(design.a[r])] = true
                        present[Int(design.b[r])] = true
                    }
                }
                let refit = counts.withUnsafeBufferPointer { roundModel.fit(design, start: start, rowCounts: $0) }
                iterations[round] = Int32(refit.iterations)
                var theta = Array(refit.theta)
                if estimator.l2 == 0 {
                    // Re-centre each component on its present members.
                    var sum = [Double](repeating: 0, count: design.componentCount)
                    var size = [Double](repeating: 0, count: design.componentCount)
                    for c in 0..<n where present[c] {
                        sum[design.component[c]] += theta[c]
                        size[design.component[c]] += 1
                    }
                    for c in 0..<n where present[c] { theta[c] -= sum[design.component[c]] / size[design.component[c]] }
                }
                var ratings = (0..<n).map { estimator.initialRating + estimator.eloPerNat * theta[$0] }
                if let anchor, let pin = estimator.anchor {
                    let shift = present[anchor] ? pin.rating - ratings[anchor] : Double.nan
                    for c in 0..<n where estimator.l2 > 0 || design.component[c] == design.component[anchor] { ratings[c] += shift }
                }
                for c in 0..<n where present[c] && ratings[c].isFinite { samples[round * n + c] = ratings[c] }
                for j in 0..<k { gammas[round * k + j] = refit.parameters[n + j] }
                progress?(done.wrappingAdd(1, ordering: .relaxed).newValue, rounds)
            }
        }

        let all = samples.array
        var absent = [Int](repeating: 0, count: n)
        for r in 0..<rounds {
            for c in 0..<n where all[r * n + c].isNaN { absent[c] += 1 }
        }
        let meanIterations = Double(iterations.array.reduce(0) { $0 + Int($1) }) / Double(max(rounds, 1))
        let summary = Bootstrap(rounds: rounds, seed: seed, level: level)
            .summarise(fit: controlled, samples: all, absent: absent, fullFits: 0, iterations: meanIterations)
        let intervals = RatingIntervals(
            method: .bootstrap, level: level, lower: summary.lower, upper: summary.upper,
            standardErrors: summary.standardErrors, rankLower: summary.rankLower, rankUpper: summary.rankUpper,
            warnings: summary.warnings,
            bootstrap: BootstrapSummary(
                rounds: rounds, seed: seed,
                resampling: "votes resampled with replacement; style standardisation fixed",
                meanIterations: meanIterations, fullFitRounds: rounds, absentRounds: absent))

        let draws = gammas.array
        let qLow = (1 - level) / 2
        var lower = [Double](repeating: .nan, count: k)
        var upper = [Double](repeating: .nan, count: k)
        var sd = [Double](repeating: 0, count: k)
        for j in 0..<k {
            let values = (0..<rounds).map { draws[$0 * k + j] }.filter { $0.isFinite }.sorted()
            guard !values.isEmpty else { continue }
            lower[j] = Percentile.ofSorted(values, qLow)
            upper[j] = Percentile.ofSorted(values, 1 - qLow)
            let mean = values.reduce(0, +) / Double(values.count)
            sd[j] = values.count > 1 ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot() : 0
        }
        return Result(intervals: intervals, coefficientLower: lower, coefficientUpper: upper, coefficientSE: sd, coefficientSamples: draws)
    }
}
