/// Exact Multinomial(N; c₁/N, …, c_K/N) draws of cell counts — the
/// distribution of the per-cell counts after resampling N votes with
/// replacement — at O(K) cost per draw instead of O(N).
///
/// Method ("Poissonise, then repair"): draw Xₖ ~ Poisson(cₖ) independently,
/// so that S = ΣXₖ ~ Poisson(N) and X | S ~ Multinomial(S; p). If S < N, add
/// N − S votes drawn from p; if S > N, remove S − N of the S drawn votes
/// uniformly at random. Either way the N votes that remain are N independent
/// draws from p, so the result is exactly Multinomial(N; p) whatever S was.
/// The repair touches |S − N| ≈ 0.8√N votes: additions by the alias method
/// over cells, removals by rejection — propose a group of equal-count cells
/// ∝ its size × its largest draw M_g, a cell uniformly within it, and accept
/// with probability Xₖ / M_g, which picks each drawn vote with equal
/// probability and accepts almost always.
///
/// Poisson draws use one alias table per distinct count (`PoissonAliasTable`)
/// — or, for counts 1 and 2, inversion on 32-bit halves of a draw
/// (`PoissonInversion`, two cells per 64-bit draw, vectorised over rounds in
/// `drawLanes`) — and cells are visited grouped by count so each table stays
/// in cache. A
/// block of rounds is drawn together, but every round has its own generator
/// and consumes it in the same order however rounds are split into blocks or
/// threads, so the draws depend on the seed alone.
struct MultinomialResampler: Sendable {
    /// Cell index at each draw position (cells sorted by count).
    let order: [Int32]
    /// Count of the cell at each draw position.
    let counts: [UInt32]
    /// Runs of positions that share a count: (first position, end, table).
    let groups: [(start: Int, end: Int, table: Int)]
    let tables: [PoissonAliasTable]
    /// Per table, its inversion sampler when the count is small enough.
    let inversions: [PoissonInversion?]
    /// Proposal over positions, ∝ count.
    let proposal: AliasTable
    let total: Int

    var cellCount: Int { order.count }

    init(cellCounts: [Int]) {
        precondition(!cellCounts.isEmpty && cellCounts.allSatisfy { $0 > 0 }, "cells need positive counts")
        let sorted = cellCounts.indices.sorted { (cellCounts[$0], $0) < (cellCounts[$1], $1) }
        order = sorted.map { Int32($0) }
        counts = sorted.map { UInt32(cellCounts[$0]) }
        var groups: [(Int, Int, Int)] = []
        var tables: [PoissonAliasTable] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && counts[end] == counts[start] { end += 1 }
            tables.append(PoissonAliasTable(mean: Double(counts[start])))
            groups.append((start, end, tables.count - 1))
            start = end
        }
        self.groups = groups
        self.tables = tables
        inversions = tables.map { PoissonInversion(mean: $0.mean) }
        proposal = AliasTable(weights: counts.map(Double.init))
        total = cellCounts.reduce(0, +)
    }

    /// Draws one resample per generator into `rows` (generators.count rows of
    /// `cellCount` counts, in draw-position order).
    func draw(_ generators: inout [Xoshiro256], into rows: UnsafeMutablePointer<UInt32>) {
        let rounds = generators.count
        let k = cellCount
        var sums = [Int](repeating: 0, count: rounds)
        let groupCount = groups.count
        var largestInGroup = [UInt32](repeating: 0, count: rounds * groupCount)
        for (g, group) in groups.enumerated() {
            let table = tables[group.table]
            if let inversion = inversions[group.table] {
                for r in 0..<rounds {
                    var rng = generators[r]
                    let row = rows + r * k
                    var sum = 0
                    var largest: UInt32 = 0
                    var position = group.start
                    while position < group.end {
                        let v = rng.next()
                        let x = inversion.sample(UInt32(truncatingIfNeeded: v), &rng)
                        row[position] = x
                        sum += Int(x)
                        largest = max(largest, x)
                        if position + 1 < group.end {
                            let y = inversion.sample(UInt32(truncatingIfNeeded: v >> 32), &rng)
                            row[position + 1] = y
                            sum += Int(y)
                            largest = max(largest, y)
                        }
                        position += 2
                    }
                    generators[r] = rng
                    sums[r] += sum
                    largestInGroup[r * groupCount + g] = largest
                }
                continue
            }
            for r in 0..<rounds {
                var rng = generators[r]
                let row = rows + r * k
                var sum = 0
                var largest: UInt32 = 0
                for position in group.start..<group.end {
                    let x = UInt32(truncatingIfNeeded: table.sample(&rng))
                    row[position] = x
                    sum += Int(x)
                    largest = max(largest, x)
                }
                generators[r] = rng
                sums[r] += sum
                largestInGroup[r * groupCount + g] = largest
            }
        }
        for r in 0..<rounds {
            largestInGroup.withUnsafeBufferPointer { m in
                repair(PlainRow(counts: rows + r * k), sum: sums[r], largest: UnsafeBufferPointer(rebasing: m[(r * groupCount)..<((r + 1) * groupCount)]), &generators[r])
            }
        }
    }

    /// Makes a row of Poisson counts summing to `sum` sum to `total`.
    func repair<Row: ResampledRow>(
        _ row: Row,
        sum: Int,
        largest: UnsafeBufferPointer<UInt32>,
        _ rng: inout Xoshiro256
    ) {
        var s = sum
        while s < total {
            row[proposal.sample(&rng)] += 1
            s += 1
        }
        guard s > total else { return }
        // Envelope: group g gets weight size_g · M_g ≥ its drawn votes.
        let envelope = AliasTable(weights: groups.indices.map { g in
            Double(groups[g].end - groups[g].start) * Double(largest[g])
        })
        while s > total {
            let g = envelope.sample(&rng)
            let group = groups[g]
            let position = group.start + rng.nextIndex(below: group.end - group.start)
            if UInt64(rng.nextIndex(below: Int(largest[g]))) < UInt64(row[position]) {
                row[position] -= 1
                s -= 1
            }
        }
    }
}

/// Where a resampled round's counts live, by draw position.
protocol ResampledRow {
    subscript(position: Int) -> UInt32 { get nonmutating set }
}

/// A round's counts in draw-position order.
struct PlainRow: ResampledRow {
    let counts: UnsafeMutablePointer<UInt32>

    subscript(position: Int) -> UInt32 {
        get { counts[position] }
        nonmutating set { counts[position] = newValue }
    }
}
