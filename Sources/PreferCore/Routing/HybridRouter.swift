/// Decides, per battle, whether people or the judge label it (*Hybrid
/// Preferences*, Miranda et al., 2024): a random `auditShare` of battles
/// always goes to people (so agreement keeps being measured), and of the
/// rest, those the `DisagreementModel` rates likeliest to be judged
/// differently go to people until the `humanShare` budget is spent; the
/// judge's verdict stands on the others. With auditShare = humanShare this
/// is random routing. O(n log n) for n battles; deterministic given the seed.
public struct HybridRouter: Sendable, Hashable {
    /// Share of battles people label (0…1).
    public var humanShare: Double
    /// Share of battles sent to people at random, within the budget (0…humanShare).
    public var auditShare: Double
    public var seed: UInt64

    public init(humanShare: Double, auditShare: Double, seed: UInt64 = 42) {
        self.humanShare = min(max(humanShare, 0), 1)
        self.auditShare = min(max(auditShare, 0), self.humanShare)
        self.seed = seed
    }

    /// For each battle, true when people label it; `risk` is P(disagreement) per battle.
    public func route(risk: [Double]) -> [Bool] {
        let n = risk.count
        let budget = Int((humanShare * Double(n)).rounded())
        let audits = min(budget, Int((auditShare * Double(n)).rounded()))
        var generator = Xoshiro256(seed: seed, stream: 61)
        var order = Array(0..<n)
        order.shuffle(using: &generator)
        var toHuman = [Bool](repeating: false, count: n)
        for index in order.prefix(audits) { toHuman[index] = true }
        // Ties in risk are broken by the shuffled position, so no side of the data is favoured.
        var position = [Int](repeating: 0, count: n)
        for (rank, index) in order.enumerated() { position[index] = rank }
        let rest = (0..<n).filter { !toHuman[$0] }.sorted { (risk[$0], -position[$0]) > (risk[$1], -position[$1]) }
        for index in rest.prefix(budget - audits) { toHuman[index] = true }
        return toHuman
    }
}
