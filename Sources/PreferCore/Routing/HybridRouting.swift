/// An arena's live routing settings (*Hybrid Preferences*, Miranda et al.,
/// 2024): while `enabled`, each new candidate battle is judged first by the
/// judge `judge`, and `HybridRouter.decide` sends it to people or takes the
/// judge's verdict. `humanShare` is the target share of candidates people
/// label; `auditShare` (within it) goes to people at random, so that the
/// judge's agreement with people keeps being measured.
public struct HybridRouting: Sendable, Hashable, Codable {
    /// The judge's name.
    public var judge: String
    public var humanShare: Double
    public var auditShare: Double
    public var enabled: Bool

    public static let defaultHumanShare = 0.3
    public static let defaultAuditShare = 0.05

    public init(judge: String, humanShare: Double = defaultHumanShare, auditShare: Double = defaultAuditShare, enabled: Bool = true) {
        self.judge = judge
        self.humanShare = humanShare
        self.auditShare = auditShare
        self.enabled = enabled
    }

    /// Checks the settings; the error names the field at fault (`routing.…`).
    public func validate() throws(JudgeError) {
        guard !judge.isEmpty else {
            throw JudgeError("routing.judge names the judge that judges each new battle first; GET /api/judges lists them.", field: "routing.judge")
        }
        guard humanShare.isFinite, (0...1).contains(humanShare) else {
            throw JudgeError("routing.human_share is the share of battles people label, from 0 to 1; got \(humanShare).", field: "routing.human_share")
        }
        guard auditShare.isFinite, (0...1).contains(auditShare) else {
            throw JudgeError("routing.audit_share is the share of battles sent to people at random, from 0 to 1; got \(auditShare).", field: "routing.audit_share")
        }
        guard auditShare <= humanShare else {
            throw JudgeError(
                "routing.audit_share (\(auditShare)) must not exceed routing.human_share (\(humanShare)): the audit is part of the people's budget.",
                field: "routing.audit_share")
        }
    }
}
