import PreferCore
import PreferStore

// Live hybrid routing of an arena's battles (admin): set with the arena
// (create/PATCH `routing`), read with GET /api/arenas/{arena}/routing.

extension PreferAPI {
    func arenaRouting(_ input: Operations.ArenaRouting.Input) async throws -> Operations.ArenaRouting.Output {
        let arena = try await services.directory.arena(input.path.arena)
        guard let document = try await Self.routingDocument(services, arenaId: arena.id) else {
            throw PreferError(
                .notFound, code: "no_routing",
                "Arena \"\(arena.name)\" does not route its battles; PATCH /api/arenas/\(arena.name) with {\"routing\": {\"judge\": NAME}} turns it on.",
                field: "arena")
        }
        return .ok(.init(body: .json(document)))
    }

    static func routingChange(_ body: Components.Schemas.RoutingSettings?) -> HybridRoutingService.Change? {
        guard let body else { return nil }
        return HybridRoutingService.Change(judge: body.judge, humanShare: body.humanShare, auditShare: body.auditShare, enabled: body.enabled)
    }

    static func routingDocument(_ services: PreferServices, arenaId: Int64) async throws -> Components.Schemas.Routing? {
        guard let described = try await services.routing.describe(arenaId: arenaId) else { return nil }
        let (settings, status) = described
        let state: Components.Schemas.Routing.StatusPayload.StatePayload
        switch status?.state {
        case .off?: state = .off
        case .starting?: state = .starting
        case .routing?: state = .routing
        case .fallback?: state = .fallback
        case nil: state = settings.enabled ? .elsewhere : .off
        }
        let s = status ?? HybridRoutingService.Status()
        return Components.Schemas.Routing(
            judge: settings.judge, humanShare: settings.humanShare, auditShare: settings.auditShare, enabled: settings.enabled,
            status: .init(
                state: state, message: s.message, queued: s.queued, judged: s.judged, toPeople: s.toPeople, audits: s.audits,
                toJudge: s.toJudge, humanShare: s.humanShare, plainDraws: s.plainDraws, errors: s.errors,
                trainingBattles: s.trainingBattles, run: s.runId))
    }
}
