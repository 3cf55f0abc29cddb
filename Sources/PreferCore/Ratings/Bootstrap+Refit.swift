extension Bootstrap {
    /// How a Plackett–Luce bootstrap round gets its estimate from its
    /// resample: the full refit (`PlackettLuceRounds`: chord steps to
    /// convergence, every round the full-data estimator), the one-step
    /// linearisation (`PlackettLuceOneStep`: one Newton step from the
    /// full-data estimate with the full-data information), or `auto`, the
    /// one-step when the data are large enough for its second-order error to
    /// be negligible (`oneStepMinimumVotes`), else the full refit.
    public enum Refit: String, Sendable, Hashable, CaseIterable {
        case full
        case oneStep = "one-step"
        case auto
    }

    /// `auto` takes the one-step bootstrap when every contender has at least
    /// this many votes. A one-step round differs from the full refit's by
    /// O(spread²) in log-strength, so relative to the spread by O(1/√votes):
    /// measured on the same resamples, the 2.5% and 97.5% percentiles move
    /// by up to 7% of a rating's bootstrap spread at 2,000 votes per
    /// contender; from 5,000 on by at most 5% (1.3% on average at 12,000) —
    /// about half the Monte Carlo error of those percentiles from 1,000
    /// rounds (9% of the spread) at worst. docs/models.md, "Bootstrap".
    public static let oneStepMinimumVotes = 5000

    /// The refit the rounds use, and why.
    func resolvedRefit(_ counts: ChoiceCounts, oneStepAvailable: Bool) -> (refit: Refit, reason: String) {
        let fewest = counts.contenderVotes.min() ?? 0
        let unavailable = "the full-data fit is not a plain maximum-likelihood estimate (Firth's correction or provisional contenders), so every round is refitted"
        switch refit {
        case .full:
            return (.full, "requested")
        case .oneStep:
            return oneStepAvailable ? (.oneStep, "requested") : (.full, "one-step requested, but \(unavailable)")
        case .auto:
            guard oneStepAvailable else { return (.full, unavailable) }
            if fewest >= Self.oneStepMinimumVotes {
                return (.oneStep, "every contender has at least \(Self.oneStepMinimumVotes) votes (fewest \(fewest)), where the one-step estimate agrees with the full refit")
            }
            return (.full, "a contender has fewer than \(Self.oneStepMinimumVotes) votes (fewest \(fewest)), too few for the one-step linearisation")
        }
    }
}
