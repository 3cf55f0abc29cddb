import Foundation
import PreferCore

/// Training pairs from an arena: the glue between the store (every
/// comparison with its texts, prompt by prompt) and `TrainingPairs` (the
/// rows trainers read), with the choices of which comparisons count:
///
/// - sources: human votes (battles and imports), judge votes, or both;
/// - voters the audit flags are left out, as on leaderboards (the audit of
///   `ArenaVoteTable.audit`, default options), unless `includeFlagged`;
///   item preferences have no contenders to audit against and are kept;
/// - votes without a prompt or without text outputs carry nothing to train
///   on and are counted, not written.
///
/// Memory: one prompt's comparisons at a time (items without a prompt are
/// deduplicated page by page), plus the audit's vote table.
public struct TrainingExport: Sendable {
    public struct Options: Sendable {
        public var pairs = TrainingPairs.Options()
        public var sources: Set<PreferenceSource> = [.human, .judge]
        public var includeFlagged = false
        /// Seed of the audit's prompt down-sampler.
        public var auditSeed: UInt64 = 42
        /// Label pairs easy/contested/hard (`all`), or keep one kind only;
        /// nil: no labels. See `TrainingExport+Difficulty`.
        public var difficulty: DifficultyChoice?
        /// The settings of that analysis (`prefer items`' defaults).
        public var items = ItemAgreement()

        public init() {}
    }

    /// Which pairs `difficulty` keeps: all (each labelled), or one kind.
    public enum DifficultyChoice: String, Sendable, Hashable, CaseIterable {
        case all, easy, contested, hard
    }

    /// What an export wrote and left out.
    public struct Report: Sendable, Codable {
        public var tally: TrainingPairs.Tally
        public var coverage: PreferenceCoverage
        public var flaggedVoters: [String]
        public var droppedFlagged = 0
        public var droppedBySource = 0
        /// Why pairs carry no difficulty label, when the analysis could not run.
        public var difficultyNote: String?
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Writes every row through `write`, in prompt order; throws
    /// `StoreError.notFound` for an arena with nothing to export.
    public func run(
        store: SQLPreferStore, arena: Arena, write: ([TrainingPairs.Row]) async throws -> Void
    ) async throws -> Report {
        let votes = try await store.voteCount(arena: arena.id)
        let items = try await store.itemPreferenceCount(arena: arena.id)
        guard votes + items > 0 else {
            throw StoreError(.notFound, "Arena \"\(arena.name)\" has no votes or preferences to export; import or collect some first.", field: "arena")
        }
        var flagged = Set<String>()
        var table: ArenaVoteTable?
        if (!options.includeFlagged || options.difficulty != nil) && votes > 0 {
            table = try await ArenaVoteTable.load(store: store, arena: arena.id)
        }
        if !options.includeFlagged, let table, let audit = try table.audit(seed: options.auditSeed) {
            flagged = audit.flaggedVoters
        }
        var pairOptions = options.pairs
        var difficultyNote: String?
        if let choice = options.difficulty {
            let labels = try await Self.difficulties(
                table, flagged: flagged, sources: options.sources, settings: options.items, store: store, arena: arena)
            difficultyNote = labels.note
            let byItem = labels.items
            pairOptions.difficulty = { pair in
                guard let a = pair.contenderFirst, let b = pair.contenderSecond else { return nil }
                return byItem[DifficultyKey(prompt: pair.prompt, a, b)]
            }
            pairOptions.difficultyFilter = choice == .all ? nil : choice.rawValue
        }
        var pairs = TrainingPairs(options: pairOptions)
        var droppedFlagged = 0
        var droppedBySource = 0
        var pending: [PreferenceRecord] = []
        var pendingKey: GroupKey?
        let coverage = try await store.forEachPreference(arena: arena.id) { page in
            var rows: [TrainingPairs.Row] = []
            for stored in page {
                guard options.sources.contains(stored.record.source) else {
                    droppedBySource += 1
                    continue
                }
                if case .vote = stored.origin, let voter = stored.record.voter, flagged.contains(voter) {
                    droppedFlagged += 1
                    continue
                }
                let key = GroupKey(stored)
                if key != pendingKey {
                    rows += pairs.rows(forPrompt: pending)
                    pending.removeAll(keepingCapacity: true)
                    pendingKey = key
                }
                pending.append(stored.record)
            }
            if pendingKey?.promptId == nil {
                rows += pairs.rows(forPrompt: pending)
                pending.removeAll(keepingCapacity: true)
                pendingKey = nil
            }
            if !rows.isEmpty { try await write(rows) }
        }
        let last = pairs.rows(forPrompt: pending)
        if !last.isEmpty { try await write(last) }
        return Report(
            tally: pairs.tally, coverage: coverage, flaggedVoters: flagged.sorted(), droppedFlagged: droppedFlagged,
            droppedBySource: droppedBySource, difficultyNote: difficultyNote)
    }

    /// Rows of one prompt and one kind (votes, items) are grouped together.
    private struct GroupKey: Hashable {
        var promptId: Int64?
        var isVote: Bool

        init(_ stored: StoredPreference) {
            promptId = stored.promptId
            if case .vote = stored.origin { isVote = true } else { isVote = false }
        }
    }
}
