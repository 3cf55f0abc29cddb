import Foundation

extension VoteAudit {
    /// What a leaderboard ranks after the audit: the votes the audit keeps,
    /// with an admin's decisions applied over its flags — and never none.
    public struct Screening: Sendable {
        /// The votes to rank.
        public var ranked: VoteTable
        /// The audit, its `keep` with the decisions applied.
        public var result: VoteAudit.Result
        /// Per vote of the audited table, whether it is ranked; nil when
        /// every vote is (flagged voters kept on request, or `rankedAll`).
        public var kept: [Bool]?
        /// The voters whose votes are left out: flagged and not cleared by a
        /// decision, or excluded by one. Empty when every vote is ranked.
        public var leftOut: Set<String>
        /// True when the audit would leave no vote at all (every voter
        /// flagged): the board then ranks every vote rather than none, and
        /// must say so.
        public var rankedAll: Bool
    }

    /// Audits `table` and screens it for a leaderboard, the one rule
    /// `prefer rank` and the server's boards share: the audit's `keep`,
    /// overridden per voter by `decisions` (``VoterDecision``); unless
    /// `includeFlagged`, the votes not kept are left out — but when that
    /// leaves nothing, every vote is ranked and `rankedAll` says so.
    ///
    /// Cost: the audit's, plus O(votes).
    public func screen(
        _ table: VoteTable, inputs: AuditInputs, decisions: [VoterDecision] = [], includeFlagged: Bool
    ) throws(AuditError) -> Screening {
        var result = try run(table, inputs: inputs)
        result.keep = result.keep(table, applying: decisions)
        guard !includeFlagged else {
            return Screening(ranked: table, result: result, kept: nil, leftOut: [], rankedAll: false)
        }
        let ranked = result.cleaned(table)
        guard !ranked.isEmpty else {
            return Screening(ranked: table, result: result, kept: nil, leftOut: [], rankedAll: true)
        }
        let decided = Dictionary(decisions.map { ($0.voter, $0.decision) }) { _, last in last }
        var leftOut = result.flaggedVoters.filter { decided[$0] != .keep }
        leftOut.formUnion(decided.filter { $0.value == .exclude }.keys)
        return Screening(ranked: ranked, result: result, kept: result.keep, leftOut: leftOut, rankedAll: false)
    }
}
