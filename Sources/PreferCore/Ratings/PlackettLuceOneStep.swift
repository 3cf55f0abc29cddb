import Foundation

/// The one-step (estimating-function) bootstrap of the Plackett–Luce fit:
/// each resample's estimate is one Newton step from the full-data estimate
/// with the full-data information,
///
///     θ*ᵣ = θ̂ + I(θ̂)⁻¹ Σᵢ wᵢᵣ gᵢ,
///
/// where gᵢ is the score of one vote of cell i at θ̂ (a K-way cell's K
/// members; a pairwise cell's two sides, and the tie parameter under
/// Davidson or Rao–Kupper), wᵢᵣ the cell's count in round r's resample, and
/// Σᵢ nᵢ gᵢ = 0 at the MLE (Hu & Kalbfleisch 2000, "The estimating function
/// bootstrap", Canadian Journal of Statistics 28; Davison, Hinkley &
/// Schechtman 1986 for the one-step linearisation). It is the first chord
/// step of `PlackettLuceRounds`, whose converged rounds it approximates to
/// second order: a round's difference from the full refit is O(‖θ* − θ̂‖²)
/// ≈ O(1/votes per contender) in log-strength, against a sampling spread of
/// O(1/√votes), so on large data the percentile intervals agree within their
/// Monte Carlo error (docs/models.md, "Bootstrap", gives the rule for when it
/// is used).
///
/// The gᵢ do not depend on the round, so a round needs no exponentials: as
/// `MultinomialResampler.drawLanes` draws a cell's counts for eight rounds
/// it adds count × gᵢ into eight-round accumulators, a `SIMD8<Double>` per
/// parameter (`ScatterSink`); the multinomial repair's few hundred ±1 changes
/// are scattered the same way. Then one triangular solve per round with the
/// information factored once (shared with `PlackettLuceRounds`). A round
/// whose resample leaves a contender absent, never beaten or never winning,
/// with no tie under a tie model, or whose step leaves the Rao–Kupper
/// parameter inadmissible, is refitted in full by `PlackettLuce.fit`
/// (`PlackettLuceRounds.refit`) and counted among the full-fit rounds.
///
/// Cost per round: O(Σ K) multiply-adds over the K-way cells (an eighth of
/// a scalar pass: eight rounds per vector) plus O(pairs), while drawing,
/// and O(d²) for the solve; against about four passes with exponentials and
/// divisions for the chord refit. Setup: one O(Σ K) pass for the scores.
struct PlackettLuceOneStep: Sendable {
    typealias LaneD = SIMD8<Double>

    let rounds: PlackettLuceRounds
    let factor: Cholesky
    let dimension: Int
    /// Per draw position p, its score entries `entryOffsets[p]..<entryOffsets[p + 1]`:
    /// parameter `entryIndex[e]` gets `entryValue[e]` per vote drawn.
    let entryOffsets: [Int32]
    let entryIndex: [Int32]
    let entryValue: [Double]

    /// Nil when the full-data fit is not a plain MLE (Firth's correction,
    /// provisional contenders): there the linearisation has no finite centre.
    init?(_ rounds: PlackettLuceRounds) {
        guard let factor = rounds.chord else { return nil }
        self.rounds = rounds
        self.factor = factor
        dimension = rounds.dimension
        let counts = rounds.counts
        let problem = rounds.problem
        let n = rounds.n
        let beta = rounds.start
        let tau = problem.hasTie ? beta[n] : 0
        let shift = beta.prefix(n).max() ?? 0
        let e = beta.prefix(n).map { Foundation.exp($0 - shift) }
        var offsets: [Int32] = [0]
        var index: [Int32] = []
        var value: [Double] = []
        offsets.reserveCapacity(rounds.order.count + 1)
        index.reserveCapacity(counts.cellMembers.count + 3 * rounds.pairCells)
        value.reserveCapacity(counts.cellMembers.count + 3 * rounds.pairCells)
        for cell in rounds.order {
            let cell = Int(cell)
            if cell < rounds.pairCells {
                let c = counts.pairs.cells[cell]
                let i = Int(counts.pairs.first[Int(c.pair)])
                let j = Int(counts.pairs.second[Int(c.pair)])
                let w = c.weight
                let (wi, wj, t): (Double, Double, Double) = switch c.kind {
                case .firstWins: (w, 0, 0)
                case .secondWins: (0, w, 0)
                case .tie: (0, 0, w)
                }
                let (gi, gt) = PlackettLuceRounds.pairGradient(problem.ties, wi, wj, t, beta[i], beta[j], tau)
                index += [Int32(i), Int32(j)]
                value += [gi, -gi]
                if problem.hasTie {
                    index.append(Int32(n))
                    value.append(gt)
                }
            } else {
                let c = cell - rounds.pairCells
                let members = counts.members(ofCell: c)
                let r = Int(counts.cellStages[c])
                let w = counts.cellWeights[c]
                var total = members.reduce(0) { $0 + e[Int($1)] }
                var running = 0.0
                for (p, id) in members.enumerated() {
                    let id = Int(id)
                    if p < r {
                        running += 1 / total
                        value.append(w * (1 - e[id] * running))
                        total -= e[id]
                    } else {
                        value.append(-w * e[id] * running)
                    }
                    index.append(Int32(id))
                }
            }
            offsets.append(Int32(index.count))
        }
        entryOffsets = offsets
        entryIndex = index
        entryValue = value
    }

    struct Scratch {
        var rounds: PlackettLuceRounds.Scratch
        /// Σᵢ wᵢᵣ gᵢ per parameter, eight rounds per vector.
        var acc: [LaneD]
        var step: [Double]
    }

    func makeScratch() -> Scratch {
        Scratch(
            rounds: rounds.makeScratch(),
            acc: Array(repeating: LaneD(), count: dimension),
            step: Array(repeating: 0, count: dimension))
    }

    /// Draws one resample per generator (≤ 8) and gives each its one-step
    /// estimate (or its full refit), as `PlackettLuceRounds.fitBlock` does.
    func fitBlock(
        generators: inout [Xoshiro256], resampler: MultinomialResampler,
        scratch s: inout Scratch,
        out: (Int) -> UnsafeMutableBufferPointer<Double>,
        ties tieOut: inout [Double]
    ) -> [PlackettLuceRounds.RoundResult] {
        let lanes = generators.count
        for k in 0..<dimension { s.acc[k] = LaneD() }
        rounds.destination.withUnsafeBufferPointer { destination in
            entryOffsets.withUnsafeBufferPointer { offsets in
                entryIndex.withUnsafeBufferPointer { index in
                    entryValue.withUnsafeBufferPointer { value in
                        s.rounds.lanes.withUnsafeMutableBufferPointer { slots in
                            s.acc.withUnsafeMutableBufferPointer { acc in
                                let sink = ScatterSink(
                                    lanes: slots.baseAddress!, destination: destination.baseAddress!,
                                    offsets: offsets.baseAddress!, index: index.baseAddress!,
                                    value: value.baseAddress!, acc: acc.baseAddress!)
                                resampler.drawLanes(&generators, sink: sink)
                            }
                        }
                    }
                }
            }
        }
        var results = [PlackettLuceRounds.RoundResult](repeating: .init(), count: lanes)
        for lane in 0..<lanes {
            var stepped = false
            if rounds.usable(lane, s.rounds.lanes) {
                for k in 0..<dimension { s.step[k] = s.acc[k][lane] }
                factor.solve(&s.step)
                var beta = rounds.start
                for k in 0..<dimension { beta[k] += s.step[k] }
                if beta.allSatisfy(\.isFinite) && rounds.admissible(beta) {
                    rounds.write(beta, into: out(lane), tie: &tieOut[lane])
                    results[lane].iterations = 1
                    stepped = true
                }
            }
            if !stepped {
                results[lane].iterations = rounds.refit(lane, &s.rounds, into: out(lane), tie: &tieOut[lane])
                results[lane].fullFit = true
            }
        }
        return results
    }
}

/// Stores a block's counts in lane layout, as `LaneStore` does, and adds
/// count × score into the eight-round accumulators as they are drawn.
struct ScatterSink: LaneSink {
    let lanes: UnsafeMutablePointer<SIMD8<UInt32>>
    let destination: UnsafePointer<Int32>
    let offsets: UnsafePointer<Int32>
    let index: UnsafePointer<Int32>
    let value: UnsafePointer<Double>
    let acc: UnsafeMutablePointer<SIMD8<Double>>

    @inline(__always)
    func take(_ counts: SIMD8<UInt32>, at position: Int) {
        lanes[Int(destination[position])] = counts
        let x = SIMD8<Double>(SIMD8<Int32>(truncatingIfNeeded: counts))
        var e = Int(offsets[position])
        let end = Int(offsets[position + 1])
        while e < end {
            let k = Int(index[e])
            acc[k] += x * value[e]  // not addingProduct: without FMA in the target it calls libm per lane
            e &+= 1
        }
    }

    func row(_ lane: Int) -> ScatterRow {
        ScatterRow(sink: self, lane: lane)
    }
}

/// One round of a `ScatterSink`: the repair's changes of a count move that
/// round's accumulators by the change × the cell's score.
struct ScatterRow: ResampledRow {
    let sink: ScatterSink
    let lane: Int

    subscript(position: Int) -> UInt32 {
        get { sink.lanes[Int(sink.destination[position])][lane] }
        nonmutating set {
            let slot = Int(sink.destination[position])
            let change = Double(newValue) - Double(sink.lanes[slot][lane])
            sink.lanes[slot][lane] = newValue
            for e in Int(sink.offsets[position])..<Int(sink.offsets[position + 1]) {
                sink.acc[Int(sink.index[e])][lane] += change * sink.value[e]
            }
        }
    }
}
