import Foundation

/// Online Elo, applied to the votes in the order given (Elo 1978; LMArena's
/// original leaderboard, `compute_elo` in FastChat's elo_analysis.py).
///
/// For each vote with expected score Eₐ = 1 / (1 + base^((R_b − R_a)/scale)):
/// Rₐ += K·w·(Sₐ − Eₐ) and R_b += K·w·((1 − Sₐ) − E_b), where Sₐ is 1, 0 or ½
/// (either kind of tie) and w the vote's weight; a row that stands for m
/// annotations is applied m times in a row. Everyone starts at
/// `initialRating`. Order-dependent by design: a live view, not the official
/// leaderboard. O(votes) time, O(contenders) memory.
public struct OnlineElo: Sendable, Hashable {
    public var k: Double
    public var scale: Double
    public var base: Double
    public var initialRating: Double

    public init(k: Double = 4, scale: Double = 400, base: Double = 10, initialRating: Double = 1000) {
        self.k = k
        self.scale = scale
        self.base = base
        self.initialRating = initialRating
    }

    /// Final ratings, indexed like `table.contenders`.
    public func ratings(_ table: VoteTable) -> [Double] {
        var rating = [Double](repeating: initialRating, count: table.contenders.count)
        let logBase = Foundation.log(base)
        for row in 0..<table.count {
            let a = Int(table.a[row])
            let b = Int(table.b[row])
            guard a != b else { continue }
            let sa = table.outcomes[row].scoreForA
            let step = k * table.weight(at: row)
            for _ in 0..<table.annotations(at: row) {
                let ra = rating[a]
                let rb = rating[b]
                let ea = 1 / (1 + Foundation.exp(logBase * (rb - ra) / scale))
                let eb = 1 / (1 + Foundation.exp(logBase * (ra - rb) / scale))
                rating[a] = ra + step * (sa - ea)
                rating[b] = rb + step * (1 - sa - eb)
            }
        }
        return rating
    }
}
