extension HybridRouter {
    /// Where one live battle goes.
    public enum Decision: String, Sendable, Hashable, Codable {
        /// Sent to people at random (the audit share).
        case audit
        /// Sent to people: the judge is likely to disagree with them.
        case human
        /// The judge's verdict stands.
        case judge

        public var toPeople: Bool { self != .judge }
    }

    /// The online form of `route(risk:)`, for battles that arrive one at a
    /// time: with probability `auditShare` the battle is an audit; otherwise
    /// it goes to people when its risk is among the top
    /// q = (humanShare − auditShare) / (1 − auditShare) of the risks of
    /// `recent` battles (the same quantile rule as the batch router, with the
    /// window as the batch). A risk tied with others goes to people with the
    /// probability that fills q exactly, so that a model that cannot tell
    /// battles apart (no training battles yet: every risk ½) routes at
    /// random and the share of people still follows the budget.
    ///
    /// `u1`, `u2` are uniform draws in [0, 1) (the caller's seeded
    /// generator); `recent` should include `risk`. O(|recent|).
    public func decide(risk: Double, recent: [Double], u1: Double, u2: Double) -> Decision {
        if u1 < auditShare { return .audit }
        guard humanShare > auditShare else { return .judge }
        guard auditShare < 1 else { return .audit }
        let q = (humanShare - auditShare) / (1 - auditShare)
        guard !recent.isEmpty else { return u2 < q ? .human : .judge }
        var above = 0
        var tied = 0
        for r in recent {
            if r > risk { above += 1 } else if r == risk { tied += 1 }
        }
        let n = Double(recent.count)
        let share = (q - Double(above) / n) / max(Double(tied), 1) * n
        return u2 < min(max(share, 0), 1) ? .human : .judge
    }
}
