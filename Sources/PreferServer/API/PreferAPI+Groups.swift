import Foundation
import PreferCore
import PreferStore

// Annotator groups: a group's board (`?group=` on the leaderboard) and every
// group's board with the disagreement report, both from `LeaderboardCache`.

extension PreferAPI {
    /// `GET /api/arenas/{arena}/groups?field=NAME&bootstrap=N&seed=S`.
    func groupReport(_ input: Operations.GroupReport.Input) async throws -> Operations.GroupReport.Output {
        let index = try await services.directory.index(input.path.arena)
        try ArenaAccess.requireReader(index.arena, RequestScope.identity)
        let field = input.query.field
        try await requireAsked(field, arena: index.arena.id, parameter: "field")
        let rounds = input.query.bootstrap ?? 200
        guard rounds == 0 || (2...2_000).contains(rounds) else {
            throw PreferError.invalidField("bootstrap", "bootstrap must be 0 (tau only) or 2 to 2000 rounds per group; got \(rounds).")
        }
        let seed = input.query.seed ?? Int64(services.configuration.leaderboardSeed)
        guard seed >= 0 else { throw PreferError.invalidField("seed", "seed must be a non-negative integer; got \(seed).") }
        let minimum = try await services.attributes.minimumGroupSize(arena: index.arena.id)
        let (entry, _) = try await services.leaderboards.leaderboard(
            arena: index.arena.id, rounds: rounds, seed: UInt64(seed), includeFlagged: input.query.includeFlagged ?? false, source: .human,
            variant: .groups(field: field, minimum: minimum))
        let document = entry.groupReport.map(GroupReportDocument.init) ?? GroupReportDocument(empty: .init(
            field: field, minGroupSize: minimum, missing: entry.votesUsed,
            notes: ["No annotator who voted has given their \(field) yet, so there are no groups to compare."]))
        return .ok(.init(body: .json(document)))
    }

    /// The variant of `?group=FIELD:VALUE`: an attribute the arena asks, and
    /// one of its values or "other".
    func groupVariant(_ text: String, index: ArenaIndex) async throws -> LeaderboardCache.Variant {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw PreferError.invalidField("group", "group must be ATTRIBUTE:VALUE (e.g. country:FR); got \"\(text.prefix(100))\".")
        }
        let declaration = try await requireAsked(parts[0], arena: index.arena.id, parameter: "group")
        guard parts[1] == AnnotatorGroups.other || declaration.values.contains(parts[1]) else {
            throw PreferError.invalidField(
                "group", "\"\(parts[1].prefix(100))\" is not a value of \(parts[0]); it has \(declaration.values.prefix(30).joined(separator: ", ")) (and \(AnnotatorGroups.other) for the small groups merged).")
        }
        let minimum = try await services.attributes.minimumGroupSize(arena: index.arena.id)
        return .group(field: parts[0], value: parts[1], minimum: minimum)
    }

    /// The declaration of `field`, which the arena must ask.
    @discardableResult
    func requireAsked(_ field: String, arena: Int64, parameter: String) async throws -> AttributeDeclaration {
        let asked = try await services.attributes.declarations(arena: arena)
        guard let declaration = asked.first(where: { $0.name == field }) else {
            let list = asked.isEmpty ? "this arena asks its annotators none (set annotator_attributes)" : "this arena asks " + asked.map(\.name).joined(separator: ", ")
            throw PreferError.invalidField(parameter, "No annotator attribute \"\(field.prefix(40))\": \(list).")
        }
        return declaration
    }
}
