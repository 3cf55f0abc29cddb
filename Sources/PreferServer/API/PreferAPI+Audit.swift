import PreferCore

// The vote audit behind a leaderboard, for admins and viewers.

extension PreferAPI {
    /// `GET /api/arenas/{arena}/audit?voters=flagged|all`: the audit the
    /// published leaderboard applied, with admins' decisions and the board
    /// with and without the annotators it leaves out (`AuditDocument`).
    func arenaAudit(_ input: Operations.ArenaAudit.Input) async throws -> Operations.ArenaAudit.Output {
        let all: Bool
        switch input.query.voters {
        case nil, .flagged: all = false
        case .all: all = true
        }
        let document = try await services.auditReview(arena: input.path.arena, allVoters: all)
        return .ok(.init(body: .json(document)))
    }
}
