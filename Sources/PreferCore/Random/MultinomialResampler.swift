/// Exact Multinomial(N; c₁/N, …, c_K/N) draws of cell counts — the
/// distribution of the per-cell counts after resampling N votes with
/// replacement — at O(K) cost per draw instead of O(N).
///
/// Method ("Poissonise, then repair"): draw Xₖ ~ Poisson(cₖ) independently,
/// so that S = ΣXₖ ~ Poisson(N) and X | S ~ Multinomial(S; p). If S < N, add
/// N − S votes drawn from p (the alias method over cells); if S > N, remove
/// S − N of the S drawn votes uniformly at random without replacement.
/// Either way the N votes that remain are N independent draws from p, so the
/// result is exactly Multinomial(N; p) whatever S was. The repair touches
/// |S − N| ≈ 0.8√N votes. A removal picks the ranks of the votes to remove
/// among the S drawn — a uniform (S − N)-subset of 0..<S by Floyd's
/// algorithm (Bentley & Floyd 1987, "Programming pearls: a sample of
/// brilliance", CACM 30) — and finds each rank's cell through the counts
/// summed per chunk of 64 draw positions while drawing, then within its
/// chunk: O(|S − N| log |S − N| + K/64 + 64 |S − N|) per round, every read
/// near the last.
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
    /// Draw positions per chunk of the removal's running sums: 2^chunkShift.
    static let chunkShift = 6
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
    /// Chunks of `1 << chunkShift` draw positions.
    var chunkCount: Int { (order.count + (1 << Self.chunkShift) - 1) >> Self.chunkShift }

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
        let shift = Self.chunkShift
        var sums = [Int](repeating: 0, count: rounds)
        var chunkSums = [UInt32](repeating: 0, count: rounds * chunkCount)
        chunkSums.withUnsafeMutableBufferPointer { chunks in
            for group in groups {
                let table = tables[group.table]
                for r in 0..<rounds {
                    var rng = generators[r]
                    let row = rows + r * k
                    let chunk = chunks.baseAddress! + r * chunkCount
                    var sum = 0
                    if let inversion = inversions[group.table] {
                        var position = group.start
                        while position < group.end {
                            let v = rng.next()
                            let x = inversion.sample(UInt32(truncatingIfNeeded: v), &rng)
                            row[position] = x
                            chunk[position >> shift] &+= x
                            sum += Int(x)
                            if position + 1 < group.end {
                                let y = inversion.sample(UInt32(truncatingIfNeeded: v >> 32), &rng)
                                row[position + 1] = y
                                chunk[(position + 1) >> shift] &+= y
                                sum += Int(y)
                            }
                            position += 2
                        }
                    } else {
                        for position in group.start..<group.end {
                            let x = UInt32(truncatingIfNeeded: table.sample(&rng))
                            row[position] = x
                            chunk[position >> shift] &+= x
                            sum += Int(x)
                        }
                    }
                    generators[r] = rng
                    sums[r] += sum
                }
            }
            for r in 0..<rounds {
                repair(PlainRow(counts: rows + r * k), sum: sums[r], chunkSums: chunks.baseAddress! + r * chunkCount, stride: 1, &generators[r])
            }
        }
    }

    /// Makes a row of Poisson counts summing to `sum` sum to `total`.
    /// `chunkSums[c · stride]` is the row's count summed over chunk c's
    /// positions (read only when votes are removed).
    func repair<Row: ResampledRow>(
        _ row: Row,
        sum: Int,
        chunkSums: UnsafePointer<UInt32>,
        stride: Int,
        _ rng: inout Xoshiro256
    ) {
        var s = sum
        while s < total {
            row[proposal.sample(&rng)] += 1
            s += 1
        }
        guard s > total else { return }
        // The ranks (0..<s, in draw-position order) of the votes to remove: Floyd's uniform subset.
        let m = s - total
        var picked = Set<Int>(minimumCapacity: m)
        for j in (s - m)..<s {
            let t = rng.nextIndex(below: j + 1)
            if !picked.insert(t).inserted { picked.insert(j) }
        }
        let ranks = picked.sorted()
        var removals: [Int] = []
        removals.reserveCapacity(m)
        var next = 0
        var before = 0  // votes at positions before the chunk
        var chunk = 0
        let width = 1 << Self.chunkShift
        while next < ranks.count {
            let inChunk = Int(chunkSums[chunk * stride])
            if ranks[next] < before + inChunk {
                var running = before
                var position = chunk * width
                while next < ranks.count && ranks[next] < before + inChunk {
                    running += Int(row[position])
                    while next < ranks.count && ranks[next] < running {
                        removals.append(position)
                        next += 1
                    }
                    position += 1
                }
            }
            before += inChunk
            chunk += 1
        }
        for position in removals { row[position] -= 1 }
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
