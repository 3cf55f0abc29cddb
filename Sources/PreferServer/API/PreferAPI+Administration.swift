import PreferCore
import PreferStore

// People and roles, the admin action log, decisions about annotators.

extension PreferAPI {
    func createKey(_ input: Operations.CreateKey.Input) async throws -> Operations.CreateKey.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let (key, secret) = try await services.administration.createKey(name: body.name, role: body.role.rawValue)
        return .created(.init(body: .json(.init(key, secret: secret))))
    }

    func listKeys(_ input: Operations.ListKeys.Input) async throws -> Operations.ListKeys.Output {
        .ok(.init(body: .json(.init(keys: try await services.administration.keys().map { Components.Schemas.Key($0) }))))
    }

    func revokeKey(_ input: Operations.RevokeKey.Input) async throws -> Operations.RevokeKey.Output {
        .ok(.init(body: .json(.init(try await services.administration.revokeKey(name: input.path.name)))))
    }

    func auditLog(_ input: Operations.AuditLog.Input) async throws -> Operations.AuditLog.Output {
        let entries = try await services.administration.log(before: input.query.before, limit: input.query.limit ?? 100)
        return .ok(.init(body: .json(.init(entries: entries.map(Components.Schemas.AuditLogEntry.init)))))
    }

    func decideVoter(_ input: Operations.DecideVoter.Input) async throws -> Operations.DecideVoter.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        guard case .key(let actor, _) = try RequestScope.requireIdentity() else { throw PreferError.missingAdminKey }
        let decision: VoterDecision.Kind?
        switch body.decision {
        case nil: decision = nil
        case .keep: decision = .keep
        case .exclude: decision = .exclude
        case ._empty_: throw PreferError.invalidField("decision", "decision must be keep, exclude or null; got \"\".")
        }
        let arena = try await services.directory.arena(input.path.arena)
        let decisions = try await services.administration.decide(arena: arena, voter: input.path.voter, decision: decision, actor: actor, note: body.note)
        await services.leaderboards.decisionsChanged(arena: arena.id)
        return .ok(.init(body: .json(.init(decisions: decisions.map(Components.Schemas.VoterDecision.init)))))
    }
}
