/// The verdicts of one pair asked in both orders, combined into one
/// judgement of output `a` against output `b`.
///
/// Each order's verdict is turned into a signed strength for `a` (+2 for
/// a≫b … −2 for b≫a; the second order's is negated since it showed `b`
/// first). The verdict is *consistent* when both orders give the same sign
/// (both for `a`, both for `b`, or both ties), a *flip* when they pick
/// opposite winners: a flip is a tie or no vote (`FlipPolicy`), as
/// Arena-Hard-Auto and AlpacaEval treat position-inconsistent verdicts.
/// Otherwise the combined strength is the mean of the two, rounded toward
/// zero (A≫B and A>B give A>B; A>B and A=B give A=B): the weaker claim wins.
///
/// With one order only (by setting, or because the other gave no verdict)
/// that order's verdict stands and consistency is unknown (nil).
public struct OrderedVerdicts: Sendable, Hashable, Codable {
    /// Signed strength for `a` in the order (a, b), if that order gave a verdict.
    public var forward: Int?
    /// Signed strength for `a` in the order (b, a), if that order gave a verdict.
    public var backward: Int?

    public init(forward: Int?, backward: Int?) {
        self.forward = forward
        self.backward = backward
    }

    /// From the verdicts as shown: `forward` with `a` shown first, `backward` with `b` shown first.
    public init(shownForward: PairVerdict?, shownBackward: PairVerdict?) {
        forward = shownForward?.signedStrength
        backward = shownBackward.map { -$0.signedStrength }
    }

    /// Whether both orders agree on the winner (or both say tie); nil unless both gave a verdict.
    public var consistent: Bool? {
        guard let forward, let backward else { return nil }
        return forward.signum() == backward.signum()
    }

    /// Whether the two orders pick opposite winners.
    public var flipped: Bool {
        guard let forward, let backward else { return false }
        return forward * backward < 0
    }

    /// The combined judgement; nil when no order gave a verdict or a flip is dropped.
    public func judgement(flips: FlipPolicy) -> PairJudgement? {
        switch (forward, backward) {
        case (nil, nil):
            return nil
        case (let one?, nil), (nil, let one?):
            return PairJudgement(signedForA: one)
        case (let f?, let b?):
            if f * b < 0 {
                return flips == .tie ? PairJudgement(winner: .tie, strength: 0) : nil
            }
            return PairJudgement(signedForA: (f + b) / 2)
        }
    }
}
