import PreferCore
import PreferStore

/// Which items — a prompt and an unordered pair of contenders — have been
/// voted on and by whom, so that an arena asking for k annotations per item
/// (`Arena.annotationsPerItem`) can show an item again to other annotators
/// until k of them have voted on it: the repeated judgements that
/// inter-annotator agreement (Krippendorff's α, Fleiss' κ) needs.
///
/// Loaded from the stored votes the first time an arena needs it, then kept
/// up to date as this server stores votes. Memory: one entry per item and
/// one per (voter, item).
actor ItemCoverage {
    struct Item: Hashable, Sendable {
        var prompt: Int64
        var low: Int64
        var high: Int64

        init(prompt: Int64, _ a: Int64, _ b: Int64) {
            self.prompt = prompt
            low = min(a, b)
            high = max(a, b)
        }
    }

    private struct ArenaState {
        var target: Int
        var counts: [Item: Int] = [:]
        var seen: [String: Set<Item>] = [:]
        /// Items with at least one vote and fewer than `target`.
        var open: Set<Item> = []

        mutating func record(_ item: Item, voter: String?) {
            let count = counts[item, default: 0] + 1
            counts[item] = count
            if let voter { seen[voter, default: []].insert(item) }
            if count < target { open.insert(item) } else { open.remove(item) }
        }
    }

    let store: any PreferStore
    private var arenas: [Int64: ArenaState] = [:]

    init(store: any PreferStore) {
        self.store = store
    }

    /// An item of `arena` that still needs annotators and `voter` has not
    /// voted on, if any; loads the arena's votes the first time.
    func pendingItem(arena: Arena, voter: String) async throws -> Item? {
        if arenas[arena.id] == nil {
            var state = ArenaState(target: arena.annotationsPerItem)
            var after: Int64? = nil
            while true {
                let page = try await store.votes(arena: arena.id, after: after, limit: 20_000)
                for vote in page {
                    guard let prompt = vote.promptId else { continue }
                    state.record(Item(prompt: prompt, vote.leftContenderId, vote.rightContenderId), voter: vote.voter)
                }
                guard let last = page.last, page.count == 20_000 else { break }
                after = last.id
            }
            // Another request may have loaded it meanwhile; keep the first.
            if arenas[arena.id] == nil { arenas[arena.id] = state }
        }
        guard let state = arenas[arena.id] else { return nil }
        let seen = state.seen[voter] ?? []
        return state.open.first { !seen.contains($0) }
    }

    /// Counts a vote this server stored.
    func record(arena: Int64, vote: StoredVote) {
        guard let prompt = vote.promptId, arenas[arena] != nil else { return }
        arenas[arena]!.record(Item(prompt: prompt, vote.leftContenderId, vote.rightContenderId), voter: vote.voter)
    }
}
