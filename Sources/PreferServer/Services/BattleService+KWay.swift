import Foundation
import PreferCore
import PreferStore
import CoreMetrics

/// K-way battles (arenas with `k` 3…8): K anonymous outputs of one prompt,
/// sealed like pairwise battles (`KWayBattleToken`), and votes on them —
/// the best of K, or a ranking (full or partial, best first) — stored with
/// every candidate's position and place (`KWayStore`). The guarantees are
/// the pairwise ones: one vote per battle, idempotent client vote ids,
/// contenders revealed only in the vote's answer.
extension BattleService {
    /// A K-way battle drawn for an annotator.
    struct KWayDrawn: Sendable {
        var id: String
        var token: KWayBattleToken
        var index: ArenaIndex
        var prompt: Prompt?
        /// In the order shown.
        var outputs: [Output]
    }

    /// A K-way vote as the annotator gave it; positions are 1…K, as shown
    /// (keys 1…K).
    struct KWayBallot: Sendable {
        var best: Int?
        var ranking: [Int]?
        /// Per criterion of the arena answered, the position (1…K) best on it.
        var criteria: [String: Int] = [:]
        var rationale: String?
        var timeToVoteMs: Int?
        var clientVoteId: String?
    }

    struct KWayRecorded: Sendable {
        var vote: StoredKWayVote
        var replayed: Bool
        var index: ArenaIndex
        var next: KWayDrawn?
    }

    var kwayStore: any KWayStore {
        get throws {
            guard let kway = store as? any KWayStore else { throw PreferError.badRequest("This store keeps no K-way votes.") }
            return kway
        }
    }

    // MARK: Drawing

    /// A new K-way battle of `index` for `voter`.
    func drawKWay(_ index: ArenaIndex, voter: String) async throws -> KWayDrawn {
        if index.arena.isArchived {
            throw PreferError.noBattleAvailable("Arena \"\(index.arena.name)\" is archived: it takes no more votes. Its leaderboard stays at /arenas/\(index.arena.name)/leaderboard.")
        }
        var rng = SystemRandomNumberGenerator()
        guard let draw = KWaySampler().draw(from: index, using: &rng) else {
            throw PreferError.noBattleAvailable("Arena \"\(index.arena.name)\" shows \(index.k) outputs per battle and has no prompt with outputs from \(index.k) current contenders yet; add outputs with POST /api/arenas/{arena}/outputs or /import.")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let token = KWayBattleToken(
            arenaId: index.arena.id, promptId: draw.prompt,
            shown: draw.outputs.map { .init(outputId: $0.id, contenderId: $0.contenderId) },
            issuedAt: now, expiresAt: now + battleLifetime.components.seconds, voter: voter)
        let id = try token.seal(with: secrets.battleKey)
        ServerMetrics.battlesServed.increment()
        return KWayDrawn(id: id, token: token, index: index, prompt: index.prompts[draw.prompt], outputs: draw.outputs)
    }

    // MARK: Voting

    /// Stores `ballot` on the K-way battle `battle`, and draws the annotator's
    /// next battle in the same arena when `next` is set.
    func voteKWay(_ ballot: KWayBallot, battle: String, token: KWayBattleToken, index: ArenaIndex, next: Bool) async throws -> KWayRecorded {
        let vote = try newKWayVote(ballot, token: token, battle: battle, criteria: index.arena.criteria)
        let store = try kwayStore
        var recorded: KWayRecorded
        if Int64(Date().timeIntervalSince1970) > token.expiresAt {
            guard let id = vote.clientVoteId, let existing = try await store.kwayVote(battle: battle),
                  existing.clientVoteId == id else { throw PreferError.expiredBattle }
            ServerMetrics.votesReplayed.increment()
            recorded = KWayRecorded(vote: existing, replayed: true, index: index)
        } else {
            switch try await store.recordKWayVote(vote) {
            case .stored(let stored):
                ServerMetrics.votesStored.increment()
                await leaderboards.votesChanged(arena: token.arenaId)
                recorded = KWayRecorded(vote: stored, replayed: false, index: index)
            case .replayed(let stored):
                ServerMetrics.votesReplayed.increment()
                recorded = KWayRecorded(vote: stored, replayed: true, index: index)
            case .rejected(let error):
                throw PreferError.badRequest(error.message, field: error.field)
            case .conflict(let existing):
                ServerMetrics.votesRejected.increment()
                if let id = vote.clientVoteId, existing.clientVoteId == id { throw PreferError.clientVoteIdReused }
                throw PreferError.battleAlreadyVoted(Self.describe(existing))
            }
        }
        if next {
            let current = try await directory.index(id: token.arenaId) ?? index
            recorded.next = try await drawKWay(current, voter: token.voter)
        }
        return recorded
    }

    /// "best 2" or "ranking 3, 1, 2": a stored K-way vote in words.
    static func describe(_ vote: StoredKWayVote) -> String {
        let ranking = vote.ranking
        if vote.kind == .best, let best = ranking.first { return "best \(best)" }
        return "ranking " + ranking.map(String.init).joined(separator: ", ")
    }

    /// The vote to store: the ballot checked against the battle.
    func newKWayVote(_ ballot: KWayBallot, token: KWayBattleToken, battle: String, criteria known: [String]) throws -> NewKWayVote {
        let k = token.k
        let positions = "1 to \(k) (the outputs in the order shown)"
        for name in ballot.criteria.keys.sorted() {
            guard known.contains(name) else {
                let list = known.isEmpty ? "this arena asks none" : "this arena asks " + known.map { "\"\($0)\"" }.joined(separator: ", ")
                throw PreferError.invalidField("criteria_best.\(name)", "Unknown criterion \"\(name.prefix(100))\"; \(list).")
            }
            let position = ballot.criteria[name]!
            guard (1...k).contains(position) else {
                throw PreferError.invalidField("criteria_best.\(name)", "criteria_best.\(name) must be a position from \(positions); got \(position).")
            }
        }
        var ranking: [Int]
        let kind: KWayKind
        switch (ballot.best, ballot.ranking) {
        case (nil, nil):
            throw PreferError.missingField("best")
        case (let best?, nil):
            guard (1...k).contains(best) else {
                throw PreferError.invalidField("best", "best must be a position from \(positions); got \(best).")
            }
            ranking = [best]
            kind = .best
        case (let best, let given?):
            guard !given.isEmpty else {
                throw PreferError.invalidField("ranking", "ranking must list at least one position, best first: positions \(positions).")
            }
            var seen = Set<Int>()
            for (i, position) in given.enumerated() {
                guard (1...k).contains(position) else {
                    throw PreferError.invalidField("ranking[\(i)]", "ranking[\(i)] must be a position from \(positions); got \(position).")
                }
                guard seen.insert(position).inserted else {
                    throw PreferError.invalidField("ranking", "ranking lists position \(position) more than once; a ranking places each output once.")
                }
            }
            if let best, best != given[0] {
                throw PreferError.invalidField("ranking", "best (\(best)) and ranking disagree: the ranking puts \(given[0]) first. Send one of them, or the same first.")
            }
            ranking = given
            kind = .ranking
        }
        if let id = ballot.clientVoteId, id.isEmpty || id.count > 200 {
            throw PreferError.invalidField("client_vote_id", "client_vote_id must be 1 to 200 characters (a UUID is ideal).")
        }
        if let ms = ballot.timeToVoteMs, ms < 0 || ms > 86_400_000 {
            throw PreferError.invalidField("time_to_vote_ms", "time_to_vote_ms must be between 0 and 86400000 milliseconds.")
        }
        if let rationale = ballot.rationale, rationale.count > 20_000 {
            throw PreferError.invalidField("rationale", "rationale is limited to 20,000 characters.")
        }
        // A ranking of all but one output places the last one too.
        if ranking.count == k - 1, kind == .ranking, let last = (1...k).first(where: { !ranking.contains($0) }) {
            ranking.append(last)
        }
        let members = token.shown.enumerated().map { i, shown in
            KWayMember(
                position: i + 1, contenderId: shown.contenderId, outputId: shown.outputId,
                place: ranking.firstIndex(of: i + 1).map { $0 + 1 } ?? 0)
        }
        return NewKWayVote(
            arenaId: token.arenaId, battle: battle, promptId: token.promptId, kind: kind, members: members,
            criteria: ballot.criteria, rationale: ballot.rationale, timeToVoteMs: ballot.timeToVoteMs, voter: token.voter,
            clientVoteId: ballot.clientVoteId, source: .battle)
    }
}
