import Foundation
import Hummingbird
import PreferCore
import PreferStore

// The leaderboard page's annotator groups: "Group: country = FR" entries in
// its Board selector (a GET form), for the groups large enough to show.

extension PagesController {
    /// One selector entry per group shown of each attribute the arena asks.
    func groupViews(_ index: ArenaIndex) async throws -> [(value: String, label: String)] {
        let asked = try await services.attributes.declarations(arena: index.arena.id)
        guard !asked.isEmpty, let store = services.store as? any AnnotatorAttributeStore else { return [] }
        let attributes = try await store.annotatorAttributes(arena: index.arena.id)
        let minimum = try await services.attributes.minimumGroupSize(arena: index.arena.id)
        var views: [(value: String, label: String)] = []
        for declaration in asked {
            let groups = await services.leaderboards.groupOptions(
                arena: index.arena.id, field: declaration.name, attributes: attributes, minimum: minimum)
            for group in groups {
                views.append(("group:\(declaration.name):\(group)", "Group: \(AttributesForm.label(declaration.name)) = \(group)"))
            }
            if !groups.isEmpty {
                views.append(("weights:\(declaration.name)", "Weighted: each \(declaration.name.replacingOccurrences(of: "_", with: " ")) group equally"))
            }
        }
        return views
    }

    /// What a group's board says about the groups of its attribute.
    static func groupNotes(_ group: LeaderboardCache.GroupView) -> [String] {
        var notes: [String] = []
        let shown = group.groups.map { "\($0.name) (\($0.annotators) annotators)" }.joined(separator: ", ")
        if !shown.isEmpty { notes.append("Groups of \(group.field) shown: \(shown).") }
        if group.merged.groups > 0 {
            notes.append(group.merged.shown
                ? "\(group.merged.groups) smaller group\(group.merged.groups == 1 ? " is" : "s are") merged into \"\(AnnotatorGroups.other)\" (fewer than \(group.minGroupSize) annotators each), so nobody can be singled out."
                : "\(group.merged.groups) smaller group\(group.merged.groups == 1 ? " is" : "s are") not shown (fewer than \(group.minGroupSize) annotators, even together); their votes count in the whole board only.")
        }
        return notes
    }

    /// The weighting a leaderboard page asks for: `?weights=FIELD=VALUE:SHARE,…`
    /// (target shares), or `?view=weights:FIELD` alone (each group equally).
    func weightsView(_ request: Request, view: String, index: ArenaIndex) async throws -> (variant: LeaderboardCache.Variant, field: String, target: String)? {
        let asked = request.uri.queryParameters.get("weights").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        guard asked != nil || view.hasPrefix("weights:") else { return nil }
        let spec = asked ?? String(view.dropFirst(8))
        let variant = try await PreferAPI(services: services).weightsVariant(spec, index: index)
        return (variant, variant.groupField ?? spec, asked ?? "")
    }

    /// The weighting's section: its report and, beside the weighted board, the raw one (same rounds, seed and source).
    func weightingSection(
        _ weights: (variant: LeaderboardCache.Variant, field: String, target: String), entry: LeaderboardCache.Entry,
        index: ArenaIndex, source: VoteSourceFilter, judges: [String]?
    ) async throws -> HTML {
        let (raw, _) = try await services.leaderboards.leaderboard(
            arena: index.arena.id, rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed,
            includeFlagged: false, source: source, judges: judges)
        let section = WeightingSection(
            arena: index.arena.name, weighting: entry.weighting.map(LeaderboardDocument.Weighting.init),
            missing: entry.weighting == nil ? entry.board.warnings.first : nil,
            weighted: index.shown(entry.board), raw: index.shown(raw.board), target: weights.target, field: weights.field)
        return section.render()
    }
}
