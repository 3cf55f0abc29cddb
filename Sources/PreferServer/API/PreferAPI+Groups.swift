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

    /// The variant of `?weights=`: `FIELD` (every group shown weighs the
    /// same) or `FIELD=VALUE:SHARE,…` (post-stratification to target shares
    /// summing to 1, each value one the arena declares). Values may hold
    /// commas but never a colon, and shares no comma, so the list reads
    /// unambiguously from the left.
    func weightsVariant(_ text: String, index: ArenaIndex) async throws -> LeaderboardCache.Variant {
        let example = "e.g. weights=country (each group equally) or weights=country=US:0.3,FR:0.7"
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let declaration = try await requireAsked(parts[0], arena: index.arena.id, parameter: "weights")
        let minimum = try await services.attributes.minimumGroupSize(arena: index.arena.id)
        guard parts.count == 2 else { return .weighted(field: parts[0], target: .equal, minimum: minimum) }
        var shares: [String: Double] = [:]
        var rest = Substring(parts[1])
        while !rest.isEmpty {
            guard let colon = rest.firstIndex(of: ":") else {
                throw PreferError.invalidField("weights", "weights takes \(parts[0])=VALUE:SHARE,…; \"\(rest.prefix(100))\" has no share, \(example).")
            }
            let value = String(rest[..<colon])
            let afterColon = rest[rest.index(after: colon)...]
            let end = afterColon.firstIndex(of: ",") ?? afterColon.endIndex
            let shareText = afterColon[..<end].trimmingCharacters(in: .whitespaces)
            rest = end == afterColon.endIndex ? "" : afterColon[afterColon.index(after: end)...]
            guard declaration.values.contains(value) else {
                throw PreferError.invalidField(
                    "weights", "\"\(value.prefix(100))\" is not a value of \(parts[0]); it has \(declaration.values.prefix(30).joined(separator: ", ")).")
            }
            guard let share = Double(shareText), share.isFinite, (0...1).contains(share) else {
                throw PreferError.invalidField("weights", "The share of \(value) must be a number from 0 to 1; got \"\(shareText.prefix(40))\".")
            }
            guard shares.updateValue(share, forKey: value) == nil else {
                throw PreferError.invalidField("weights", "weights names \(value) twice; give each value one share.")
            }
        }
        let total = shares.values.reduce(0, +)
        guard abs(total - 1) <= 0.001 else {
            throw PreferError.invalidField(
                "weights", "The target shares of \(parts[0]) sum to \(LeaderboardSVG.fixed(total, 3)), not 1: give each group its share of the population, \(example).")
        }
        return .weighted(field: parts[0], target: .shares(shares), minimum: minimum)
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
