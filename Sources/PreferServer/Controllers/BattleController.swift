import Foundation
import Hummingbird
import PreferCore
import PreferStore

/// Annotators' endpoints: draw an anonymous battle, vote on it.
struct BattleController<Context: RequestContext> {
    let services: PreferServices

    func register(_ routes: RouteTable<Context>) {
        routes.on(.post, "/api/arenas/:arena/battles", use: createBattle)
        routes.on(.post, "/api/battles/:battle/vote", use: vote)
    }

    /// `POST /api/arenas/{arena}/battles` → a prompt and two outputs, sides
    /// randomised, with no contender identity anywhere.
    @Sendable func createBattle(_ request: Request, context: Context) async throws -> Response {
        let index = try await services.directory.index(context.parameters.require("arena"))
        let identity = try await AnnotatorIdentity.resolve(request, arena: index.arena, services: services)
        let battle = try await drawBattle(index, voter: identity.voter)
        let prompt = index.prompts[battle.draw.prompt]
        let body = BattleResponse(
            battle: battle.id,
            arena: index.arena.name,
            prompt: .init(text: prompt?.text ?? "", category: prompt?.category),
            left: BattleSide(content: battle.draw.left.content, media: battle.draw.left.media.rawValue, url: battle.draw.left.url),
            right: BattleSide(content: battle.draw.right.content, media: battle.draw.right.media.rawValue, url: battle.draw.right.url),
            criteria: index.arena.criteria,
            minPlayMs: index.arena.minPlayMs,
            expiresAt: Date(timeIntervalSince1970: Double(battle.token.expiresAt))
        )
        var response = JSONResponse.text(body.json, status: .created, headers: [.cacheControl: "no-store"])
        if let cookie = identity.newSession { response.setCookie(cookie) }
        return response
    }

    /// A new battle of `index` for `voter`: the draw, its token and the sealed id.
    func drawBattle(_ index: ArenaIndex, voter: String) async throws -> (draw: BattleSampler.Draw, token: BattleToken, id: String) {
        var rng = SystemRandomNumberGenerator()
        var draw: BattleSampler.Draw
        do {
            draw = try BattleSampler().draw(from: index, using: &rng)
            // Arenas that want k annotators per item first offer items others voted on.
            if index.arena.annotationsPerItem > 1,
               let item = try await services.coverage.pendingItem(arena: index.arena, voter: voter),
               let repeated = BattleSampler().draw(item: item, from: index, using: &rng) {
                draw = repeated
            }
        } catch is BattleSampler.Failure {
            throw APIError.noBattleAvailable("Arena \"\(index.arena.name)\" has no prompt with outputs from two contenders yet; add outputs with POST /api/arenas/{arena}/outputs or /import.")
        }
        let now = Date()
        let expires = now.addingTimeInterval(Double(services.configuration.battleLifetime.components.seconds))
        let token = BattleToken(
            arenaId: index.arena.id, promptId: draw.prompt,
            leftOutputId: draw.left.id, rightOutputId: draw.right.id,
            leftContenderId: draw.left.contenderId, rightContenderId: draw.right.contenderId,
            issuedAt: Int64(now.timeIntervalSince1970), expiresAt: Int64(expires.timeIntervalSince1970),
            voter: voter
        )
        let id = try token.seal(with: services.secrets.battleKey)
        ServerMetrics.battlesServed.increment()
        return (draw, token, id)
    }

    /// `POST /api/battles/{battle}/vote` → the stored vote, revealing the contenders.
    @Sendable func vote(_ request: Request, context: Context) async throws -> Response {
        let battle = try context.parameters.require("battle")
        let body = try await RequestDecoding.decode(VoteRequest.self, from: request, limit: services.configuration.maxBodyBytes)
        guard let token = BattleToken.open(battle, with: services.secrets.battleKey),
              let index = try await services.directory.index(id: token.arenaId) else { throw APIError.unknownBattle }
        let (response, replayed) = try await record(body, battle: battle, token: token, index: index)
        return JSONResponse.text(response.json, status: replayed ? .ok : .created)
    }

    /// Validates and stores a vote on an opened battle; the stored vote (and
    /// whether it repeats an earlier request), or the error to answer with.
    func record(_ body: VoteRequest, battle: String, token: BattleToken, index: ArenaIndex) async throws -> (VoteResponse, replayed: Bool) {
        let vote = try validate(body, token: token, battle: battle, criteria: index.arena.criteria)
        if Int64(Date().timeIntervalSince1970) > token.expiresAt {
            // After expiry only a retry of the vote stored before it gets an
            // answer (the same vote, 200); nothing new is stored.
            guard let id = vote.clientVoteId, let existing = try await services.store.vote(battle: battle),
                  existing.clientVoteId == id else { throw APIError.expiredBattle }
            ServerMetrics.votesReplayed.increment()
            return (Self.response(existing, index: index, replayed: true), true)
        }
        let outcome = try await services.writer.submit(vote)
        switch outcome {
        case .stored(let stored):
            ServerMetrics.votesStored.increment()
            await services.leaderboards.votesChanged(arena: token.arenaId)
            if index.arena.annotationsPerItem > 1 { await services.coverage.record(arena: token.arenaId, vote: stored) }
            return (Self.response(stored, index: index, replayed: false), false)
        case .replayed(let stored):
            ServerMetrics.votesReplayed.increment()
            return (Self.response(stored, index: index, replayed: true), true)
        case .rejected(let error):
            throw APIError.badRequest(error.message, field: error.field)
        case .conflict(let existing):
            ServerMetrics.votesRejected.increment()
            if let id = vote.clientVoteId, existing.clientVoteId == id { throw APIError.clientVoteIdReused }
            if Int64(Date().timeIntervalSince1970) > token.expiresAt { throw APIError.expiredBattle }
            throw APIError.battleAlreadyVoted(existing.choice.rawValue)
        }
    }

    func validate(_ body: VoteRequest, token: BattleToken, battle: String, criteria known: [String]) throws -> NewVote {
        guard let choice = Choice(rawValue: body.choice) else {
            throw APIError.invalidField("choice", "choice must be one of \(Choice.spellings); got \"\(body.choice)\".")
        }
        var criteria: [String: Choice] = [:]
        for (name, value) in body.criteria ?? [:] {
            guard known.contains(name) else {
                let list = known.isEmpty ? "this arena asks for none" : "this arena asks for " + known.joined(separator: ", ")
                throw APIError.invalidField("criteria.\(name)", "Unknown criterion \"\(name)\"; \(list).")
            }
            guard let c = Choice(rawValue: value) else {
                throw APIError.invalidField("criteria.\(name)", "criteria.\(name) must be one of \(Choice.spellings); got \"\(value)\".")
            }
            criteria[name] = c
        }
        if let id = body.clientVoteId, id.isEmpty || id.count > 200 {
            throw APIError.invalidField("client_vote_id", "client_vote_id must be 1 to 200 characters (a UUID is ideal).")
        }
        for (field, value) in [("time_to_vote_ms", body.timeToVoteMs), ("left_played_ms", body.leftPlayedMs), ("right_played_ms", body.rightPlayedMs)] {
            if let value, value < 0 || value > 86_400_000 {
                throw APIError.invalidField(field, "\(field) must be between 0 and 86400000 milliseconds.")
            }
        }
        if let rationale = body.rationale, rationale.count > 20_000 {
            throw APIError.invalidField("rationale", "rationale is limited to 20,000 characters.")
        }
        return NewVote(
            arenaId: token.arenaId, battle: battle, promptId: token.promptId,
            leftContenderId: token.leftContenderId, rightContenderId: token.rightContenderId,
            choice: choice, criteria: criteria, rationale: body.rationale, timeToVoteMs: body.timeToVoteMs,
            leftPlayedMs: body.leftPlayedMs, rightPlayedMs: body.rightPlayedMs, voter: token.voter,
            clientVoteId: body.clientVoteId, source: .battle
        )
    }

    static func response(_ vote: StoredVote, index: ArenaIndex, replayed: Bool) -> VoteResponse {
        VoteResponse(
            id: vote.id, battle: vote.battle, arena: index.arena.name, choice: vote.choice.rawValue,
            left: .init(contender: index.contenders[vote.leftContenderId]?.name ?? "?"),
            right: .init(contender: index.contenders[vote.rightContenderId]?.name ?? "?"),
            criteria: vote.criteria.mapValues(\.rawValue), rationale: vote.rationale, timeToVoteMs: vote.timeToVoteMs,
            leftPlayedMs: vote.leftPlayedMs, rightPlayedMs: vote.rightPlayedMs, voter: vote.voter,
            clientVoteId: vote.clientVoteId, createdAt: vote.createdAt, replayed: replayed
        )
    }
}
