import Foundation
import PreferCore

// The analyses of issue 12 on an arena's stored votes — the mixture of
// preference types, the cycle search, contested items — computed by the
// PreferCore calls the CLI makes (`MixtureReport.make`,
// `IntransitivityReport.make`, `ItemAgreement.analyze`) with the CLI's
// defaults, and kept like boards: on the cache's fit thread, off the request
// path, refreshed in the background when votes arrive (at most every
// `minimumInterval`), served from memory as the CLI's JSON.

extension LeaderboardCache {
    /// The analysis of `variant` on `table` (people's votes, every voter —
    /// the audit's flagged ones too, counted per type in the mixture), as the
    /// JSON the CLI prints: `prefer rank --mixture --format json`'s
    /// `"mixture"` object, `prefer cycles --format json`, `prefer items
    /// --format json`.
    static func analysis(
        _ table: VoteTable, variant: Variant, flagged: Set<String>?, seed: UInt64, attributes: [String]
    ) throws -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            switch variant {
            case .mixture(let minimum):
                let report = try MixtureReport.make(
                    from: table, mixture: BradleyTerryMixture(seed: seed), attributes: attributes, minimumGroup: minimum,
                    flaggedVoters: flagged)
                return try encoder.encode(report)
            case .cycles(let models):
                let report = try IntransitivityReport.make(
                    from: table, search: CycleSearch(), comparison: models ? TransitivityComparison(seed: seed) : nil)
                return Data(try report.jsonText(pretty: false).utf8)
            case .items:
                let agreement = ItemAgreement()
                let result = try agreement.analyze(table, estimator: BradleyTerry())
                return Data(try result.jsonText(settings: agreement, pretty: false).utf8)
            case .plain, .style, .slice, .group, .groups, .weighted, .trajectory, .pareto:
                return nil
            }
        } catch let error as RatingError {
            throw PreferError(.conflict, code: "not_enough_votes", "These votes cannot be analysed yet: \(error.message)")
        }
    }
}
