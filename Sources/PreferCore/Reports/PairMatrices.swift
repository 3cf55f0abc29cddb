import Foundation

/// Pairwise matrices over the leaderboard's contenders (in leaderboard order):
/// battle counts, observed win rates and the win probabilities the fitted
/// Bradley–Terry model predicts. Row i, column j is "i against j".
public struct PairMatrices: Sendable, Codable, Equatable {
    public var contenders: [String]
    /// Battles between i and j (either side).
    public var battles: [[Int]]
    /// i's share of points against j (ties half); nil where they never met.
    public var observedWinRate: [[Double?]]
    /// P(i beats j) under the fitted ratings.
    public var predictedWinRate: [[Double]]

    enum CodingKeys: String, CodingKey {
        case contenders, battles
        case observedWinRate = "observed_win_rate"
        case predictedWinRate = "predicted_win_rate"
    }

    /// Matrices for `order` (indices into `counts.contenders`) with `ratings`
    /// on the Elo scale of `estimator`.
    public init(_ counts: PairCounts, ratings: [Double], order: [Int], estimator: BradleyTerry) {
        let n = order.count
        var position = [Int](repeating: -1, count: counts.contenderCount)
        for (k, c) in order.enumerated() { position[c] = k }
        contenders = order.map { counts.contenders[$0] }
        var battles = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
        var observed = [[Double?]](repeating: [Double?](repeating: nil, count: n), count: n)
        for p in 0..<counts.pairCount {
            let a = position[Int(counts.first[p])]
            let b = position[Int(counts.second[p])]
            guard a >= 0, b >= 0 else { continue }
            battles[a][b] = counts.votes[p]
            battles[b][a] = counts.votes[p]
            let total = counts.total(p)
            if total > 0 {
                observed[a][b] = counts.score(p) / total
                observed[b][a] = 1 - counts.score(p) / total
            }
        }
        self.battles = battles
        observedWinRate = observed
        predictedWinRate = (0..<n).map { i in
            (0..<n).map { j in
                estimator.winProbability(ratings[order[i]], over: ratings[order[j]])
            }
        }
    }
}

extension BradleyTerry {
    /// P(a rating of `a` beats `b`) = 1 / (1 + base^((b − a)/scale)).
    public func winProbability(_ a: Double, over b: Double) -> Double {
        1 / (1 + Foundation.pow(base, (b - a) / scale))
    }
}
