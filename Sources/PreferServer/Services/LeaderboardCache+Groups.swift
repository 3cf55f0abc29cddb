import Foundation
import PreferCore
import PreferStore

// Annotator groups (issue 12): one group's board (`?group=FIELD:VALUE`) and
// every group's board with the disagreement report (`GET …/groups`), cached
// and refreshed in the background like every other board. The attribute is
// joined to the votes by the pseudonymous voter id when the board is
// computed; groups under the arena's minimum are merged into "other"
// (`AnnotatorGroups`), and never shown alone.

extension LeaderboardCache {
    /// The groups of an attribute as shown beside a group's board: sizes of
    /// the groups shown, and only counts of the merged ones.
    struct GroupView: Sendable, Codable, Hashable {
        struct Group: Sendable, Codable, Hashable {
            var name: String
            var votes: Int
            var annotators: Int
        }

        struct Merged: Sendable, Codable, Hashable {
            var groups: Int
            var votes: Int
            var annotators: Int
            var shown: Bool
        }

        var field: String
        var value: String
        var minGroupSize: Int
        var groups: [Group]
        var merged: Merged
        /// Votes whose annotator has not given the attribute (or declined it).
        var missing: Int
        var annotatorsCountedBy: String

        enum CodingKeys: String, CodingKey {
            case field, value, groups, merged, missing
            case minGroupSize = "min_group_size"
            case annotatorsCountedBy = "annotators_counted_by"
        }
    }

    /// The annotators' attributes a group board needs (voter → attribute →
    /// value), read from the store when the board is computed.
    func annotatorAttributes(for key: Key) async throws -> [String: [String: String]]? {
        guard key.variant.needsAttributes, let store = store as? any AnnotatorAttributeStore else { return nil }
        return try await store.annotatorAttributes(arena: key.arena)
    }

    /// Called when an arena's declaration or minimum group size changes: its
    /// group boards are computed again on their next request.
    func attributesChanged(arena: Int64) {
        forgetEntries { $0.arena == arena && $0.variant.needsAttributes }
    }

    /// Called when the change feed reports attributes of an arena changed,
    /// in another process or in this one: an annotator's answers
    /// (`change.voter`; which attributes is not told, so every board that
    /// reads any is refreshed, as `annotatorAttributesChanged` does), or the
    /// arena's declaration or minimum group size (`attributesChanged(arena:)`).
    func attributesChanged(_ change: StoreChanges.ArenaChange) {
        if let voter = change.voter {
            // This process's own change, applied when it was stored: once is enough.
            if let own = ownAttributeChanges[change.arena]?[voter], own > 0 {
                ownAttributeChanges[change.arena]?[voter] = own > 1 ? own - 1 : nil
                return
            }
            annotatorAttributesChanged(arena: change.arena, voter: voter, fields: [Self.anyAttribute])
        } else {
            attributesChanged(arena: change.arena)
        }
    }

    /// The key of `attributeVersions` that any attribute's change bumps
    /// (what the mixture reads; and, as a field of every board, an answer
    /// the change feed reports without naming its attributes).
    static let anyAttribute = "*"

    /// The version of the attributes `key`'s board reads: its attribute's
    /// plus any attribute's (the mixture, which tabulates them all: any
    /// attribute's alone). Both only grow, so the sum changes with either.
    func attributesVersion(_ key: Key) -> Int {
        guard key.variant.needsAttributes else { return 0 }
        let versions = attributeVersions[key.arena]
        let any = versions?[Self.anyAttribute] ?? 0
        guard let field = key.variant.groupField else { return any }
        return (versions?[field] ?? 0) + any
    }

    /// Whether `entry` was computed with the attributes `key` reads as they are now.
    func isCurrent(_ entry: Entry, key: Key) -> Bool {
        entry.attributesRead == attributesVersion(key)
    }

    /// Called before this process stores attributes of `voter` in `arena`
    /// (one row of the change feed): its echo from the feed is then skipped,
    /// whether it comes before or after `annotatorAttributesChanged`.
    func willStoreAttributes(arena: Int64, voter: String) {
        ownAttributeChanges[arena, default: [:]][voter, default: 0] += 1
    }

    /// Called when the store did not write what `willStoreAttributes` announced.
    func didNotStoreAttributes(arena: Int64, voter: String) {
        guard let own = ownAttributeChanges[arena]?[voter], own > 0 else { return }
        ownAttributeChanges[arena]?[voter] = own > 1 ? own - 1 : nil
    }

    /// Called when `voter` set or declined attributes of `arena` (the vote
    /// page's form, `PUT …/attributes`, an invite's values adopted): the
    /// boards that read one of `fields` — the groups, the weighted boards,
    /// the mixture — are refreshed in the background (served meanwhile,
    /// marked `stale`), if the voter has votes among those read; otherwise
    /// no board holds their votes yet, and the next read of votes refreshes
    /// the boards anyway.
    func annotatorAttributesChanged(arena: Int64, voter: String, fields: Set<String>) {
        guard !fields.isEmpty, hasVoted(arena: arena, voter: voter) else { return }
        var versions = attributeVersions[arena] ?? [:]
        for field in fields.union([Self.anyAttribute]) { versions[field, default: 0] += 1 }
        attributeVersions[arena] = versions
        votesChanged(arena: arena)
    }

    /// The groups of `field` a page's selector offers: the values with at
    /// least `minimum` annotators among the arena's voters, largest first,
    /// then "other" when the smaller ones together reach it — counted on the
    /// votes before the audit, as `AnnotatorGroups` counts. O(votes).
    func groupOptions(arena: Int64, field: String, attributes: [String: [String: String]], minimum: Int) -> [String] {
        guard let table = peoplesVotes(arena: arena) else { return [] }
        // The voters of pairwise and of K-way votes.
        var voted: Set<String> = []
        for column in [table.voters, table.kway.voters].compactMap({ $0 }) {
            var seen = [Bool](repeating: false, count: column.values.count)
            for code in column.codes where code >= 0 { seen[Int(code)] = true }
            for (k, voter) in column.values.enumerated() where seen[k] { voted.insert(voter) }
        }
        var annotators: [String: Int] = [:]
        for voter in voted {
            if let value = attributes[voter]?[field] { annotators[value, default: 0] += 1 }
        }
        var shown = annotators.filter { $0.value >= minimum && $0.key != AnnotatorGroups.other }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        let merged = annotators.filter { $0.value < minimum || $0.key == AnnotatorGroups.other }.values.reduce(0, +)
        if merged >= minimum { shown.append(AnnotatorGroups.other) }
        return shown
    }

    /// The board of a group variant, from the votes to rank (which carry the
    /// attribute as a column named after it).
    static func groupBoard(
        _ ranked: VoteTable, variant: Variant, options: LeaderboardOptions
    ) throws -> (Leaderboard, SliceBoard?, GroupView?, SliceReport.Groups?) {
        var ranker = SliceRanker(builder: LeaderboardBuilder(options: options))
        ranker.provisionalVotes = 50
        switch variant {
        case .group(let field, let value, let minimum):
            guard let partition = AnnotatorGroups(field: field, minimumSize: minimum).partition(ranked) else {
                let empty = GroupView(
                    field: field, value: value, minGroupSize: minimum, groups: [],
                    merged: .init(groups: 0, votes: 0, annotators: 0, shown: false), missing: ranked.totalVotes,
                    annotatorsCountedBy: ranked.voters == nil && ranked.kway.voters == nil ? "vote" : "voter")
                return (.empty("No annotator who voted has given their \(field) yet, so there are no groups to show."), nil, empty, nil)
            }
            let view = GroupView(partition, field: field, value: value, minimum: minimum)
            guard let slice = partition.slices.first(where: { $0.value == value }) else {
                let why = "Fewer than \(minimum) annotators are in \(field) \"\(value)\" (or none), so it is not shown on its own: "
                    + (value == AnnotatorGroups.other
                        ? "the small groups together have fewer than \(minimum) annotators too; their votes count in the whole board only."
                        : "its votes count in \"\(AnnotatorGroups.other)\" when that reaches \(minimum) annotators, and always in the whole board.")
                return (.empty(why), nil, view, nil)
            }
            let sliced = ranker.rank(ranked, slice).board
            let board = sliced.board ?? .empty("This group could not be ranked: " + sliced.notes.joined(separator: " "))
            return (board, sliced, view, nil)
        case .groups(let field, let minimum):
            let whole = try LeaderboardBuilder(options: options).build(ranked)
            var analysis = SliceAnalysis(ranker: ranker)
            analysis.groupBy = field
            analysis.minimumGroupSize = minimum
            let report = try? analysis.run(ranked, board: whole)
            return (whole, nil, nil, report?.groups)
        case .plain, .style, .slice, .weighted, .mixture, .cycles, .items, .trajectory, .pareto:
            throw PreferError.badRequest("Not a group's board.")
        }
    }

    /// The board of a `.weighted` variant: `PostStratification`'s plan on
    /// the votes to rank, ranked by `SliceRanker` (as `prefer rank
    /// --weights` or `--group-by` alone does), with the weighting's report.
    static func weightedBoard(
        _ ranked: VoteTable, variant: Variant, options: LeaderboardOptions
    ) throws -> (Leaderboard, SliceBoard?, SliceReport.Weighting?) {
        guard case .weighted(let field, let target, let minimum) = variant else { throw PreferError.badRequest("Not a weighted board.") }
        var ranker = SliceRanker(builder: LeaderboardBuilder(options: options))
        ranker.provisionalVotes = 50
        var weighting: SliceReport.Weighting
        do {
            weighting = try SliceAnalysis(ranker: ranker).weighting(
                ranked, PostStratification(field: field, target: target, minimumSize: minimum), board: nil)
        } catch {
            // No annotator has given the attribute yet, or none of the groups the target names has voted: an empty board that says so.
            return (.empty("No weighted board yet: \(error.message)"), nil, nil)
        }
        let board = weighting.board.board ?? .empty("The weighted votes could not be ranked: " + weighting.board.notes.joined(separator: " "))
        weighting.board.board = nil
        let sliced = weighting.board
        return (board, sliced, weighting)
    }
}

extension LeaderboardCache.Variant {
    /// The attribute a group variant groups by.
    var groupField: String? {
        switch self {
        case .group(let field, _, _), .groups(let field, _), .weighted(let field, _, _): field
        case .plain, .style, .slice, .mixture, .cycles, .items, .trajectory, .pareto: nil
        }
    }

    /// Whether the variant's computation reads annotator attributes.
    var needsAttributes: Bool {
        switch self {
        case .group, .groups, .weighted, .mixture: true
        case .plain, .style, .slice, .cycles, .items, .trajectory, .pareto: false
        }
    }

    /// The attributes to add to the votes as columns: the group's, or (for
    /// the mixture) every attribute an annotator gave; nil for the others.
    func attributeFields(_ attributes: [String: [String: String]]?) -> [String]? {
        if let groupField { return [groupField] }
        guard case .mixture = self else { return nil }
        return Set((attributes ?? [:]).values.flatMap(\.keys)).sorted()
    }

    /// The mixture, the cycle search and the items are analyses, not boards.
    var isAnalysis: Bool {
        switch self {
        case .mixture, .cycles, .items: true
        case .plain, .style, .slice, .group, .groups, .weighted, .trajectory, .pareto: false
        }
    }
}

extension LeaderboardCache.GroupView {
    init(_ partition: AnnotatorGroups.Partition, field: String, value: String, minimum: Int) {
        self.init(
            field: field, value: value, minGroupSize: minimum,
            groups: partition.groups.map { Group(name: $0.name, votes: $0.votes, annotators: $0.annotators) },
            merged: Merged(
                groups: partition.mergedGroups, votes: partition.mergedVotes, annotators: partition.mergedAnnotators,
                shown: partition.otherShown),
            missing: partition.missing, annotatorsCountedBy: partition.countedBy)
    }
}

extension VoteTable {
    /// These votes with the annotator attributes `fields` as text columns of
    /// the same names, looked up by each vote's voter (missing when the voter
    /// gave none), K-way votes too. O(votes).
    func withAnnotatorAttributes(_ fields: [String], _ attributes: [String: [String: String]]) -> VoteTable {
        var out = VoteTable()
        for row in 0..<count {
            var vote = self.vote(at: row)
            let given = vote.voter.flatMap { attributes[$0] }
            for field in fields { vote.attributes[field] = given?[field] }
            out.append(vote)
        }
        for row in 0..<kway.count {
            var vote = kwayVote(at: row)
            let given = vote.voter.flatMap { attributes[$0] }
            for field in fields { vote.attributes[field] = given?[field] }
            out.append(vote)
        }
        return out
    }
}
