import Foundation
@testable import PreferCore
import Testing

/// The one rule `prefer rank` and the server's boards share for what the
/// audit leaves out.
@Suite("Vote audit screening")
struct VoteAuditScreeningTests {
    /// Honest voters plus one who always picks the left side.
    static func arena() -> VoteTable {
        let clicker = AuditFixtures.voter("left-clicker", votes: 60) { _, _, _ in .aWins }
        return VoteTable(AuditFixtures.honest(voters: 40, each: 25) + clicker)
    }

    static func voters(_ table: VoteTable) -> Set<String> {
        guard let column = table.voters else { return [] }
        return Set(column.codes.map { column.values[Int($0)] })
    }

    static func decision(_ voter: String, _ kind: VoterDecision.Kind) -> VoterDecision {
        VoterDecision(voter: voter, decision: kind, decidedAt: Date(timeIntervalSince1970: 0), actor: "test")
    }

    @Test func theFlaggedVotersVotesAreLeftOutUnlessKept() throws {
        let table = Self.arena()
        let inputs = AuditInputs(table: table)
        let screened = try VoteAudit().screen(table, inputs: inputs, includeFlagged: false)
        #expect(screened.result.flaggedVoters.contains("left-clicker"))
        #expect(screened.leftOut == screened.result.flaggedVoters)
        #expect(!Self.voters(screened.ranked).contains("left-clicker"))
        #expect(screened.ranked.count == screened.kept?.filter { $0 }.count)
        #expect(screened.ranked.count < table.count && !screened.rankedAll)

        let kept = try VoteAudit().screen(table, inputs: inputs, includeFlagged: true)
        #expect(kept.ranked.count == table.count && kept.kept == nil && kept.leftOut.isEmpty)
        #expect(kept.result.flaggedVoters.contains("left-clicker"), "the audit is still reported")
    }

    @Test func decisionsOverrideTheAudit() throws {
        let table = Self.arena()
        let inputs = AuditInputs(table: table)
        let decisions = [Self.decision("left-clicker", .keep), Self.decision("honest-3", .exclude)]
        let screened = try VoteAudit().screen(table, inputs: inputs, decisions: decisions, includeFlagged: false)
        let ranked = Self.voters(screened.ranked)
        #expect(ranked.contains("left-clicker"), "a cleared flag keeps the voter's votes")
        #expect(!ranked.contains("honest-3"), "an excluded voter loses theirs")
        #expect(screened.leftOut.contains("honest-3") && !screened.leftOut.contains("left-clicker"))
    }

    @Test func aScreenThatWouldLeaveNothingRanksEveryVote() throws {
        let table = Self.arena()
        let everyone = Self.voters(table).map { Self.decision($0, .exclude) }
        let screened = try VoteAudit().screen(table, inputs: AuditInputs(table: table), decisions: everyone, includeFlagged: false)
        #expect(screened.rankedAll && screened.ranked.count == table.count && screened.kept == nil && screened.leftOut.isEmpty)
    }
}
