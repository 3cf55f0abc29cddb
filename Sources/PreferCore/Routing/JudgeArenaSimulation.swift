import Foundation

/// A simulated arena in which every battle has a human verdict and a judge
/// verdict (asked in both orders), with a judge that errs the way judges
/// are reported to: more on some categories than others, towards the longer
/// output (verbosity bias), towards the output shown first (position bias),
/// and with flips between orders where it is unsure (*MLLM-as-a-Judge*;
/// *Dissecting Human and LLM Preferences*; Zheng et al., 2023).
///
/// Contenders have Bradley–Terry strengths θ ~ N(0, σ²) and a verbosity
/// (mean log length). A battle draws a category, two contenders and their
/// output lengths. People pick with P(first) = σ(θ₁ − θ₂ + λ_h·Δlog length),
/// a tie when that is within `tieBand` of ½ and a coin says so. The judge
/// sees θ₁ − θ₂ + λ_j·Δlog length + noise of the category's scale, plus a
/// position bonus in each order; the two orders combine as
/// `OrderedVerdicts` (a flip is a tie). Deterministic given the seed. O(n).
public struct JudgeArenaSimulation: Sendable {
    public var contenders: Int
    public var battles: Int
    public var seed: UInt64
    public var strengthSpread: Double
    /// Categories and the judge's noise scale on each (larger errs more).
    public var categories: [(name: String, judgeNoise: Double)]
    public var humanLengthPreference: Double
    public var judgeLengthPreference: Double
    public var positionBonus: Double
    public var humanNoise: Double

    public init(contenders: Int = 12, battles: Int = 3000, seed: UInt64 = 1) {
        self.contenders = contenders
        self.battles = battles
        self.seed = seed
        strengthSpread = 0.8
        categories = [("coding", 0.3), ("chat", 0.5), ("writing", 1.2), ("math", 2.0), ("reasoning", 1.5)]
        humanLengthPreference = 0.15
        judgeLengthPreference = 1.0
        positionBonus = 0.35
        humanNoise = 0.4
    }

    /// The battles, each with both verdicts, and the contenders' true strengths.
    public func draw() -> (battles: [JudgedBattle], strengths: [String: Double]) {
        var generator = Xoshiro256(seed: seed, stream: 91)
        let names = (0..<contenders).map { "model-\($0 + 1)" }
        let theta = names.map { _ in strengthSpread * generator.nextGaussian() }
        let verbosity = names.map { _ in 6 + 0.6 * generator.nextGaussian() }
        var out: [JudgedBattle] = []
        out.reserveCapacity(battles)
        for _ in 0..<battles {
            let category = categories[generator.nextIndex(below: categories.count)]
            let i = generator.nextIndex(below: contenders)
            var j = generator.nextIndex(below: contenders - 1)
            if j >= i { j += 1 }
            let lengthI = Int(exp(verbosity[i] + 0.5 * generator.nextGaussian()))
            let lengthJ = Int(exp(verbosity[j] + 0.5 * generator.nextGaussian()))
            let gap = log(Double(1 + lengthI)) - log(Double(1 + lengthJ))
            // People: a noisy Bradley–Terry choice with a little taste for length; ties when close.
            let humanUtility = theta[i] - theta[j] + humanLengthPreference * gap + humanNoise * generator.nextGaussian()
            let pHuman = 1 / (1 + exp(-humanUtility))
            let human: PairJudgement.Winner
            if abs(pHuman - 0.5) < 0.06 && generator.nextUnit() < 0.5 {
                human = .tie
            } else {
                human = generator.nextUnit() < pHuman ? .a : .b
            }
            // The judge: its own view of quality, length-loving, noisier on some categories, position-biased per order.
            let view = theta[i] - theta[j] + judgeLengthPreference * gap + category.judgeNoise * generator.nextGaussian()
            func verdict(_ utilityForShownFirst: Double) -> Int {
                let u = utilityForShownFirst + positionBonus + 0.25 * generator.nextGaussian()
                if abs(u) < 0.15 { return 0 }
                return u > 0 ? (u > 1.2 ? 2 : 1) : (u < -1.2 ? -2 : -1)
            }
            let forward = verdict(view)
            let backward = -verdict(-view)
            let ordered = OrderedVerdicts(forward: forward, backward: backward)
            let judgement = ordered.judgement(flips: .tie) ?? PairJudgement(winner: .tie, strength: 0)
            out.append(JudgedBattle(
                first: names[i], second: names[j], human: human, judge: judgement.winner, judgeStrength: judgement.strength,
                judgeConsistent: ordered.consistent, category: category.name, firstLength: lengthI, secondLength: lengthJ))
        }
        return (out, Dictionary(uniqueKeysWithValues: zip(names, theta)))
    }
}
