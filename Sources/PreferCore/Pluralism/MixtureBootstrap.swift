import Dispatch
import Foundation
import Synchronization

/// Percentile intervals for a Bradley–Terry mixture's per-type ratings by
/// the bootstrap over annotators (Efron 1979; resampling the independent
/// units of a mixture, McLachlan & Peel 2000, §2.16).
///
/// Each round draws U annotators with replacement (each annotator gets a
/// Multinomial(U; 1/U, …) multiplicity, all their votes with it), refits the
/// mixture by EM started from the full-data fit — which keeps the type
/// labels and needs few iterations — and then matches the round's types to
/// the full fit's by the permutation closest in the strengths (every
/// permutation for T ≤ 6, greedily beyond), so label switching cannot mix
/// two types' samples. Reported: the (1−level)/2 and (1+level)/2
/// percentiles of each centred rating. Rounds run in parallel, each with its
/// own generator from (seed, round), so the numbers depend on the seed only.
///
/// Cost: rounds × (EM iterations to convergence, typically 5–30) ×
/// O(rows · T), over the cores.
public struct MixtureBootstrap: Sendable {
    public var rounds: Int
    public var seed: UInt64
    public var level: Double
    public var threads: Int?
    /// EM tolerance within a round (relative objective change).
    public var tolerance: Double = 1e-8
    public var maxIterations: Int = 500

    public init(rounds: Int, seed: UInt64 = 42, level: Double = 0.95, threads: Int? = nil) {
        self.rounds = rounds
        self.seed = seed
        self.level = level
        self.threads = threads
    }

    public struct Result: Sendable {
        public var lower: [[Double]]
        public var upper: [[Double]]
        /// Bootstrap standard deviations on the Elo scale.
        public var standardErrors: [[Double]]
        public var meanIterations: Double
        public var warnings: [String]
    }

    public func run(
        _ data: AnnotatorPairCounts,
        fit: MixtureFit,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) -> Result {
        let t = fit.types
        let n = data.contenderCount
        let u = data.voterCount
        let rounds = max(rounds, 1)
        let samples = SharedBuffer<Double>(repeating: .nan, count: rounds * t * n)
        defer { samples.deallocate() }
        let iterations = SharedBuffer<Int32>(repeating: 0, count: rounds)
        defer { iterations.deallocate() }
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, rounds))
        let seed = seed
        let tolerance = tolerance
        let maxIterations = maxIterations
        let permutations = Self.permutations(t)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let round = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if round >= rounds { break }
                var rng = Xoshiro256(seed: seed, stream: UInt64(round))
                var weights = [Double](repeating: 0, count: u)
                for _ in 0..<u { weights[rng.nextIndex(below: u)] += 1 }
                var engine = MixtureEngine(data: data, types: t, ridge: fit.ridge, threads: 1, weights: weights)
                engine.start(theta: fit.rawTheta, shares: fit.shares)
                let run = BradleyTerryMixture.converge(&engine, tolerance: tolerance, maxIterations: maxIterations)
                iterations[round] = Int32(run.iterations)
                // Centred strengths of this round, per type.
                var centred = [[Double]](repeating: [], count: t)
                for k in 0..<t {
                    let row = Array(engine.theta[(k * n)..<((k + 1) * n)])
                    let mean = row.reduce(0, +) / Double(n)
                    centred[k] = row.map { $0 - mean }
                }
                let match = Self.match(centred, to: fit.theta, permutations: permutations)
                let out = samples.slice((round * t * n)..<((round + 1) * t * n))
                for k in 0..<t {
                    let ratings = fit.estimator.ratings(fromCentred: centred[match[k]], contenders: data.contenders)
                    for c in 0..<n { out[k * n + c] = ratings[c] }
                }
                progress?(done.wrappingAdd(1, ordering: .relaxed).newValue, rounds)
            }
        }
        let all = samples.array
        let qLow = (1 - level) / 2
        var lower = fit.ratings
        var upper = fit.ratings
        var sd = fit.ratings.map { $0.map { _ in 0.0 } }
        for k in 0..<t {
            for c in 0..<n {
                let values = (0..<rounds).map { all[$0 * t * n + k * n + c] }.filter { $0.isFinite }.sorted()
                guard values.count > 1 else { continue }
                lower[k][c] = Percentile.ofSorted(values, qLow)
                upper[k][c] = Percentile.ofSorted(values, 1 - qLow)
                let mean = values.reduce(0, +) / Double(values.count)
                sd[k][c] = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
            }
        }
        let mean = Double(iterations.array.reduce(0) { $0 + Int($1) }) / Double(rounds)
        return Result(lower: lower, upper: upper, standardErrors: sd, meanIterations: mean, warnings: [])
    }

    /// For each type k of the reference, the index of the round's type matched to it.
    static func match(_ round: [[Double]], to reference: [[Double]], permutations: [[Int]]) -> [Int] {
        let t = reference.count
        func cost(_ a: Int, _ b: Int) -> Double {
            zip(reference[a], round[b]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        if !permutations.isEmpty {
            var best = permutations[0]
            var bestCost = Double.infinity
            for p in permutations {
                let c = (0..<t).reduce(0) { $0 + cost($1, p[$1]) }
                if c < bestCost {
                    bestCost = c
                    best = p
                }
            }
            return best
        }
        var used = Set<Int>()
        return (0..<t).map { a in
            let b = (0..<t).filter { !used.contains($0) }.min { cost(a, $0) < cost(a, $1) }!
            used.insert(b)
            return b
        }
    }

    /// Every permutation of 0..<t for t ≤ 6, else none (greedy matching).
    static func permutations(_ t: Int) -> [[Int]] {
        guard t <= 6 else { return [] }
        var out: [[Int]] = []
        func extend(_ prefix: [Int]) {
            if prefix.count == t {
                out.append(prefix)
                return
            }
            for k in 0..<t where !prefix.contains(k) { extend(prefix + [k]) }
        }
        extend([])
        return out
    }
}

extension BradleyTerry {
    /// Elo ratings from centred natural-log strengths: initial + scale·θ/ln(base),
    /// shifted so that the anchor (if any) sits at its rating.
    func ratings(fromCentred theta: [Double], contenders: [String]) -> [Double] {
        var r = theta.map { initialRating + eloPerNat * $0 }
        if let anchor, let k = contenders.firstIndex(of: anchor.contender) {
            let shift = anchor.rating - r[k]
            r = r.map { $0 + shift }
        }
        return r
    }
}
