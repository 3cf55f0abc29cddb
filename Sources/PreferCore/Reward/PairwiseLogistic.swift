import Dispatch
import Foundation

/// The Bradley–Terry reward model's training objective on a set of pairs:
/// regularised logistic loss on the reward differences (Bradley & Terry
/// 1952; the pairwise loss of reward models since Christiano et al. 2017 and
/// Ouyang et al. 2022, here with a linear reward r(x) = wᵀφ(x)).
///
///     f(w) = (1/W) Σₚ cₚ·[yₚ·log(1 + e^(−zₚ)) + (1 − yₚ)·log(1 + e^(zₚ))] + (λ/2)‖w‖²
///
/// with zₚ = r(chosenₚ) − r(rejectedₚ), yₚ = 1 (or ½ for a tie), cₚ the
/// pair's weight and W = Σ cₚ. The gradient is (1/W) Σₚ cₚ(σ(zₚ) − yₚ)·
/// (φ(chosenₚ) − φ(rejectedₚ)) + λw; this equals scikit-learn's
/// LogisticRegression (no intercept) on the differences with C = 1/(λW).
///
/// One evaluation: the rows' scores (parallel over rows), the pair residuals
/// (O(pairs)), then the gradient scattered into a fixed number of partial
/// sums added in a fixed order, and the penalty summed over fixed blocks of
/// the weights — the result does not depend on the thread count.
/// O(stored features of the rows used) per evaluation; the buffers (rows'
/// scores, partial gradients) are allocated once per objective, and the hot
/// loops read the compressed rows through pointers (no bounds checks).
struct PairwiseLogistic: @unchecked Sendable {
    let data: RewardDataset
    let pairs: [Int]
    /// Rows the pairs use, ascending.
    let rows: [Int]
    let lambda: Double
    let threads: Int
    let totalWeight: Double
    let workspace: Workspace
    static let partitions = 4
    /// Blocks of the weight vector for the gradient's sum and the penalty.
    static let blocks = 16

    init(data: RewardDataset, pairs: [Int], lambda: Double, threads: Int) {
        self.data = data
        self.pairs = pairs
        self.lambda = lambda
        self.threads = max(1, threads)
        var used = [Bool](repeating: false, count: data.rowCount)
        var total = 0.0
        for p in pairs {
            used[Int(data.chosen[p])] = true
            used[Int(data.rejected[p])] = true
            total += data.weight[p]
        }
        rows = (0..<data.rowCount).filter { used[$0] }
        totalWeight = total
        workspace = Workspace(rows: data.rowCount, dimension: data.features.dimension, parts: Self.partitions)
    }

    /// Buffers reused by every evaluation of one objective.
    final class Workspace: @unchecked Sendable {
        let scores: SharedBuffer<Double>
        let coefficient: SharedBuffer<Double>
        let partials: SharedBuffer<Double>

        init(rows: Int, dimension: Int, parts: Int) {
            scores = SharedBuffer(repeating: 0, count: max(1, rows))
            coefficient = SharedBuffer(repeating: 0, count: max(1, rows))
            partials = SharedBuffer(repeating: 0, count: max(1, parts * dimension))
        }

        deinit {
            scores.deallocate()
            coefficient.deallocate()
            partials.deallocate()
        }
    }

    @inline(__always)
    static func softplus(_ x: Double) -> Double {
        x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
    }

    /// The compressed rows as pointers, for the parallel loops.
    private struct Rows: @unchecked Sendable {
        let start: UnsafeBufferPointer<Int>
        let indices: UnsafeBufferPointer<UInt32>
        let values: UnsafeBufferPointer<Float>
        let dense: UnsafeBufferPointer<Float>
        let used: UnsafeBufferPointer<Int>
        let denseCount: Int
        let hashed: Int

        @inline(__always)
        func score(_ r: Int, _ w: UnsafeBufferPointer<Double>) -> Double {
            var s = 0.0
            for k in start[r]..<start[r + 1] { s += Double(values[k]) * w[Int(indices[k])] }
            for f in 0..<denseCount { s += Double(dense[r * denseCount + f]) * w[hashed + f] }
            return s
        }
    }

    private func withRows<T>(_ body: (Rows) -> T) -> T {
        data.rowStart.withUnsafeBufferPointer { start in
            data.indices.withUnsafeBufferPointer { indices in
                data.values.withUnsafeBufferPointer { values in
                    data.dense.withUnsafeBufferPointer { dense in
                        rows.withUnsafeBufferPointer { used in
                            body(Rows(
                                start: start, indices: indices, values: values, dense: dense, used: used,
                                denseCount: data.features.dense.count, hashed: data.features.hashedDimension))
                        }
                    }
                }
            }
        }
    }

    private struct Vectors: @unchecked Sendable {
        let w: UnsafeBufferPointer<Double>
        let g: UnsafeMutableBufferPointer<Double>
    }

    /// f(w), writing ∇f(w) into `gradient`.
    func evaluate(_ w: [Double], gradient: inout [Double]) -> Double {
        let dimension = data.features.dimension
        let scores = workspace.scores
        let coefficient = workspace.coefficient
        let partials = workspace.partials
        let parts = Self.partitions
        let workers = min(threads, parts)
        let blocks = Self.blocks
        let lambda = self.lambda
        let penalties = SharedBuffer<Double>(repeating: 0, count: blocks)
        defer { penalties.deallocate() }
        return withRows { rows in
            let count = rows.used.count
            return w.withUnsafeBufferPointer { weights in
                gradient.withUnsafeMutableBufferPointer { g in
                    let v = Vectors(w: weights, g: g)
                    // 1. Scores of the rows used.
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        var part = worker
                        while part < parts {
                            for k in (count * part / parts)..<(count * (part + 1) / parts) {
                                let r = rows.used[k]
                                scores[r] = rows.score(r, v.w)
                            }
                            part += workers
                        }
                    }
                    // 2. Loss and per-row coefficients (sequential: O(pairs)).
                    for k in 0..<count { coefficient[rows.used[k]] = 0 }
                    var loss = 0.0
                    for p in pairs {
                        let c = Int(data.chosen[p])
                        let r = Int(data.rejected[p])
                        let z = scores[c] - scores[r]
                        let y = data.label[p]
                        let weight = data.weight[p]
                        loss += weight * (y * Self.softplus(-z) + (1 - y) * Self.softplus(z))
                        let d = weight * (PairwiseProblem.sigmoid(z) - y) / totalWeight
                        coefficient[c] += d
                        coefficient[r] -= d
                    }
                    // 3. Gradient: partial sums per partition of the rows.
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        var part = worker
                        while part < parts {
                            let base = part * dimension
                            let partial = partials.slice(base..<(base + dimension))
                            partial.update(repeating: 0)
                            for k in (count * part / parts)..<(count * (part + 1) / parts) {
                                let r = rows.used[k]
                                let a = coefficient[r]
                                guard a != 0 else { continue }
                                for e in rows.start[r]..<rows.start[r + 1] {
                                    partial[Int(rows.indices[e])] += a * Double(rows.values[e])
                                }
                                for f in 0..<rows.denseCount {
                                    partial[rows.hashed + f] += a * Double(rows.dense[r * rows.denseCount + f])
                                }
                            }
                            part += workers
                        }
                    }
                    // 4. The partitions added in order, plus λw; the penalty by blocks.
                    DispatchQueue.concurrentPerform(iterations: min(threads, blocks)) { worker in
                        var block = worker
                        while block < blocks {
                            var penalty = 0.0
                            for k in (dimension * block / blocks)..<(dimension * (block + 1) / blocks) {
                                let x = v.w[k]
                                var sum = lambda * x
                                for part in 0..<parts { sum += partials[part * dimension + k] }
                                v.g[k] = sum
                                penalty += x * x
                            }
                            penalties[block] = penalty
                            block += min(threads, blocks)
                        }
                    }
                    var penalty = 0.0
                    for block in 0..<blocks { penalty += penalties[block] }
                    return loss / totalWeight + 0.5 * lambda * penalty
                }
            }
        }
    }
}
