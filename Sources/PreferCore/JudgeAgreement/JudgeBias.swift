import Foundation

/// A judge's two biases measured against people:
///
/// - position bias (*MLLM-as-a-Judge*; Zheng et al., 2023): the share of a
///   judge's decisive single-order verdicts that go to the output shown
///   first, with a Wilson score interval; ½ is unbiased;
/// - verbosity bias (Zheng et al., 2023; *R³*, the *Hitchhiker's Guide*):
///   on the battles where both the judge and the person picked a winner
///   and the outputs differ in length, the share of the judge's picks that
///   are the longer output minus the same share of the people's, with a
///   percentile bootstrap interval (battles resampled); 0 means the judge
///   favours length no more than people do.
///
/// O(verdicts) and O(rounds · battles).
public enum JudgeBias {
    public struct PositionBias: Sendable, Hashable, Codable {
        /// Single-order verdicts for the first-shown output, for the second, and ties.
        public var first: Int
        public var second: Int
        public var ties: Int
        /// first / (first + second), with its Wilson interval.
        public var firstShare: JudgeAgreement.Interval

        enum CodingKeys: String, CodingKey {
            case first, second, ties
            case firstShare = "first_share"
        }
    }

    public static func position(first: Int, second: Int, ties: Int, level: Double = 0.95) -> PositionBias {
        let n = Double(first + second)
        guard n > 0 else {
            return PositionBias(first: first, second: second, ties: ties, firstShare: .init(estimate: nil, lower: nil, upper: nil))
        }
        let p = Double(first) / n
        let (lower, upper) = wilson(p: p, n: n, level: level)
        return PositionBias(first: first, second: second, ties: ties, firstShare: .init(estimate: p, lower: lower, upper: upper))
    }

    /// Wilson's score interval for a proportion (Wilson, 1927).
    public static func wilson(p: Double, n: Double, level: Double = 0.95) -> (Double, Double) {
        let z = Normal.quantile(1 - (1 - level) / 2)
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    public struct VerbosityBias: Sendable, Hashable, Codable {
        /// Battles where both picked a winner and the lengths differ.
        public var battles: Int
        public var judgeLongerShare: Double?
        public var humanLongerShare: Double?
        /// judgeLongerShare − humanLongerShare, with its bootstrap interval.
        public var difference: JudgeAgreement.Interval

        enum CodingKeys: String, CodingKey {
            case battles
            case judgeLongerShare = "judge_longer_share"
            case humanLongerShare = "human_longer_share"
            case difference
        }
    }

    public static func verbosity(_ battles: [JudgedBattle], rounds: Int = 1000, seed: UInt64 = 42, level: Double = 0.95) -> VerbosityBias {
        // Per battle: (judge picked the longer, person picked the longer).
        var picks: [(Double, Double)] = []
        for battle in battles where battle.criterion == nil {
            guard let x = battle.firstLength, let y = battle.secondLength, x != y,
                  battle.judge != .tie, battle.human != .tie
            else { continue }
            let longer: PairJudgement.Winner = x > y ? .a : .b
            picks.append((battle.judge == longer ? 1 : 0, battle.human == longer ? 1 : 0))
        }
        guard !picks.isEmpty else {
            return VerbosityBias(battles: 0, judgeLongerShare: nil, humanLongerShare: nil, difference: .init(estimate: nil, lower: nil, upper: nil))
        }
        func shares(_ sample: [(Double, Double)]) -> (Double, Double) {
            var judge = 0.0
            var human = 0.0
            for (j, h) in sample {
                judge += j
                human += h
            }
            return (judge / Double(sample.count), human / Double(sample.count))
        }
        let (judge, human) = shares(picks)
        var differences: [Double] = []
        var generator = Xoshiro256(seed: seed, stream: 31)
        var sample = picks
        for _ in 0..<max(rounds, 0) {
            for index in sample.indices { sample[index] = picks[generator.nextIndex(below: picks.count)] }
            let (j, h) = shares(sample)
            differences.append(j - h)
        }
        let tail = (1 - level) / 2
        return VerbosityBias(
            battles: picks.count, judgeLongerShare: judge, humanLongerShare: human,
            difference: .init(estimate: judge - human, lower: Percentile.of(differences, tail), upper: Percentile.of(differences, 1 - tail)))
    }
}
