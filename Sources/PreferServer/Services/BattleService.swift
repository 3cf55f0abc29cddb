import Foundation
import PreferCore
import PreferStore
import CoreMetrics

/// Battles and votes, for the API and the pages alike: draw an anonymous
/// battle for an annotator, and store a vote on one (group-committed by
/// `VoteWriter`; acknowledged only once stored), optionally drawing the
/// annotator's next battle in the same step.
public struct BattleService: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory
    let writer: VoteWriter
    let leaderboards: LeaderboardCache
    let coverage: ItemCoverage
    let secrets: ServerSecrets
    let battleLifetime: Duration
    /// Live hybrid routing: the battles its judge sent to people come first.
    var routing: HybridRoutingService? = nil

    /// A battle drawn for an annotator: what to show, and its sealed id.
    struct Drawn: Sendable {
        var id: String
        var token: BattleToken
        var index: ArenaIndex
        var prompt: Prompt?
        var left: Output
        var right: Output
    }

    /// A vote as the annotator gave it.
    struct Ballot: Sendable {
        var choice: Choice
        var criteria: [String: Choice] = [:]
        var rationale: String?
        var timeToVoteMs: Int?
        var leftPlayedMs: Int?
        var rightPlayedMs: Int?
        var clientVoteId: String?
    }

    /// A stored vote, whether it repeats an earlier request, the arena it is
    /// in, and the next battle when one was asked for.
    struct Recorded: Sendable {
        var vote: StoredVote
        var replayed: Bool
        var index: ArenaIndex
        var next: Drawn?
    }

    // MARK: Drawing

    /// A new battle of the arena `reference` for `identity`: a private arena
    /// admits its invitees (and key holders) only.
    func draw(arena reference: String, for identity: PreferIdentity) async throws -> Drawn {
        let index = try await directory.index(reference)
        try ArenaAccess.requireVoter(index.arena, identity)
        return try await draw(index, voter: identity.voter)
    }

    /// A new battle of `index` for `voter`, drawn with the system's random numbers.
    func draw(_ index: ArenaIndex, voter: String) async throws -> Drawn {
        var rng = SystemRandomNumberGenerator()
        return try await draw(index, voter: voter, using: &rng)
    }

    /// A new battle of `index` for `voter`, drawn with `rng` (tests seed it).
    /// An active arena's pair comes from its prepared table (`ActivePairs`),
    /// read without a query or a wait; the table is refreshed in the
    /// background while the arena is drawn from.
    func draw<R: RandomNumberGenerator & Sendable>(_ index: ArenaIndex, voter: String, using rng: inout R) async throws -> Drawn {
        if index.arena.isArchived {
            throw PreferError.noBattleAvailable("Arena \"\(index.arena.name)\" is archived: it takes no more votes. Its leaderboard stays at /arenas/\(index.arena.name)/leaderboard.")
        }
        if index.isKWay {
            throw PreferError.noBattleAvailable("Arena \"\(index.arena.name)\" shows \(index.k) outputs per battle: draw its battles with POST /api/arenas/\(index.arena.name)/battles.")
        }
        var sampler = BattleSampler()
        if case .active = index.arena.samplingPolicy {
            let prepared = leaderboards.activePairs.prepared(index.arena.id)
            let current = prepared?.indexVersion == index.version && prepared?.policy == index.arena.samplingPolicy
            leaderboards.activeArenaDrawn(index.arena.id, needsTable: !current)
            sampler.prepared = prepared
        }
        var draw: BattleSampler.Draw
        if let routing, routing.isRouted(index.arena.id), let routed = await routing.take(index.arena.id, index: index) {
            // A battle the arena's judge sent to people; what the judge said stays with the judge.
            draw = BattleSampler.Draw(prompt: routed.prompt, left: routed.left, right: routed.right)
        } else {
            do {
                draw = try sampler.draw(from: index, using: &rng)
                // Arenas that want k annotators per item first offer items others voted on.
                if index.arena.annotationsPerItem > 1,
                   let item = try await coverage.pendingItem(arena: index.arena, voter: voter),
                   let repeated = sampler.draw(item: item, from: index, using: &rng) {
                    draw = repeated
                }
            } catch is BattleSampler.Failure {
                throw PreferError.noBattleAvailable("Arena \"\(index.arena.name)\" has no prompt with outputs from two contenders yet; add outputs with POST /api/arenas/{arena}/outputs or /import.")
            }
        }
        let now = Int64(Date().timeIntervalSince1970)
        let token = BattleToken(
            arenaId: index.arena.id, promptId: draw.prompt,
            leftOutputId: draw.left.id, rightOutputId: draw.right.id,
            leftContenderId: draw.left.contenderId, rightContenderId: draw.right.contenderId,
            issuedAt: now, expiresAt: now + battleLifetime.components.seconds,
            voter: voter
        )
        let id = try token.seal(with: secrets.battleKey)
        ServerMetrics.battlesServed.increment()
        return Drawn(id: id, token: token, index: index, prompt: index.prompts[draw.prompt], left: draw.left, right: draw.right)
    }

    // MARK: Voting

    /// A battle id opened: pairwise or K-way, with its arena.
    enum Opened {
        case pairwise(BattleToken, ArenaIndex)
        case kway(KWayBattleToken, ArenaIndex)
    }

    /// The battle behind a sealed id, opened once whatever its kind; unknown
    /// (or forged, or altered) ids are `unknown_battle`. `arena`: the arena
    /// the caller expects it in (its name or id).
    func opened(_ battle: String, inArena arena: String? = nil) async throws -> Opened {
        guard let plain = BattleSeal.open(battle, with: secrets.battleKey) else { throw PreferError.unknownBattle }
        let opened: Opened
        if let token = KWayBattleToken(plain), let index = try await directory.index(id: token.arenaId) {
            opened = .kway(token, index)
        } else if let token = BattleToken(plain), let index = try await directory.index(id: token.arenaId) {
            opened = .pairwise(token, index)
        } else {
            throw PreferError.unknownBattle
        }
        let index = switch opened {
        case .pairwise(_, let index), .kway(_, let index): index
        }
        if let arena, index.arena.name != arena && String(index.arena.id) != arena { throw PreferError.unknownBattle }
        return opened
    }

    /// The pairwise battle behind a sealed id (`opened`); a K-way one is `unknown_battle`.
    func open(_ battle: String, inArena arena: String? = nil) async throws -> (BattleToken, ArenaIndex) {
        guard case .pairwise(let token, let index) = try await opened(battle, inArena: arena) else { throw PreferError.unknownBattle }
        return (token, index)
    }

    /// Stores `ballot` on the battle `battle`, and draws the annotator's next
    /// battle in the same arena when `next` is set.
    func vote(_ ballot: Ballot, battle: String, next: Bool = false) async throws -> Recorded {
        let (token, index) = try await open(battle)
        return try await vote(ballot, battle: battle, token: token, index: index, next: next)
    }

    func vote(_ ballot: Ballot, battle: String, token: BattleToken, index: ArenaIndex, next: Bool) async throws -> Recorded {
        let vote = try newVote(ballot, token: token, battle: battle, criteria: index.arena.criteria)
        var recorded: Recorded
        if Int64(Date().timeIntervalSince1970) > token.expiresAt {
            // After expiry only a retry of the vote stored before it gets an
            // answer (the same vote); nothing new is stored.
            guard let id = vote.clientVoteId, let existing = try await store.vote(battle: battle),
                  existing.clientVoteId == id else { throw PreferError.expiredBattle }
            ServerMetrics.votesReplayed.increment()
            recorded = Recorded(vote: existing, replayed: true, index: index)
        } else {
            switch try await writer.submit(vote) {
            case .stored(let stored):
                ServerMetrics.votesStored.increment()
                await leaderboards.votesChanged(arena: token.arenaId)
                if index.arena.annotationsPerItem > 1 { await coverage.record(arena: token.arenaId, vote: stored) }
                recorded = Recorded(vote: stored, replayed: false, index: index)
            case .replayed(let stored):
                ServerMetrics.votesReplayed.increment()
                recorded = Recorded(vote: stored, replayed: true, index: index)
            case .rejected(let error):
                throw PreferError.badRequest(error.message, field: error.field)
            case .conflict(let existing):
                ServerMetrics.votesRejected.increment()
                if let id = vote.clientVoteId, existing.clientVoteId == id { throw PreferError.clientVoteIdReused }
                if Int64(Date().timeIntervalSince1970) > token.expiresAt { throw PreferError.expiredBattle }
                throw PreferError.battleAlreadyVoted(existing.choice.rawValue)
            }
        }
        if next {
            // The index may have changed since the battle was drawn: draw from the current one.
            let current = try await directory.index(id: token.arenaId) ?? index
            recorded.next = try await draw(current, voter: token.voter)
        }
        return recorded
    }

    /// The vote to store: the ballot checked against the arena's rules.
    func newVote(_ ballot: Ballot, token: BattleToken, battle: String, criteria known: [String]) throws -> NewVote {
        for name in ballot.criteria.keys where !known.contains(name) {
            let list = known.isEmpty ? "this arena asks for none" : "this arena asks for " + known.joined(separator: ", ")
            throw PreferError.invalidField("criteria.\(name)", "Unknown criterion \"\(name)\"; \(list).")
        }
        if let id = ballot.clientVoteId, id.isEmpty || id.count > 200 {
            throw PreferError.invalidField("client_vote_id", "client_vote_id must be 1 to 200 characters (a UUID is ideal).")
        }
        for (field, value) in [("time_to_vote_ms", ballot.timeToVoteMs), ("left_played_ms", ballot.leftPlayedMs), ("right_played_ms", ballot.rightPlayedMs)] {
            if let value, value < 0 || value > 86_400_000 {
                throw PreferError.invalidField(field, "\(field) must be between 0 and 86400000 milliseconds.")
            }
        }
        if let rationale = ballot.rationale, rationale.count > 20_000 {
            throw PreferError.invalidField("rationale", "rationale is limited to 20,000 characters.")
        }
        return NewVote(
            arenaId: token.arenaId, battle: battle, promptId: token.promptId,
            leftContenderId: token.leftContenderId, rightContenderId: token.rightContenderId,
            choice: ballot.choice, criteria: ballot.criteria, rationale: ballot.rationale, timeToVoteMs: ballot.timeToVoteMs,
            leftPlayedMs: ballot.leftPlayedMs, rightPlayedMs: ballot.rightPlayedMs, voter: token.voter,
            clientVoteId: ballot.clientVoteId, source: .battle,
            leftOutputId: token.leftOutputId, rightOutputId: token.rightOutputId
        )
    }
}
