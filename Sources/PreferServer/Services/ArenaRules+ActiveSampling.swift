import PreferCore

extension ArenaRules {
    /// The settings an arena may sample actively with: the limits of the
    /// schema's CHECK constraints (`Migration.activeSampling`) and of
    /// `ActiveSampling.validate()`, each failure naming its field
    /// (`active_sampling.floor_share`, …).
    static func activeSampling(_ settings: ActiveSampling) throws -> ActiveSampling {
        let field = "active_sampling"
        guard (1...1000).contains(settings.topK) else {
            throw PreferError.invalidField("\(field).top_k", "top_k must be a whole number from 1 to 1000; got \(settings.topK).")
        }
        guard settings.floorShare.isFinite, (0...1).contains(settings.floorShare) else {
            throw PreferError.invalidField(
                "\(field).floor_share",
                "floor_share is the fraction of its uniform share of battles every contender keeps: from 0 to 1; got \(settings.floorShare).")
        }
        guard (0...1_000_000).contains(settings.burstVotes) else {
            throw PreferError.invalidField("\(field).burst_votes", "burst_votes must be from 0 to 1000000; got \(settings.burstVotes).")
        }
        guard settings.burstMultiple.isFinite, (1...100).contains(settings.burstMultiple) else {
            throw PreferError.invalidField(
                "\(field).burst_multiple",
                "burst_multiple is a new contender's share of battles in multiples of its uniform share: from 1 to 100; got \(settings.burstMultiple).")
        }
        guard settings.explore.isFinite, (0...1).contains(settings.explore) else {
            throw PreferError.invalidField(
                "\(field).explore", "explore is the share of draws that are uniform over all pairs: from 0 to 1; got \(settings.explore).")
        }
        if let cap = settings.maxPairShare, !(cap.isFinite && cap > 0 && cap <= 1) {
            throw PreferError.invalidField(
                "\(field).max_pair_share",
                "max_pair_share is the most of the draws one pair may get: above 0 and at most 1 (0 in a request: automatic); got \(cap).")
        }
        guard settings.sharpness.isFinite, settings.sharpness > 0, settings.sharpness <= 16 else {
            throw PreferError.invalidField(
                "\(field).sharpness", "sharpness is the exponent on the rule's pair scores: above 0 and at most 16; got \(settings.sharpness).")
        }
        guard (1...1000).contains(settings.designIterations) else {
            throw PreferError.invalidField(
                "\(field).design_iterations", "design_iterations must be a whole number from 1 to 1000; got \(settings.designIterations).")
        }
        do {
            try settings.validate()
        } catch {
            throw PreferError.invalidField(field, error.message)
        }
        return settings
    }

    /// The rule named `text`, or an error naming `active_sampling.rule` and listing the rules.
    static func activeRule(_ text: String) throws -> ActiveSampling.Rule {
        guard let rule = ActiveSampling.Rule(rawValue: text) else {
            throw PreferError.invalidField(
                "active_sampling.rule",
                "Unknown active sampling rule \"\(text.prefix(100))\": use one of \(ActiveSampling.Rule.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return rule
    }
}
