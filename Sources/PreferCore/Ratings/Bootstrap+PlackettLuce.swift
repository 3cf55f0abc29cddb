import Dispatch
import Foundation
import Synchronization

extension Bootstrap {
    /// What a Plackett–Luce bootstrap gives: the rating and rank intervals,
    /// and the tie parameter's percentile interval when the tie model has one.
    public struct PlackettLuceResult: Sendable {
        public var intervals: RatingIntervals
        public var tieParameterLower: Double?
        public var tieParameterUpper: Double?
        /// Rounds × contenders, Elo scale, NaN where a contender was absent.
        public var samples: [Double]
        /// Per round: the tie parameter (NaN where none).
        public var tieSamples: [Double]
        /// The refit the rounds used (`full` or `oneStep`), and why.
        public var refit: Refit = .full
        public var refitReason: String = ""
    }

    /// Percentile bootstrap for Plackett–Luce ratings (and the tie
    /// parameter), resampling the votes — pairwise and K-way together — with
    /// replacement: one multinomial draw over the pairwise (pair, outcome,
    /// weight) cells and the K-way cells (`MultinomialResampler`), refitted
    /// eight rounds at a time by `PlackettLuceRounds` from the full-data
    /// estimate, or given the one-step estimate of `PlackettLuceOneStep`
    /// (`refit`; `auto` by data size, see `Refit`). Same seeding, threading and reporting as the Bradley–Terry
    /// `run`: round r draws from its own generator (seed, r), so the numbers
    /// depend on the seed only.
    public func run(
        _ counts: ChoiceCounts,
        fit: PlackettLuceFit,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) -> PlackettLuceResult {
        let n = counts.contenderCount
        let cellCounts = counts.pairs.cells.map(\.count) + counts.cellCounts
        let resampling = "multinomial over pairwise (pair, outcome) and K-way (ranking) cells"
        guard rounds > 0, !cellCounts.isEmpty else {
            let intervals = summarise(
                contenders: fit.contenders, ratings: fit.ratings, component: fit.graph.component, samples: [],
                absent: Array(repeating: 0, count: n), fullFits: 0, iterations: 0, resampling: resampling)
            return PlackettLuceResult(intervals: intervals, samples: [], tieSamples: [])
        }
        let resampler = MultinomialResampler(cellCounts: cellCounts)
        let engine = PlackettLuceRounds(counts: counts, fit: fit, order: resampler.order)
        let (choice, reason) = resolvedRefit(counts, oneStepAvailable: engine.chord != nil)
        let oneStep = choice == .oneStep ? PlackettLuceOneStep(engine) : nil
        let block = PlackettLuceRounds.lanes
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, (rounds + block - 1) / block))

        let samples = SharedBuffer<Double>(repeating: .nan, count: rounds * n)
        defer { samples.deallocate() }
        let tieSamples = SharedBuffer<Double>(repeating: .nan, count: rounds)
        defer { tieSamples.deallocate() }
        let iterationsPerRound = SharedBuffer<Int32>(repeating: 0, count: rounds)
        defer { iterationsPerRound.deallocate() }
        let fullFit = SharedBuffer<Bool>(repeating: false, count: rounds)
        defer { fullFit.deallocate() }
        let nextBlock = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let seed = seed
        let rounds = rounds

        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var scratch = oneStep == nil ? engine.makeScratch() : nil
            var oneStepScratch = oneStep?.makeScratch()
            while true {
                let b = nextBlock.wrappingAdd(1, ordering: .relaxed).oldValue
                let r0 = b * block
                if r0 >= rounds { break }
                let r1 = min(rounds, r0 + block)
                var generators = (r0..<r1).map { Xoshiro256(seed: seed, stream: UInt64($0)) }
                var ties = [Double](repeating: .nan, count: PlackettLuceRounds.lanes)
                let out = { (lane: Int) in samples.slice(((r0 + lane) * n)..<((r0 + lane + 1) * n)) }
                let results = if let oneStep {
                    oneStep.fitBlock(generators: &generators, resampler: resampler, scratch: &oneStepScratch!, out: out, ties: &ties)
                } else {
                    engine.fitBlock(generators: &generators, resampler: resampler, scratch: &scratch!, out: out, ties: &ties)
                }
                for r in r0..<r1 {
                    tieSamples[r] = ties[r - r0]
                    iterationsPerRound[r] = Int32(results[r - r0].iterations)
                    fullFit[r] = results[r - r0].fullFit
                }
                let finished = done.wrappingAdd(r1 - r0, ordering: .relaxed).newValue
                progress?(finished, rounds)
            }
        }

        let all = samples.array
        var absent = [Int](repeating: 0, count: n)
        for r in 0..<rounds {
            for c in 0..<n where all[r * n + c].isNaN { absent[c] += 1 }
        }
        let intervals = summarise(
            contenders: fit.contenders, ratings: fit.ratings, component: fit.graph.component, samples: all,
            absent: absent, fullFits: fullFit.array.reduce(0) { $0 + ($1 ? 1 : 0) },
            iterations: Double(iterationsPerRound.array.reduce(0) { $0 + Int($1) }) / Double(rounds),
            resampling: resampling)
        let ties = tieSamples.array
        var result = PlackettLuceResult(intervals: intervals, samples: all, tieSamples: ties, refit: choice, refitReason: reason)
        let values = ties.filter { !$0.isNaN }.sorted()
        if fit.tieParameter != nil, !values.isEmpty {
            result.tieParameterLower = Percentile.ofSorted(values, (1 - level) / 2)
            result.tieParameterUpper = Percentile.ofSorted(values, (1 + level) / 2)
        }
        return result
    }
}
