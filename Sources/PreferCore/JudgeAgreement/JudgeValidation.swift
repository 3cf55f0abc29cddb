/// When a judge may be trusted in an arena (EvalGen's point: no judge is
/// trusted unchecked — Shankar et al., 2024): once the lower bound of its
/// agreement with people (without ties, bootstrap interval) reaches the
/// threshold the admin set, on at least `minBattles` battles that people
/// labelled and the judge decided alongside them. O(1).
public struct JudgeValidation: Sendable, Hashable, Codable {
    public var threshold: Double
    public var minBattles: Int

    public init(threshold: Double, minBattles: Int) {
        self.threshold = threshold
        self.minBattles = minBattles
    }

    public struct Verdict: Sendable, Hashable, Codable {
        public var validated: Bool
        /// The battles counted (both decisive), and the lower bound compared.
        public var battles: Int
        public var lowerBound: Double?
        public var threshold: Double
        public var minBattles: Int
        /// Why, in a sentence.
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case validated, battles
            case lowerBound = "lower_bound"
            case threshold
            case minBattles = "min_battles"
            case reason
        }
    }

    public func evaluate(_ measures: JudgeAgreement.Measures) -> Verdict {
        let battles = measures.decisiveBattles
        let lower = measures.withoutTies.lower
        func percent(_ x: Double) -> String { String(Double(Int((x * 1000).rounded())) / 10) + "%" }
        let reason: String
        let validated: Bool
        if battles < minBattles {
            validated = false
            reason = "\(battles) battles with decisive verdicts from both; \(minBattles) needed"
        } else if let lower, lower >= threshold {
            validated = true
            reason = "agreement's lower bound \(percent(lower)) reaches \(percent(threshold)) on \(battles) battles"
        } else {
            validated = false
            reason = "agreement's lower bound \(lower.map(percent) ?? "–") is below \(percent(threshold))"
        }
        return Verdict(validated: validated, battles: battles, lowerBound: lower, threshold: threshold, minBattles: minBattles, reason: reason)
    }
}
