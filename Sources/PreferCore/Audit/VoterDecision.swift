import Foundation

/// An admin's decision about an annotator, after the vote audit: keep their
/// votes whatever the audit says (a flag cleared), or exclude them for good
/// (whether or not the audit flags them). Leaderboards apply it after the
/// audit; the admin action log says who decided and when.
public struct VoterDecision: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case keep
        case exclude
    }

    public var voter: String
    public var decision: Kind
    public var decidedAt: Date
    /// The API key that decided.
    public var actor: String
    public var note: String?

    public init(voter: String, decision: Kind, decidedAt: Date, actor: String, note: String? = nil) {
        self.voter = voter
        self.decision = decision
        self.decidedAt = decidedAt
        self.actor = actor
        self.note = note
    }
}

extension VoteAudit.Result {
    /// Which votes to keep once an admin's decisions are applied over the
    /// audit's: a voter marked `keep` keeps every vote (the flag cleared),
    /// one marked `exclude` loses every vote (flagged or not). O(votes).
    public func keep(_ table: VoteTable, applying decisions: [VoterDecision]) -> [Bool] {
        guard !decisions.isEmpty, let voters = table.voters else { return keep }
        var byCode: [Int32: Bool] = [:]
        let decided = Dictionary(decisions.map { ($0.voter, $0.decision) }) { _, last in last }
        for (code, name) in voters.values.enumerated() {
            if let decision = decided[name] { byCode[Int32(code)] = decision == .keep }
        }
        var out = keep
        for row in 0..<min(out.count, voters.codes.count) {
            if let kept = byCode[voters.codes[row]] { out[row] = kept }
        }
        return out
    }
}
