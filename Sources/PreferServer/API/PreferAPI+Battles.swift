import PreferCore

// Annotators' operations: draw an anonymous battle, vote on it.

extension PreferAPI {
    /// `POST /api/arenas/{arena}/battles` → a prompt and two outputs, sides
    /// randomised, with no contender identity anywhere.
    func createBattle(_ input: Operations.CreateBattle.Input) async throws -> Operations.CreateBattle.Output {
        .created(.init(body: .json(try await drawBattle(arena: input.path.arena))))
    }

    /// A new battle of `arena` for the annotator of this request (pairwise or K-way).
    func drawBattle(arena: String) async throws -> Components.Schemas.Battle {
        let identity = try RequestScope.requireIdentity()
        let index = try await services.directory.index(arena)
        if index.isKWay {
            try ArenaAccess.requireVoter(index.arena, identity)
            return .init(try await services.battles.drawKWay(index, voter: identity.voter))
        }
        return .init(try await services.battles.draw(arena: arena, for: identity))
    }

    /// `POST /api/battles/{battle}/vote[?next=true]` → the stored vote,
    /// revealing the contenders (and the next battle, when asked).
    func vote(_ input: Operations.Vote.Input) async throws -> Operations.Vote.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let (vote, replayed) = try await castVote(body, battle: input.path.battle, next: input.query.next ?? false)
        return replayed ? .ok(.init(body: .json(vote))) : .created(.init(body: .json(vote)))
    }

    /// Records `body` as the vote on `battle` (pairwise or K-way): the stored
    /// vote, and whether it repeats one stored earlier (same client id).
    func castVote(_ body: Components.Schemas.VoteCreate, battle: String, next: Bool) async throws -> (Components.Schemas.Vote, replayed: Bool) {
        let (token, index): (BattleToken, ArenaIndex)
        switch try await services.battles.opened(battle) {
        case .kway(let token, let index): return try await voteKWay(body, battle: battle, token: token, index: index, next: next)
        case .pairwise(let pairwise, let arena): (token, index) = (pairwise, arena)
        }
        if let picks = body.criteriaBest?.additionalProperties, let name = picks.keys.sorted().first {
            throw PreferError.invalidField("criteria_best.\(name)", "This battle is pairwise: give a choice per criterion in criteria (left, right, tie or both_bad); criteria_best is for K-way battles.")
        }
        if body.best != nil || body.ranking != nil {
            throw PreferError.invalidField(body.best != nil ? "best" : "ranking", "This battle is pairwise: vote with choice left, right, tie or both_bad (best and ranking are for K-way battles).")
        }
        guard let given = body.choice else { throw PreferError.missingField("choice") }
        guard let choice = Choice(rawValue: given.rawValue) else {
            throw PreferError.invalidField("choice", "This battle is pairwise: choice must be left, right, tie or both_bad; got \"\(given.rawValue)\".")
        }
        let ballot = BattleService.Ballot(
            choice: choice, criteria: (body.criteria?.additionalProperties ?? [:]).mapValues { Choice($0) },
            rationale: body.rationale, timeToVoteMs: body.timeToVoteMs, leftPlayedMs: body.leftPlayedMs,
            rightPlayedMs: body.rightPlayedMs, clientVoteId: body.clientVoteId
        )
        let recorded = try await services.battles.vote(ballot, battle: battle, token: token, index: index, next: next)
        return (Components.Schemas.Vote(recorded), recorded.replayed)
    }

    /// A vote on a K-way battle: `{"choice": "best", "best": P}` or `{"ranking": [P…]}`,
    /// with `criteria_best` (criterion → position best on it) when the arena asks criteria.
    func voteKWay(
        _ body: Components.Schemas.VoteCreate, battle: String, token: KWayBattleToken, index: ArenaIndex, next: Bool
    ) async throws -> (Components.Schemas.Vote, replayed: Bool) {
        let k = token.k
        switch body.choice {
        case nil, .best, .ranking: break
        case let other?:
            throw PreferError.invalidField("choice", "This battle shows \(k) outputs: vote {\"choice\": \"best\", \"best\": 1…\(k)} or {\"ranking\": [positions, best first]}, not \"\(other.rawValue)\".")
        }
        if body.choice == .best && body.best == nil { throw PreferError.missingField("best") }
        if body.choice == .ranking && body.ranking == nil { throw PreferError.missingField("ranking") }
        if let criteria = body.criteria?.additionalProperties, let name = criteria.keys.sorted().first {
            throw PreferError.invalidField("criteria.\(name)", "This battle shows \(k) outputs: give the position (1…\(k)) best on each criterion in criteria_best, e.g. {\"criteria_best\": {\"\(name)\": 1}}; criteria's left/right choices are for pairwise battles.")
        }
        if body.leftPlayedMs != nil || body.rightPlayedMs != nil {
            throw PreferError.invalidField(body.leftPlayedMs != nil ? "left_played_ms" : "right_played_ms", "A K-way battle has no left or right side.")
        }
        let ballot = BattleService.KWayBallot(
            best: body.best, ranking: body.ranking, criteria: body.criteriaBest?.additionalProperties ?? [:],
            rationale: body.rationale, timeToVoteMs: body.timeToVoteMs, clientVoteId: body.clientVoteId)
        let recorded = try await services.battles.voteKWay(ballot, battle: battle, token: token, index: index, next: next)
        return (Components.Schemas.Vote(recorded), recorded.replayed)
    }
}
