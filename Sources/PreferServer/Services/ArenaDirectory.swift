import Foundation
import PreferCore
import PreferStore

/// The server's view of every arena: looked up by id or name, indexed once
/// from the store and re-read after each change — made through this server,
/// or by another process sharing the database, as the change feed reports
/// it (`ChangeFollower`, within `ServerConfiguration.changePollInterval`).
actor ArenaDirectory {
    let store: any PreferStore
    private var indexes: [Int64: ArenaIndex] = [:]
    /// Loads so far, numbering each index (`ArenaIndex.version`).
    private var loads: UInt64 = 0

    init(store: any PreferStore) {
        self.store = store
    }

    /// The arena named or numbered `reference`.
    func arena(_ reference: String) async throws -> Arena {
        try await index(reference).arena
    }

    func index(_ reference: String) async throws -> ArenaIndex {
        if let id = Int64(reference), let index = try await index(id: id) { return index }
        if let cached = indexes.values.first(where: { $0.arena.name == reference }) { return cached }
        guard let arena = try await store.arena(named: reference) else { throw PreferError.unknownArena(reference) }
        return try await load(arena)
    }

    func index(id: Int64) async throws -> ArenaIndex? {
        if let cached = indexes[id] { return cached }
        guard let arena = try await store.arena(id: id) else { return nil }
        return try await load(arena)
    }

    /// Re-reads an arena after a change.
    @discardableResult
    func reload(_ id: Int64) async throws -> ArenaIndex? {
        indexes[id] = nil
        return try await index(id: id)
    }

    /// Forgets an arena that changed elsewhere: the next lookup reads it again
    /// (and finds it gone when it was deleted).
    func forget(_ id: Int64) {
        indexes[id] = nil
    }

    private func load(_ arena: Arena) async throws -> ArenaIndex {
        async let contenders = store.contenders(arena: arena.id)
        async let prompts = store.prompts(arena: arena.id)
        async let outputs = store.outputs(arena: arena.id, withdrawn: true)
        let k = try await (store as? any KWayStore)?.arenaK(arena.id) ?? 2
        var index = try await ArenaIndex(arena: arena, contenders: contenders, prompts: prompts, outputs: outputs, k: k)
        loads += 1
        index.version = loads
        indexes[arena.id] = index
        return index
    }
}
