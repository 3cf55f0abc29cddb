import PreferCore
import PreferStore

/// Which items — a prompt and an unordered pair of contenders — have been
/// voted on and by whom, so that an arena asking for k annotations per item
/// (`Arena.annotationsPerItem`) can show an item again to other annotators
/// until k of them have voted on it: the repeated judgements that
/// inter-annotator agreement (Krippendorff's α, Fleiss' κ) needs.
///
/// Loaded from the stored votes the first time an arena needs it, then kept
/// up to date by reading the votes stored since (by id) after this server
/// or another process sharing the database stores some. Memory: one entry
/// per item and one per (voter, item).
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
        /// The last vote read.
        var lastId: Int64 = 0

        mutating func record(_ item: Item, voter: String?) {
            let count = counts[item, default: 0] + 1
            counts[item] = count
            if let voter { seen[voter, default: []].insert(item) }
            if count < target { open.insert(item) } else { open.remove(item) }
        }
    }

    let store: any PreferStore
    private var arenas: [Int64: ArenaState] = [:]
    /// Arenas with votes stored since they were last read.
    private var dirty: Set<Int64> = []

    init(store: any PreferStore) {
        self.store = store
    }

    /// An item of `arena` that still needs annotators and `voter` has not
    /// voted on, if any; loads the arena's votes the first time.
    func pendingItem(arena: Arena, voter: String) async throws -> Item? {
        if arenas[arena.id] == nil || dirty.contains(arena.id) {
            dirty.remove(arena.id)
            var state = arenas[arena.id] ?? ArenaState(target: arena.annotationsPerItem)
            while true {
                let page = try await store.votes(arena: arena.id, after: state.lastId, limit: 20_000)
                for vote in page {
                    state.lastId = max(state.lastId, vote.id)
                    guard let prompt = vote.promptId else { continue }
                    state.record(Item(prompt: prompt, vote.leftContenderId, vote.rightContenderId), voter: vote.voter)
                }
                if page.count < 20_000 { break }
            }
            // Another request may have read further meanwhile; keep the further read.
            if state.lastId >= arenas[arena.id]?.lastId ?? 0 { arenas[arena.id] = state }
        }
        guard let state = arenas[arena.id] else { return nil }
        let seen = state.seen[voter] ?? []
        return state.open.first { !seen.contains($0) }
    }

    /// Counts a vote this server stored: read with the others' on the next draw.
    func record(arena: Int64, vote: StoredVote) {
        votesChanged(arena: arena)
    }

    /// Votes were stored in `arena` (here or in another process).
    func votesChanged(arena: Int64) {
        if arenas[arena] != nil { dirty.insert(arena) }
    }

    /// An arena deleted, or votes imported in bulk: read it again from the start.
    func forget(_ arena: Int64) {
        arenas[arena] = nil
        dirty.remove(arena)
    }
}
