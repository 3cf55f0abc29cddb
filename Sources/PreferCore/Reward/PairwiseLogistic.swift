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
/// sums added in a fixed order — the result does not depend on the thread
/// count. O(stored features of the rows used) per evaluation.
struct PairwiseLogistic: @unchecked Sendable {
    let data: RewardDataset
    let pairs: [Int]
    /// Rows the pairs use, ascending.
    let rows: [Int]
    let lambda: Double
    let threads: Int
    let totalWeight: Double
    static let partitions = 4

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
    }

    @inline(__always)
    static func softplus(_ x: Double) -> Double {
        x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
    }

    /// f(w), writing ∇f(w) into `gradient`.
    func evaluate(_ w: [Double], gradient: inout [Double]) -> Double {
        let dimension = data.features.dimension
        let scores = SharedBuffer<Double>(repeating: 0, count: data.rowCount)
        defer { scores.deallocate() }
        let rows = self.rows
        let data = self.data
        let parts = Self.partitions
        let workers = min(threads, parts)
        // 1. Scores of the rows used.
        w.withUnsafeBufferPointer { weights in
            let shared = UnsafeShared(weights: weights)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var part = worker
                while part < parts {
                    let range = (rows.count * part / parts)..<(rows.count * (part + 1) / parts)
                    for k in range { scores[rows[k]] = data.score(row: rows[k], weights: shared.weights) }
                    part += workers
                }
            }
        }
        // 2. Loss and per-row coefficients.
        var loss = 0.0
        let coefficient = SharedBuffer<Double>(repeating: 0, count: data.rowCount)
        defer { coefficient.deallocate() }
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
        // 3. Gradient: partial sums per partition, added in order.
        let partials = SharedBuffer<Double>(repeating: 0, count: parts * dimension)
        defer { partials.deallocate() }
        let hashed = data.features.hashedDimension
        let denseCount = data.features.dense.count
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var part = worker
            while part < parts {
                let base = part * dimension
                let range = (rows.count * part / parts)..<(rows.count * (part + 1) / parts)
                for k in range {
                    let r = rows[k]
                    let a = coefficient[r]
                    guard a != 0 else { continue }
                    for e in data.rowStart[r]..<data.rowStart[r + 1] {
                        partials[base + Int(data.indices[e])] += a * Double(data.values[e])
                    }
                    for f in 0..<denseCount { partials[base + hashed + f] += a * Double(data.dense[r * denseCount + f]) }
                }
                part += workers
            }
        }
        var penalty = 0.0
        for k in 0..<dimension {
            var g = lambda * w[k]
            for part in 0..<parts { g += partials[part * dimension + k] }
            gradient[k] = g
            penalty += w[k] * w[k]
        }
        return loss / totalWeight + 0.5 * lambda * penalty
    }

    private struct UnsafeShared: @unchecked Sendable {
        let weights: UnsafeBufferPointer<Double>
    }
}
