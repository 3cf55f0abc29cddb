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
/// it adds count × gᵢ into eight-round accumulators, a `SIMD8<Float>` per
/// parameter moved into `SIMD8<Double>` sums every 1,024 cells
/// (`ScatterSink`: each single-precision sum gathers a few dozen terms, so
/// a round's score is exact to about 10⁻⁷ of its size, the precision of
/// `PlackettLuceRounds`' single-precision passes), reading the gᵢ and
/// writing the counts in draw order, one pass through memory; the
/// multinomial repair's few hundred ±1 changes are scattered in double
/// precision. Then one triangular solve per round with the
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
    /// `entryValue` in single precision, for the draw's scatter.
    let entryValueF: [Float]
    /// Draw positions below this are drawn by inversion (counts ≤ 2) and
    /// their counts kept in a byte per round (`PoissonInversion` cannot
    /// return more than `PoissonInversion.largestValue` < 256); the others
    /// in 32 bits.
    let narrowEnd: Int
    /// Per contender: the draw positions where it won, and where it lost;
    /// the positions of ties.
    let winPositions: [[Int32]]
    let lossPositions: [[Int32]]
    let tiePositions: [Int32]

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
        entryValueF = value.map { Float($0) }
        narrowEnd = Self.narrowEnd(rounds)
        var positionOfSlot = [Int32](repeating: 0, count: rounds.destination.count)
        for (position, slot) in rounds.destination.enumerated() { positionOfSlot[Int(slot)] = Int32(position) }
        winPositions = rounds.winSlots.map { $0.map { positionOfSlot[Int($0)] } }
        lossPositions = rounds.lossSlots.map { $0.map { positionOfSlot[Int($0)] } }
        tiePositions = rounds.kindOfCell.indices.filter { rounds.kindOfCell[$0] == 2 }
            .map { positionOfSlot[rounds.cellCount + $0] }
    }

    /// The end of the draw positions whose cells are seen at most twice
    /// (positions are sorted by count), where the resampler draws by
    /// inversion.
    static func narrowEnd(_ rounds: PlackettLuceRounds) -> Int {
        var end = 0
        for cell in rounds.order {
            let cell = Int(cell)
            let count = cell < rounds.pairCells ? rounds.counts.pairs.cells[cell].count : rounds.counts.cellCounts[cell - rounds.pairCells]
            guard Double(count) <= PoissonInversion.largestMean else { break }
            end += 1
        }
        precondition(PoissonInversion.largestValue < 255, "inversion draws fit a byte")
        return end
    }

    struct Scratch {
        var rounds: PlackettLuceRounds.Scratch
        /// Σᵢ wᵢᵣ gᵢ per parameter, eight rounds per vector.
        var acc: [LaneD]
        /// The part of it not yet moved into `acc`.
        var accF: [SIMD8<Float>]
        /// The block's counts by draw position: bytes below `narrowEnd`, 32 bits from there.
        var narrow: [SIMD8<UInt8>]
        var wide: [SIMD8<UInt32>]
        var step: [Double]
    }

    func makeScratch() -> Scratch {
        Scratch(
            rounds: rounds.makeScratch(passes: false),
            acc: Array(repeating: LaneD(), count: dimension),
            accF: Array(repeating: SIMD8(), count: dimension),
            narrow: Array(repeating: SIMD8(), count: narrowEnd),
            wide: Array(repeating: SIMD8(), count: rounds.order.count - narrowEnd),
            step: Array(repeating: 0, count: dimension))
    }

    /// Round `lane`'s count at a draw position.
    @inline(__always)
    static func count(_ s: Scratch, _ position: Int, _ lane: Int, narrowEnd: Int) -> UInt32 {
        position < narrowEnd ? UInt32(s.narrow[position][lane]) : s.wide[position - narrowEnd][lane]
    }

    /// Whether every contender won and lost somewhere in round `lane`'s
    /// resample (and, with a tie parameter, some tie was drawn).
    func usable(_ lane: Int, _ s: Scratch) -> Bool {
        let end = narrowEnd
        for k in 0..<rounds.n {
            guard winPositions[k].contains(where: { Self.count(s, Int($0), lane, narrowEnd: end) > 0 }),
                  lossPositions[k].contains(where: { Self.count(s, Int($0), lane, narrowEnd: end) > 0 }) else { return false }
        }
        if rounds.problem.hasTie {
            return tiePositions.contains { Self.count(s, Int($0), lane, narrowEnd: end) > 0 }
        }
        return true
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
        let start = generators
        for k in 0..<dimension {
            s.acc[k] = LaneD()
            s.accF[k] = SIMD8()
        }
        entryOffsets.withUnsafeBufferPointer { offsets in
            entryIndex.withUnsafeBufferPointer { index in
                entryValue.withUnsafeBufferPointer { value in
                    entryValueF.withUnsafeBufferPointer { valueF in
                        s.narrow.withUnsafeMutableBufferPointer { narrow in
                            s.wide.withUnsafeMutableBufferPointer { wide in
                                s.acc.withUnsafeMutableBufferPointer { acc in
                                    s.accF.withUnsafeMutableBufferPointer { accF in
                                        let sink = ScatterSink(
                                            narrow: narrow.baseAddress!, wide: wide.baseAddress!, narrowEnd: narrowEnd,
                                            offsets: offsets.baseAddress!, index: index.baseAddress!,
                                            value: value.baseAddress!, valueF: valueF.baseAddress!,
                                            acc: acc.baseAddress!, accF: accF.baseAddress!, dimension: dimension)
                                        resampler.drawLanes(&generators, sink: sink)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var results = [PlackettLuceRounds.RoundResult](repeating: .init(), count: lanes)
        for lane in 0..<lanes {
            var stepped = false
            if usable(lane, s) {
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
                // The round's counts again, drawn one round at a time from its generator as the block drew them.
                var generator = [start[lane]]
                s.rounds.row.withUnsafeMutableBufferPointer { resampler.draw(&generator, into: $0.baseAddress!) }
                var tie = Double.nan
                let row = s.rounds.row
                results[lane].iterations = row.withUnsafeBufferPointer { rounds.fullFit($0, &s.rounds, into: out(lane), tie: &tie) }
                tieOut[lane] = tie
                results[lane].fullFit = true
            }
        }
        return results
    }
}

/// Keeps a block's counts in draw order (`narrow` bytes below `narrowEnd`,
/// `wide` from there) and adds count × score into the eight-round
/// accumulators as they are drawn: in single precision, moved into the
/// double-precision sums every `flushEvery` positions and at the end.
struct ScatterSink: LaneSink {
    static let flushEvery = 1024
    let narrow: UnsafeMutablePointer<SIMD8<UInt8>>
    let wide: UnsafeMutablePointer<SIMD8<UInt32>>
    let narrowEnd: Int
    let offsets: UnsafePointer<Int32>
    let index: UnsafePointer<Int32>
    let value: UnsafePointer<Double>
    let valueF: UnsafePointer<Float>
    let acc: UnsafeMutablePointer<SIMD8<Double>>
    let accF: UnsafeMutablePointer<SIMD8<Float>>
    let dimension: Int

    @inline(__always)
    func take(_ counts: SIMD8<UInt32>, at position: Int) {
        if position < narrowEnd {
            narrow[position] = SIMD8<UInt8>(truncatingIfNeeded: counts)
        } else {
            wide[position - narrowEnd] = counts
        }
        let x = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: counts))
        var e = Int(offsets[position])
        let end = Int(offsets[position + 1])
        while e < end {
            let k = Int(index[e])
            accF[k] += x * valueF[e]  // not addingProduct: without FMA in the target it calls libm per lane
            e &+= 1
        }
        if position & (Self.flushEvery - 1) == Self.flushEvery - 1 { flush() }
    }

    func flush() {
        for k in 0..<dimension {
            acc[k] += SIMD8<Double>(accF[k])
            accF[k] = SIMD8()
        }
    }

    func finish() { flush() }

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
        get {
            position < sink.narrowEnd ? UInt32(sink.narrow[position][lane]) : sink.wide[position - sink.narrowEnd][lane]
        }
        nonmutating set {
            let change = Double(newValue) - Double(self[position])
            if position < sink.narrowEnd {
                // Inversion draws are below 256 and a repair moves a count by a few at most; saturate, never wrap.
                sink.narrow[position][lane] = UInt8(clamping: newValue)
            } else {
                sink.wide[position - sink.narrowEnd][lane] = newValue
            }
            for e in Int(sink.offsets[position])..<Int(sink.offsets[position + 1]) {
                sink.acc[Int(sink.index[e])][lane] += change * sink.value[e]
            }
        }
    }
}
