import PreferCore

// Annotators' operations: draw an anonymous battle, vote on it.

extension PreferAPI {
    /// `POST /api/arenas/{arena}/battles` → a prompt and two outputs, sides
    /// randomised, with no contender identity anywhere.
    func createBattle(_ input: Operations.CreateBattle.Input) async throws -> Operations.CreateBattle.Output {
        let drawn = try await services.battles.draw(arena: input.path.arena, for: try RequestScope.requireIdentity())
        return .created(.init(body: .json(.init(drawn))))
    }

    /// `POST /api/battles/{battle}/vote[?next=true]` → the stored vote,
    /// revealing the contenders (and the next battle, when asked).
    func vote(_ input: Operations.Vote.Input) async throws -> Operations.Vote.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let ballot = BattleService.Ballot(
            choice: Choice(body.choice), criteria: (body.criteria?.additionalProperties ?? [:]).mapValues { Choice($0) },
            rationale: body.rationale, timeToVoteMs: body.timeToVoteMs, leftPlayedMs: body.leftPlayedMs,
            rightPlayedMs: body.rightPlayedMs, clientVoteId: body.clientVoteId
        )
        let recorded = try await services.battles.vote(ballot, battle: input.path.battle, next: input.query.next ?? false)
        let vote = Components.Schemas.Vote(recorded)
        return recorded.replayed ? .ok(.init(body: .json(vote))) : .created(.init(body: .json(vote)))
    }
}
