import PreferCore
import PreferStore

extension HybridRoutingService {
    /// Routing settings as a request gives them: a field left out keeps its
    /// value (or takes the default when the arena has none yet).
    struct Change: Sendable {
        var judge: String?
        var humanShare: Double?
        var auditShare: Double?
        var enabled: Bool?
    }

    /// The settings `change` makes from the arena's `current` ones, checked:
    /// the judge must exist (404 naming `routing.judge`), the shares must be
    /// in range (400 naming the share). `arenaId` nil: the arena is not created yet.
    nonisolated func resolve(_ change: Change, arenaId: Int64?) async throws -> (settings: HybridRouting, judgeId: Int64) {
        guard let judges = store as? any RoutingStore else { throw PreferError.unavailable }
        let current = try await arenaId.asyncMap { try await judges.arenaRouting(arenaId: $0) } ?? nil
        guard let name = change.judge ?? current?.settings.judge else {
            throw PreferError.invalidField(
                "routing.judge", "routing needs a judge: the name of a judge defined with POST /api/judges, which judges each new battle first.")
        }
        var settings = current?.settings ?? HybridRouting(judge: name)
        settings.judge = name
        if let share = change.humanShare { settings.humanShare = share }
        if let share = change.auditShare { settings.auditShare = share }
        if let enabled = change.enabled { settings.enabled = enabled }
        do {
            try settings.validate()
        } catch {
            throw PreferError.invalidField(error.field ?? "routing", error.message)
        }
        guard let judge = try await judges.judge(named: name) else {
            throw PreferError(
                .notFound, code: "unknown_judge",
                "No judge named \"\(name)\"; GET /api/judges lists the judges, POST /api/judges defines one.", field: "routing.judge")
        }
        return (settings, judge.id)
    }

    /// Stores the arena's settings and applies them here at once.
    nonisolated func apply(arenaId: Int64, _ resolved: (settings: HybridRouting, judgeId: Int64)) async throws {
        guard let judges = store as? any RoutingStore else { throw PreferError.unavailable }
        try await judges.setArenaRouting(StoredRouting(arenaId: arenaId, judgeId: resolved.judgeId, settings: resolved.settings))
        await settingsChanged()
    }

    /// The arena's settings and its state in this server; nil when it has none.
    nonisolated func describe(arenaId: Int64) async throws -> (settings: HybridRouting, status: Status?)? {
        guard let judges = store as? any RoutingStore, let stored = try await judges.arenaRouting(arenaId: arenaId) else { return nil }
        return (stored.settings, await status(arenaId))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
