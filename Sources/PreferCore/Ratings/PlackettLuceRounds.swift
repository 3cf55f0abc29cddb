import Foundation

/// Refits a block of up to eight bootstrap resamples with the Plackett–Luce
/// estimator, in lockstep: chord (simplified-Newton) steps
/// β ← β + (DH₀D)⁻¹∇ℓ(β) from the full-data estimate β̂, with the full-data
/// information H₀ factored once and Anderson mixing per round, as
/// `BootstrapRound` does for Bradley–Terry, the gradient of all eight rounds
/// coming from one `ChoiceLaneKernel` pass over the K-way cells. D is
/// diagonal, Dₖₖ = √(resampled wins of k / wins of k): a contender drawn more
/// often than in the data has proportionally more information, and scaling
/// H₀ so saves about one pass in ten.
///
/// Passes run in single precision with the sums moved to double precision
/// every `floatChunk` cells, which makes the gradient accurate to about
/// 10⁻⁷ of the information (the single-precision e^θ alone moves θ by
/// ≤ 6·10⁻⁸); a round is converged when a step is below `tolerance`
/// (3·10⁻⁷ in log-strength, 5·10⁻⁵ Elo, far below the Monte Carlo error of a
/// percentile). A round whose single-precision steps stop shrinking first
/// (a spread of strengths too wide for single precision) goes on in double
/// precision with the same test. A round whose resample leaves a contender absent,
/// never beaten or never winning (checked on lists of where each contender
/// won and lost), whose full-data fit needed Firth's correction, or that
/// does not converge within the step limits, is refitted by
/// `PlackettLuce.fit` itself and aligned to the full-data scale, so every
/// round gets the full-data estimator.
///
/// Cost per round: about five passes of O(Σ K) over the K-way cells (an
/// eighth of a scalar pass each), O(pairs) for the pairwise votes, and
/// O(d²) per step for the solve.
struct PlackettLuceRounds: Sendable {
    static let lanes = 8
    typealias LaneF = SIMD8<Float>
    typealias LaneD = SIMD8<Double>

    /// K-way cells of one width, in draw-position order.
    struct Group: Sendable {
        var k: Int
        var members: [Int32] = []
        var stages: [UInt8] = []
        var weights: [Double] = []
        /// Index of the group's first cell among all K-way cells.
        var first = 0
    }

    let counts: ChoiceCounts
    let fit: PlackettLuceFit
    let problem: ChoiceProblem
    let chord: Cholesky?
    let n: Int
    let dimension: Int
    let cellCount: Int
    let groups: [Group]
    let weighted: Bool
    /// Per draw position: its slot in the lane layout (K-way cells in group
    /// order, then pairwise cells), where `drawLanes` writes its counts.
    let destination: [Int32]
    /// Pairwise cells, in slot order after the K-way cells: pair, kind (0
    /// first wins, 1 second wins, 2 tie) and weight.
    let pairOfCell: [Int32]
    let kindOfCell: [UInt8]
    let pairWeight: [Double]
    /// Slots where each contender won, and where it lost.
    let winSlots: [[Int32]]
    let lossSlots: [[Int32]]
    /// Draw position → cell (pairwise cells first, then K-way cells).
    let order: [Int32]
    let pairCells: Int
    let start: [Double]
    /// Per contender: choices won plus pairwise points, in the full data.
    let fullWins: [Double]
    let tolerance: Double
    let maxFloatSteps = 30
    let maxDoubleSteps = 20
    static let roundTolerance = 3e-7

    init(counts: ChoiceCounts, fit: PlackettLuceFit, order: [Int32]) {
        self.counts = counts
        self.fit = fit
        self.order = order
        n = counts.contenderCount
        pairCells = counts.pairs.cells.count
        let groups = (0..<fit.graph.componentCount).map { fit.graph.members(of: $0) }
        problem = ChoiceProblem(counts, contenders: Array(0..<n), groups: groups, ties: fit.estimator.ties)
        dimension = problem.dimension
        cellCount = counts.cellCount
        var beta = fit.theta
        if problem.hasTie, let tie = fit.tieParameter { beta.append(Foundation.log(tie)) }
        start = beta
        var fullWins = problem.wins
        for p in 0..<problem.pairI.count {
            fullWins[Int(problem.pairI[p])] += problem.winsI[p] + 0.5 * problem.pairTies[p]
            fullWins[Int(problem.pairJ[p])] += problem.winsJ[p] + 0.5 * problem.pairTies[p]
        }
        self.fullWins = fullWins
        tolerance = max(fit.estimator.tolerance, Self.roundTolerance)
        let usable = !fit.componentMethods.contains(.firth) && !fit.provisional.contains(true)
            && problem.stages.count == counts.cellCount && problem.pairI.count == counts.pairs.pairCount
            && beta.count == problem.dimension
        chord = usable ? problem.definiteFactor(problem.information(beta)) : nil

        var pairPositions: [Int32] = []
        var pairOfCell: [Int32] = []
        var kindOfCell: [UInt8] = []
        var pairWeight: [Double] = []
        var groupOfWidth: [Int: Int] = [:]
        var list: [Group] = []
        var cellPositions: [[Int32]] = []
        var wins = [[Int32]](repeating: [], count: n)
        var losses = [[Int32]](repeating: [], count: n)
        for (position, cell) in order.enumerated() {
            let cell = Int(cell)
            if cell < pairCells {
                let c = counts.pairs.cells[cell]
                pairPositions.append(Int32(position))
                pairOfCell.append(c.pair)
                kindOfCell.append(c.kind.rawValue)
                pairWeight.append(c.weight)
                let i = Int(counts.pairs.first[Int(c.pair)])
                let j = Int(counts.pairs.second[Int(c.pair)])
                switch c.kind {
                case .firstWins:
                    wins[i].append(Int32(position))
                    losses[j].append(Int32(position))
                case .secondWins:
                    wins[j].append(Int32(position))
                    losses[i].append(Int32(position))
                case .tie:
                    for x in [i, j] {
                        wins[x].append(Int32(position))
                        losses[x].append(Int32(position))
                    }
                }
            } else {
                let c = cell - pairCells
                let members = counts.members(ofCell: c)
                let r = Int(counts.cellStages[c])
                let g: Int
                if let existing = groupOfWidth[members.count] {
                    g = existing
                } else {
                    g = list.count
                    groupOfWidth[members.count] = g
                    list.append(Group(k: members.count))
                    cellPositions.append([])
                }
                list[g].members += members
                list[g].stages.append(UInt8(r))
                cellPositions[g].append(Int32(position))
                list[g].weights.append(counts.cellWeights[c])
                for (p, id) in members.enumerated() {
                    if p < r { wins[Int(id)].append(Int32(position)) }
                    if p > 0 { losses[Int(id)].append(Int32(position)) }
                }
            }
        }
        let byWidth = list.indices.sorted { list[$0].k < list[$1].k }
        var destination = [Int32](repeating: -1, count: order.count)
        var first = 0
        for g in byWidth {
            list[g].first = first
            for (index, position) in cellPositions[g].enumerated() { destination[Int(position)] = Int32(first + index) }
            first += list[g].stages.count
        }
        for (index, position) in pairPositions.enumerated() { destination[Int(position)] = Int32(first + index) }
        self.destination = destination
        self.groups = byWidth.map { list[$0] }
        weighted = list.contains { $0.weights.contains { $0 != 1 } }
        self.pairOfCell = pairOfCell
        self.kindOfCell = kindOfCell
        self.pairWeight = pairWeight
        winSlots = wins.map { $0.map { destination[Int($0)] } }
        lossSlots = losses.map { $0.map { destination[Int($0)] } }
    }

    struct Scratch {
        var countsF: [LaneF]
        /// Double-precision counts, made only when a round needs double-precision passes.
        var countsD: [LaneD]
        var countsDReady = false
        var eF: [LaneF]
        var accF: [LaneF]
        var eD: [LaneD]
        var accD: [LaneD]
        var wins: [LaneD]
        /// Per contender: 1/D, D = √(resampled wins / wins).
        var scale: [LaneD]
        var winsI: [LaneD]
        var winsJ: [LaneD]
        var ties: [LaneD]
        var beta: [[Double]]
        var g: [Double]
        var anderson: [AndersonMixer]
        var pairCellCounts: [UInt32]
        var cellCounts: [UInt32]
        /// Counts by slot (K-way cells, then pairwise), eight rounds per slot.
        var lanes: [SIMD8<UInt32>]
        /// One round's counts in draw-position order, for a full refit.
        var row: [UInt32]
    }

    /// Scratch for `fitBlock`; with `passes` false, only what `fullFit`
    /// needs (`PlackettLuceOneStep` makes no passes and keeps its own
    /// counts: the per-cell lane buffers, ~100 bytes a cell, stay empty).
    func makeScratch(passes: Bool = true) -> Scratch {
        let p = counts.pairs.pairCount
        let cells = passes ? cellCount : 0
        return Scratch(
            countsF: Array(repeating: LaneF(), count: cells),
            countsD: Array(repeating: LaneD(), count: cells),
            eF: Array(repeating: LaneF(), count: n),
            accF: Array(repeating: LaneF(), count: n),
            eD: Array(repeating: LaneD(), count: n),
            accD: Array(repeating: LaneD(), count: n),
            wins: Array(repeating: LaneD(), count: n),
            scale: Array(repeating: LaneD(repeating: 1), count: n),
            winsI: Array(repeating: LaneD(), count: p),
            winsJ: Array(repeating: LaneD(), count: p),
            ties: Array(repeating: LaneD(), count: p),
            beta: Array(repeating: start, count: Self.lanes),
            g: Array(repeating: 0, count: dimension),
            anderson: Array(repeating: AndersonMixer(dimension: dimension, memory: 3), count: Self.lanes),
            pairCellCounts: Array(repeating: 0, count: pairCells),
            cellCounts: Array(repeating: 0, count: cellCount),
            lanes: Array(repeating: SIMD8(), count: passes ? order.count : 0),
            row: Array(repeating: 0, count: order.count)
        )
    }

    /// Outcome of one round of the block.
    struct RoundResult {
        var iterations = 0
        var fullFit = false
    }

    /// Draws one resample per generator (≤ 8, round r from `generators[r]`)
    /// with `resampler` and fits them, writing each round's Elo ratings (NaN
    /// for absent contenders) to `out(lane)` and its tie parameter (NaN when
    /// none) to `ties[lane]`.
    func fitBlock(
        generators: inout [Xoshiro256], resampler: MultinomialResampler,
        scratch s: inout Scratch,
        out: (Int) -> UnsafeMutableBufferPointer<Double>,
        ties tieOut: inout [Double]
    ) -> [RoundResult] {
        let lanes = generators.count
        destination.withUnsafeBufferPointer { destination in
            s.lanes.withUnsafeMutableBufferPointer { resampler.drawLanes(&generators, destination: destination.baseAddress!, into: $0.baseAddress!) }
        }
        var results = [RoundResult](repeating: RoundResult(), count: lanes)
        var done = [Bool](repeating: false, count: Self.lanes)
        for lane in lanes..<Self.lanes { done[lane] = true }
        if let chord {
            tally(lanes, &s)
            for lane in 0..<lanes where !usable(lane, s.lanes) { done[lane] = true; results[lane].fullFit = true }
            iterate(chord, lanes, &s, &done, &results)
        } else {
            for lane in 0..<lanes { done[lane] = true; results[lane].fullFit = true }
        }
        for lane in 0..<lanes {
            if results[lane].fullFit || !done[lane] {
                results[lane].iterations = refit(lane, &s, into: out(lane), tie: &tieOut[lane])
                results[lane].fullFit = true
            } else {
                write(s.beta[lane], into: out(lane), tie: &tieOut[lane])
            }
        }
        return results
    }

    /// `fullFit` on round `lane`'s resample as the block drew it in
    /// `s.lanes`; returns the refit's iterations.
    func refit(_ lane: Int, _ s: inout Scratch, into out: UnsafeMutableBufferPointer<Double>, tie: inout Double) -> Int {
        for position in 0..<order.count { s.row[position] = s.lanes[Int(destination[position])][lane] }
        var value = Double.nan
        let row = s.row
        let iterations = row.withUnsafeBufferPointer { fullFit($0, &s, into: out, tie: &value) }
        tie = value
        return iterations
    }

    /// Ratings (and tie parameter) from a converged round's β, each group
    /// re-centred where the full fit centres it (single-precision steps
    /// need not keep a group's Σθ exactly).
    func write(_ beta: [Double], into out: UnsafeMutableBufferPointer<Double>, tie: inout Double) {
        let c = fit.estimator.eloPerNat
        let base = fit.estimator.initialRating
        for members in problem.groups {
            let mean = members.reduce(0) { $0 + beta[$1] } / Double(members.count)
            for k in members { out[k] = base + c * (beta[k] - mean) }
        }
        if let a = fit.anchorIndex, let anchor = fit.estimator.anchor {
            let shift = anchor.rating - out[a]
            for k in 0..<n where fit.graph.component[k] == fit.graph.component[a] { out[k] += shift }
        }
        tie = problem.hasTie ? Foundation.exp(beta[n]) : (fit.tieParameter ?? .nan)
    }

    /// Whether every contender won and lost somewhere in round `lane`'s
    /// resample (and, with a tie parameter, some tie was drawn).
    func usable(_ lane: Int, _ lanes: [SIMD8<UInt32>]) -> Bool {
        for k in 0..<n {
            guard winSlots[k].contains(where: { lanes[Int($0)][lane] > 0 }),
                  lossSlots[k].contains(where: { lanes[Int($0)][lane] > 0 }) else { return false }
        }
        if problem.hasTie {
            for cell in kindOfCell.indices where kindOfCell[cell] == 2 && lanes[cellCount + cell][lane] > 0 {
                return true
            }
            return false
        }
        return true
    }

    /// Per-lane counts of the K-way cells, wins per contender and pairwise
    /// statistics of the block's resamples.
    private func tally(_ lanes: Int, _ s: inout Scratch) {
        for c in 0..<n { s.wins[c] = LaneD() }
        s.countsDReady = false
        let slots = s.lanes
        // Single-precision counts only: the double-precision ones are made by passDouble when a round needs them.
        s.countsF.withUnsafeMutableBufferPointer { countsF in
            s.wins.withUnsafeMutableBufferPointer { wins in
                for group in groups {
                    slots.withUnsafeBufferPointer { slots in
                        group.members.withUnsafeBufferPointer { members in
                            for cell in 0..<group.stages.count {
                                let c = LaneD(SIMD8<Int32>(truncatingIfNeeded: slots[group.first + cell]))
                                let w = group.weights[cell]
                                let weightedCount = w == 1 ? c : c * w
                                countsF[group.first + cell] = LaneF(weightedCount)
                                let base = cell * group.k
                                for stage in 0..<Int(group.stages[cell]) {
                                    wins[Int(members[base + stage])] += weightedCount
                                }
                            }
                        }
                    }
                }
            }
        }
        for p in 0..<counts.pairs.pairCount {
            s.winsI[p] = LaneD()
            s.winsJ[p] = LaneD()
            s.ties[p] = LaneD()
        }
        for cell in pairOfCell.indices {
            let c = LaneD(SIMD8<Int32>(truncatingIfNeeded: slots[cellCount + cell]))
            let w = c * pairWeight[cell]
            let p = Int(pairOfCell[cell])
            switch kindOfCell[cell] {
            case 0: s.winsI[p] += w
            case 1: s.winsJ[p] += w
            default: s.ties[p] += w
            }
        }
        // The preconditioner's scaling: resampled over full-data wins (and pairwise points).
        var points = s.wins
        for p in 0..<problem.pairI.count {
            points[Int(problem.pairI[p])] += s.winsI[p] + 0.5 * s.ties[p]
            points[Int(problem.pairJ[p])] += s.winsJ[p] + 0.5 * s.ties[p]
        }
        for c in 0..<n {
            let full = max(fullWins[c], 0.5)
            var scale = LaneD(repeating: 1)
            for lane in 0..<lanes { scale[lane] = (full / max(points[c][lane], 0.5)).squareRoot() }
            s.scale[c] = scale
        }
    }

    /// The chord iterations of the block: single precision until close, then
    /// double precision until every round's step is below `tolerance`.
    private func iterate(_ chord: Cholesky, _ lanes: Int, _ s: inout Scratch, _ done: inout [Bool], _ results: inout [RoundResult]) {
        let d = dimension
        for lane in 0..<Self.lanes {
            for k in 0..<d { s.beta[lane][k] = start[k] }
            s.anderson[lane].reset()
        }
        // Single precision, with double-precision sums.
        var stalled = done
        var previous = [Double](repeating: .infinity, count: Self.lanes)
        for step in 1...maxFloatSteps {
            passFloat(&s)
            for lane in 0..<Self.lanes where !done[lane] && !stalled[lane] {
                results[lane].iterations += 1
                laneGradient(lane, &s, float: true)
                let largest = solve(chord, lane, &s)
                if !largest.isFinite || (step > 3 && largest > 0.5 * previous[lane]) {
                    stalled[lane] = true
                    continue
                }
                if largest < tolerance {
                    for k in 0..<d { s.beta[lane][k] += s.g[k] }
                    done[lane] = true
                    if !admissible(s.beta[lane]) { results[lane].fullFit = true }
                    continue
                }
                previous[lane] = largest
                s.beta[lane].withUnsafeMutableBufferPointer { beta in
                    s.g.withUnsafeMutableBufferPointer { g in s.anderson[lane].step(beta, g) }
                }
                if !admissible(s.beta[lane]) { stalled[lane] = true }
            }
            if !zip(done, stalled).contains(where: { !$0 && !$1 }) { break }
        }
        guard done.contains(false) else { return }
        // Double precision for the rounds single precision could not finish.
        for lane in 0..<Self.lanes where !done[lane] {
            s.anderson[lane].reset()
            if !s.beta[lane].allSatisfy({ $0.isFinite }) || !admissible(s.beta[lane]) {
                for k in 0..<d { s.beta[lane][k] = start[k] }
            }
        }
        for _ in 1...maxDoubleSteps {
            passDouble(&s)
            for lane in 0..<Self.lanes where !done[lane] {
                results[lane].iterations += 1
                laneGradient(lane, &s, float: false)
                let largest = solve(chord, lane, &s)
                guard largest.isFinite else {
                    results[lane].fullFit = true
                    done[lane] = true
                    continue
                }
                if largest < tolerance {
                    for k in 0..<d { s.beta[lane][k] += s.g[k] }
                    done[lane] = admissible(s.beta[lane])
                    if !done[lane] { results[lane].fullFit = true; done[lane] = true }
                    continue
                }
                s.beta[lane].withUnsafeMutableBufferPointer { beta in
                    s.g.withUnsafeMutableBufferPointer { g in s.anderson[lane].step(beta, g) }
                }
            }
            if !done.contains(false) { break }
        }
        for lane in 0..<lanes where !done[lane] { results[lane].fullFit = true }
    }

    /// Rao–Kupper needs its τ = log θ above 0.
    func admissible(_ beta: [Double]) -> Bool {
        !(problem.ties == .raoKupper && !(beta[n] > 0))
    }

    /// s.g ← (D H₀ D)⁻¹ s.g for round `lane`; returns the largest |step|.
    private func solve(_ chord: Cholesky, _ lane: Int, _ s: inout Scratch) -> Double {
        for k in 0..<n { s.g[k] *= s.scale[k][lane] }
        chord.solve(&s.g)
        var largest = 0.0
        for k in 0..<dimension {
            if k < n { s.g[k] *= s.scale[k][lane] }
            largest = max(largest, Swift.abs(s.g[k]))
        }
        return largest
    }

    /// e = exp(θ − max θ) per lane, in both precisions' buffers as asked.
    private func exponentials(_ s: inout Scratch, float: Bool) {
        var shift = LaneD(repeating: -.infinity)
        for lane in 0..<Self.lanes {
            for k in 0..<n { shift[lane] = max(shift[lane], s.beta[lane][k]) }
        }
        for k in 0..<n {
            var e = LaneD()
            for lane in 0..<Self.lanes { e[lane] = Foundation.exp(s.beta[lane][k] - shift[lane]) }
            if float {
                s.eF[k] = LaneF(e)
                s.accF[k] = LaneF()
            } else {
                s.eD[k] = e
                s.accD[k] = LaneD()
            }
        }
    }

    /// Cells summed in single precision before the sums move to double
    /// precision: each contender then gathers a few dozen terms at most in
    /// single precision, and moving the sums costs O(n) per chunk.
    var floatChunk: Int { max(256, 8 * n) }

    private func passFloat(_ s: inout Scratch) {
        exponentials(&s, float: true)
        let n = self.n
        s.countsF.withUnsafeBufferPointer { counts in
            s.eF.withUnsafeBufferPointer { e in
                s.accF.withUnsafeMutableBufferPointer { acc in
                    s.accD.withUnsafeMutableBufferPointer { total in
                        for k in 0..<n { total[k] = LaneD() }
                        for group in groups {
                            group.members.withUnsafeBufferPointer { members in
                                group.stages.withUnsafeBufferPointer { stages in
                                    var first = 0
                                    while first < stages.count {
                                        let cells = min(floatChunk, stages.count - first)
                                        ChoiceLaneKernel.pass(
                                            width: group.k, members: members.baseAddress! + first * group.k,
                                            stages: stages.baseAddress! + first,
                                            counts: counts.baseAddress! + group.first + first, cells: cells,
                                            e: e.baseAddress!, acc: acc.baseAddress!)
                                        for k in 0..<n {
                                            total[k] += LaneD(acc[k])
                                            acc[k] = LaneF()
                                        }
                                        first += cells
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func passDouble(_ s: inout Scratch) {
        if !s.countsDReady {
            for group in groups {
                for cell in 0..<group.stages.count {
                    let c = LaneD(SIMD8<Int32>(truncatingIfNeeded: s.lanes[group.first + cell]))
                    let w = group.weights[cell]
                    s.countsD[group.first + cell] = w == 1 ? c : c * w
                }
            }
            s.countsDReady = true
        }
        exponentials(&s, float: false)
        s.countsD.withUnsafeBufferPointer { counts in
            s.eD.withUnsafeBufferPointer { e in
                s.accD.withUnsafeMutableBufferPointer { acc in
                    for group in groups {
                        group.members.withUnsafeBufferPointer { members in
                            group.stages.withUnsafeBufferPointer { stages in
                                ChoiceLaneKernel.pass(
                                    width: group.k, members: members.baseAddress!, stages: stages.baseAddress!,
                                    counts: counts.baseAddress! + group.first, cells: stages.count,
                                    e: e.baseAddress!, acc: acc.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }

    /// ∇ℓ of round `lane` at its β into `s.g`, from the last pass.
    private func laneGradient(_ lane: Int, _ s: inout Scratch, float: Bool) {
        let beta = s.beta[lane]
        for k in 0..<n {
            let e = float ? Double(s.eF[k][lane]) : s.eD[k][lane]
            let acc = s.accD[k][lane]
            s.g[k] = s.wins[k][lane] - e * acc
        }
        guard problem.pairI.count > 0 else { return }
        let tau = problem.hasTie ? beta[n] : 0
        if problem.hasTie { s.g[n] = 0 }
        for p in 0..<problem.pairI.count {
            let i = Int(problem.pairI[p])
            let j = Int(problem.pairJ[p])
            let (gi, gt) = Self.pairGradient(problem.ties, s.winsI[p][lane], s.winsJ[p][lane], s.ties[p][lane], beta[i], beta[j], tau)
            s.g[i] += gi
            s.g[j] -= gi
            if problem.hasTie { s.g[n] += gt }
        }
    }

    /// The pairwise part of the gradient of one pair: ∂/∂θᵢ (= −∂/∂θⱼ) and ∂/∂τ.
    @inline(__always)
    static func pairGradient(_ ties: TieModel, _ wi: Double, _ wj: Double, _ t: Double, _ thetaI: Double, _ thetaJ: Double, _ tau: Double) -> (Double, Double) {
        let total = wi + wj + t
        guard total > 0 else { return (0, 0) }
        switch ties {
        case .half:
            let q = PairwiseProblem.sigmoid(thetaI - thetaJ)
            return ((wi + 0.5 * t) - total * q, 0)
        case .davidson:
            let d = 0.5 * (thetaI - thetaJ)
            let top = max(Swift.abs(d), tau)
            let ei = Foundation.exp(d - top)
            let ej = Foundation.exp(-d - top)
            let et = Foundation.exp(tau - top)
            let z = ei + ej + et
            return (wi + 0.5 * t - total * (ei + 0.5 * et) / z, t - total * et / z)
        case .raoKupper:
            let d = thetaI - thetaJ
            let a = PairwiseProblem.sigmoid(tau - d)
            let b = PairwiseProblem.sigmoid(d + tau)
            var gi = wi * a - wj * b
            var gt = -wi * a - wj * b
            if t > 0 {
                gi += t * (-PairwiseProblem.sigmoid(d - tau) + PairwiseProblem.sigmoid(-tau - d))
                gt += t * (PairwiseProblem.sigmoid(d - tau) + PairwiseProblem.sigmoid(-tau - d) + 2 / Foundation.expm1(2 * tau))
            }
            return (gi, gt)
        }
    }

    /// The full estimator on the resample, aligned to the full-data scale.
    func fullFit(_ x: UnsafeBufferPointer<UInt32>, _ s: inout Scratch, into out: UnsafeMutableBufferPointer<Double>, tie: inout Double) -> Int {
        for position in 0..<x.count {
            let cell = Int(order[position])
            if cell < pairCells {
                s.pairCellCounts[cell] = x[position]
            } else {
                s.cellCounts[cell - pairCells] = x[position]
            }
        }
        let resample = s.pairCellCounts.withUnsafeBufferPointer { p in
            s.cellCounts.withUnsafeBufferPointer { c in ChoiceCounts(resampling: counts, pairCellCounts: p, cellCounts: c) }
        }
        guard let refit = try? fit.estimator.fit(resample) else {
            for k in 0..<n { out[k] = .nan }
            tie = .nan
            return 0
        }
        var ratings = refit.ratings
        let present = (0..<n).map { resample.contenderVotes[$0] > 0 }
        for c in 0..<refit.graph.componentCount {
            let members = refit.graph.members(of: c).filter { present[$0] }
            guard !members.isEmpty else { continue }
            let shift: Double
            if let a = fit.anchorIndex, let anchor = fit.estimator.anchor, members.contains(a) {
                shift = anchor.rating - ratings[a]
            } else {
                shift = members.reduce(0) { $0 + fit.ratings[$1] - ratings[$1] } / Double(members.count)
            }
            for k in members { ratings[k] += shift }
        }
        for k in 0..<n { out[k] = present[k] ? ratings[k] : .nan }
        tie = refit.tieParameter ?? .nan
        return refit.iterations
    }
}
