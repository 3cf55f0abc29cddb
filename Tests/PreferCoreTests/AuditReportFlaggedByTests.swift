import Foundation
import Testing
@testable import PreferCore

/// Each flagged voter names the signal behind each of its reasons
/// (`flagged_by`), which the audit page labels its evidence with; the
/// summary's `flagged_by` counts are their totals.
@Suite("Audit report: signals per voter")
struct AuditReportFlaggedByTests {
    typealias F = AuditFixtures

    @Test func eachReasonNamesItsSignalAndTheSummaryCountsThem() throws {
        let lefty = F.voter("lefty") { _, _, _ in .aWins }
        let contrarian = F.voter("contrarian", seed: 7) { x, y, rng in F.honestOutcome(y, x, &rng) }
        let report = try F.audit(F.honest() + lefty + contrarian).report
        let v = try #require(report.voter(named: "lefty"))
        let signals = try #require(v.flaggedBy)
        #expect(signals.count == v.reasons.count)
        let position = try #require(signals.firstIndex(of: "position"))
        #expect(v.reasons[position].hasPrefix("Chose the left side in 30 of 30"))
        var totals: [String: Int] = [:]
        for voter in report.voters {
            #expect((voter.flaggedBy == nil) == !voter.flagged, "\(voter.voter): flagged_by only for the flagged")
            for signal in voter.flaggedBy ?? [] { totals[signal, default: 0] += 1 }
        }
        #expect(totals == report.summary.flaggedBy.filter { $0.value > 0 })
        // In JSON: "flagged_by" on flagged voters only, the contract otherwise unchanged.
        let json = try JSONSerialization.jsonObject(with: Data(try report.jsonText().utf8)) as? [String: Any]
        let voters = try #require(json?["voters"] as? [[String: Any]])
        #expect(voters.first { $0["voter"] as? String == "lefty" }?["flagged_by"] as? [String] == signals)
        #expect(voters.filter { $0["flagged"] as? Bool == false }.allSatisfy { $0["flagged_by"] == nil })
    }
}
