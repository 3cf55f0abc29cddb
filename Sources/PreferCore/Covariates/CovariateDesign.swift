/// The data of a `CovariateBradleyTerry` fit: one row per judgement (a vote,
/// or a pair with counts), each with the two contenders when they are known,
/// k covariates (feature differences between side A and side B, already
/// normalised by the caller) and the judgements' counts.
///
/// Row r contributes sᵣ = wᵣ·(aWinsᵣ + ½·tiesᵣ) successes for A out of
/// tᵣ = wᵣ·(aWinsᵣ + bWinsᵣ + tiesᵣ) trials when ties count half
/// (`Ties.half`, style control), or sᵣ = wᵣ·aWinsᵣ out of wᵣ·(aWinsᵣ + bWinsᵣ)
/// when only decisive judgements count (`Ties.excluded`, drivers). A vote is
/// a row with one count. Building is O(rows·k) plus a union–find over the
/// contender pairs (their connected components fix the strengths' origins).
public struct CovariateDesign: Sendable {
    public enum Ties: String, Sendable, Codable {
        /// A tie is half a win for each side (Prefer's convention for ratings).
        case half
        /// Ties are left out: decisive judgements only.
        case excluded
    }

    /// Contenders (0 = a design without strengths: pure logistic regression through the origin).
    public let contenderCount: Int
    /// Contender indices per row (empty when `contenderCount` is 0).
    public let a: [Int32]
    public let b: [Int32]
    /// Covariates, row-major: `covariates[r * k + j]`.
    public private(set) var covariates: [Double]
    /// Covariates per row.
    public private(set) var k: Int
    /// Weighted successes of A and weighted trials, per row.
    public let successes: [Double]
    public let trials: [Double]
    /// Σ w² over the row's judgements preferring A, preferring B and tied
    /// (ties: 0 when excluded): the ingredients of per-judgement robust errors.
    let aSquares: [Double]
    let bSquares: [Double]
    let tieSquares: [Double]
    /// The row's unordered contender pair, as an index into `pairFirst`/`pairSecond`.
    let pair: [Int32]
    let pairFirst: [Int32]
    let pairSecond: [Int32]
    /// Connected component per contender (contenders in no row get their own).
    public let component: [Int]
    public let componentCount: Int
    /// Judgements per contender (unweighted counts over kept rows).
    public let contenderJudgements: [Double]

    public var rows: Int { successes.count }
    /// Total unweighted judgements (votes) the rows hold.
    public let judgements: Double

    /// A design from columns. `aWins`, `bWins`, `ties`: judgement counts per
    /// row (1/0/0 for one vote A won); `weights`: per-row weights (nil = 1).
    /// Rows with no judgement left (a tie when ties are excluded) are dropped.
    public init(
        contenderCount: Int,
        a: [Int32],
        b: [Int32],
        covariates: [Double],
        k: Int,
        aWins: [Double],
        bWins: [Double],
        ties tieCounts: [Double],
        weights: [Double]? = nil,
        ties: Ties
    ) {
        let n = aWins.count
        precondition(bWins.count == n && tieCounts.count == n && covariates.count == n * k, "one value per row")
        precondition(contenderCount == 0 || (a.count == n && b.count == n), "contenders for every row")
        var keepA: [Int32] = []
        var keepB: [Int32] = []
        var z: [Double] = []
        var s: [Double] = []
        var t: [Double] = []
        var aSq: [Double] = []
        var bSq: [Double] = []
        var tSq: [Double] = []
        var perContender = [Double](repeating: 0, count: contenderCount)
        var judgements = 0.0
        z.reserveCapacity(n * k)
        s.reserveCapacity(n)
        t.reserveCapacity(n)
        for r in 0..<n {
            let w = weights?[r] ?? 1
            let countedTies = ties == .half ? tieCounts[r] : 0
            let total = aWins[r] + bWins[r] + countedTies
            guard total > 0, w > 0 else { continue }
            if contenderCount > 0 {
                guard a[r] != b[r] else { continue }
                keepA.append(a[r])
                keepB.append(b[r])
                perContender[Int(a[r])] += total
                perContender[Int(b[r])] += total
            }
            judgements += total
            s.append(w * (aWins[r] + 0.5 * countedTies))
            t.append(w * total)
            aSq.append(w * w * aWins[r])
            bSq.append(w * w * bWins[r])
            tSq.append(w * w * countedTies)
            for j in 0..<k { z.append(covariates[r * k + j]) }
        }
        self.contenderCount = contenderCount
        self.a = keepA
        self.b = keepB
        self.covariates = z
        self.k = k
        successes = s
        trials = t
        aSquares = aSq
        bSquares = bSq
        tieSquares = tSq
        contenderJudgements = perContender
        self.judgements = judgements

        // Pairs and components.
        var slots = PairSlotIndex(contenders: contenderCount)
        var first: [Int32] = []
        var second: [Int32] = []
        var pair: [Int32] = []
        pair.reserveCapacity(keepA.count)
        var parent = Array(0..<contenderCount)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for r in keepA.indices {
            let i = min(keepA[r], keepB[r])
            let j = max(keepA[r], keepB[r])
            let slot = slots.slot(i, j) {
                first.append(i)
                second.append(j)
                let ri = find(Int(i))
                let rj = find(Int(j))
                if ri != rj { parent[max(ri, rj)] = min(ri, rj) }
            }
            pair.append(Int32(slot))
        }
        self.pair = pair
        pairFirst = first
        pairSecond = second
        var label = [Int](repeating: -1, count: contenderCount)
        var component = [Int](repeating: 0, count: contenderCount)
        var next = 0
        for x in 0..<contenderCount {
            let root = find(x)
            if label[root] < 0 {
                label[root] = next
                next += 1
            }
            component[x] = label[root]
        }
        self.component = component
        componentCount = next
    }

    /// The same rows with only the covariates `keep` (indices, in order).
    public func keeping(covariates keep: [Int]) -> CovariateDesign {
        var copy = self
        copy.k = keep.count
        var z: [Double] = []
        z.reserveCapacity(rows * keep.count)
        for r in 0..<rows {
            for j in keep { z.append(covariates[r * k + j]) }
        }
        copy.covariates = z
        return copy
    }

    /// The covariates of row r.
    @inlinable
    public func covariate(_ r: Int, _ j: Int) -> Double { covariates[r * k + j] }
}
