/// A voter's accuracy on gold battles: pairs an admin marked with a known
/// answer for a prompt.
///
/// A vote is on a gold battle when its prompt (or `question_id`) and its
/// two contenders match one; it is right when it names the same winner (or
/// a tie, either kind, for a gold tie). The null is that the voter is as
/// accurate as the arena as a whole on gold (all voters' votes pooled): the
/// p-value is the exact binomial lower tail of their correct count. Pooling
/// in the fraudsters lowers the bar, so the test errs toward keeping
/// voters. Needs `minimumVotes` gold votes. O(votes).
public struct GoldAccuracy: Sendable {
    public var minimumVotes: Int

    public init(minimumVotes: Int = 3) {
        self.minimumVotes = minimumVotes
    }

    public struct Result: Sendable {
        public var battles: Int
        public var correct: Int
        public var reference: Double
        public var pValue: Double
        public var accuracy: Double { battles > 0 ? Double(correct) / Double(battles) : 0 }
    }

    public func evaluate(battles: Int, correct: Int, reference: Double) -> Result? {
        guard battles >= minimumVotes else { return nil }
        return Result(
            battles: battles, correct: correct, reference: reference,
            pValue: BinomialTail.lower(correct, n: battles, p: min(max(reference, 1e-9), 1 - 1e-9))
        )
    }
}
