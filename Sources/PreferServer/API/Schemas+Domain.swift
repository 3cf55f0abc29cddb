import Foundation
import PreferCore
import PreferStore

// The API's types (generated from openapi.json) made from the domain's.

extension Components.Schemas.Arena {
    init(_ summary: ArenaService.Summary) {
        self.init(summary.arena)
        contenders = summary.contenders
        prompts = summary.prompts
        outputs = summary.outputs
        votes = summary.votes
        if summary.k > 2 { k = summary.k }
    }

    init(_ arena: Arena) {
        self.init(
            id: arena.id, name: arena.name, description: arena.description,
            sampling: Components.Schemas.Sampling(arena.sampling), criteria: arena.criteria, minPlayMs: arena.minPlayMs,
            annotationsPerItem: arena.annotationsPerItem, _private: arena.isPrivate, createdAt: arena.createdAt,
            archivedAt: arena.archivedAt, leaderboardPublic: arena.leaderboardPublic,
            activeSampling: arena.activeSampling.map(Components.Schemas.ActiveSampling.init)
        )
        if arena.activeSampling != nil { sampling = .active }
        license = arena.license
    }
}

extension Components.Schemas.ActiveSampling {
    init(_ settings: ActiveSampling) {
        self.init(
            rule: RulePayload(rawValue: settings.rule.rawValue) ?? .width, topK: settings.topK,
            floorShare: settings.floorShare, burstVotes: settings.burstVotes, burstMultiple: settings.burstMultiple,
            explore: settings.explore, maxPairShare: settings.maxPairShare, sharpness: settings.sharpness,
            designIterations: settings.designIterations)
    }
}

extension Components.Schemas.Sampling {
    init(_ sampling: Sampling) {
        switch sampling {
        case .uniform: self = .uniform
        case .weighted: self = .weighted
        }
    }
}

extension Sampling {
    /// Uniform or weighted; active (whose fallback is uniform) is uniform.
    init(_ sampling: Components.Schemas.Sampling) {
        switch sampling {
        case .uniform, .active: self = .uniform
        case .weighted: self = .weighted
        }
    }
}

extension Components.Schemas.Media {
    init(_ media: Media) {
        self = Self(rawValue: media.rawValue)!
    }
}

extension Components.Schemas.Choice {
    init(_ choice: Choice) {
        self = Self(rawValue: choice.rawValue)!
    }
}

extension Choice {
    init(_ choice: Components.Schemas.Choice) {
        self = Self(rawValue: choice.rawValue)!
    }
}

extension Components.Schemas.Contender {
    init(_ contender: Contender, votes: Int? = nil) {
        self.init(
            id: contender.id, name: contender.name, weight: contender.weight, votes: votes,
            retiredAt: contender.retiredAt, hidden: contender.hidden)
    }
}

extension Components.Schemas.Prompt {
    init(_ prompt: Prompt) {
        self.init(id: prompt.id, text: prompt.text, category: prompt.category)
    }
}

extension Components.Schemas.Output {
    init(_ output: Output) {
        self.init(
            id: output.id, prompt: output.promptId, contender: output.contenderId, content: output.content,
            media: .init(output.media), url: output.url, withdrawnAt: output.withdrawnAt, replacedBy: output.replacedBy)
    }
}

extension Components.Schemas.BattleSide {
    init(_ output: Output) {
        self.init(content: output.content, media: .init(output.media), url: output.url)
    }
}

extension Components.Schemas.Battle {
    /// What an annotator sees of a battle: no contender anywhere.
    init(_ drawn: BattleService.Drawn) {
        self.init(
            battle: drawn.id, arena: drawn.index.arena.name,
            prompt: .init(text: drawn.prompt?.text ?? "", category: drawn.prompt?.category),
            left: .init(drawn.left), right: .init(drawn.right), criteria: drawn.index.arena.criteria,
            minPlayMs: drawn.index.arena.minPlayMs,
            expiresAt: Date(timeIntervalSince1970: Double(drawn.token.expiresAt))
        )
    }
}

extension Components.Schemas.Battle {
    /// What an annotator sees of a K-way battle: K outputs, no contender anywhere.
    init(_ drawn: BattleService.KWayDrawn) {
        self.init(
            battle: drawn.id, arena: drawn.index.arena.name,
            prompt: .init(text: drawn.prompt?.text ?? "", category: drawn.prompt?.category),
            criteria: drawn.index.arena.criteria, minPlayMs: drawn.index.arena.minPlayMs,
            expiresAt: Date(timeIntervalSince1970: Double(drawn.token.expiresAt)),
            k: drawn.outputs.count, outputs: drawn.outputs.map { .init($0) }
        )
    }
}

extension Components.Schemas.Vote {
    /// A stored K-way vote, revealing the contender at each position.
    init(_ recorded: BattleService.KWayRecorded) {
        let vote = recorded.vote
        let index = recorded.index
        let ranking = vote.ranking
        self.init(
            id: vote.id, battle: vote.battle, arena: index.arena.name,
            choice: vote.kind == .best ? .best : .ranking,
            criteria: .init(additionalProperties: [:]),
            rationale: vote.rationale, timeToVoteMs: vote.timeToVoteMs, voter: vote.voter, clientVoteId: vote.clientVoteId,
            createdAt: vote.createdAt, replayed: recorded.replayed, next: recorded.next.map { .init($0) },
            k: vote.k, best: ranking.first, ranking: ranking,
            candidates: vote.members.map {
                .init(position: $0.position, contender: index.contenders[$0.contenderId]?.name ?? "?", place: $0.place)
            },
            criteriaBest: vote.criteria.isEmpty ? nil : .init(additionalProperties: vote.criteria)
        )
    }

    /// A stored vote, revealing the contenders.
    init(_ recorded: BattleService.Recorded) {
        let vote = recorded.vote
        let index = recorded.index
        self.init(
            id: vote.id, battle: vote.battle, arena: index.arena.name, choice: .init(rawValue: vote.choice.rawValue) ?? .tie,
            left: .init(contender: index.contenders[vote.leftContenderId]?.name ?? "?"),
            right: .init(contender: index.contenders[vote.rightContenderId]?.name ?? "?"),
            criteria: .init(additionalProperties: vote.criteria.mapValues { .init($0) }),
            rationale: vote.rationale, timeToVoteMs: vote.timeToVoteMs, leftPlayedMs: vote.leftPlayedMs,
            rightPlayedMs: vote.rightPlayedMs, voter: vote.voter, clientVoteId: vote.clientVoteId,
            createdAt: vote.createdAt, replayed: recorded.replayed, next: recorded.next.map { .init($0) }
        )
    }
}

extension OutputImport.Reference {
    init(_ reference: Components.Schemas.Reference) {
        switch reference {
        case .case1(let id): self = .id(id)
        case .case2(let name): self = .name(name)
        }
    }
}

extension Components.Schemas.Invite {
    init(_ invite: Invite) {
        self.init(name: invite.name, createdAt: invite.createdAt, revokedAt: invite.revokedAt)
    }
}

extension Components.Schemas.Key {
    init(_ key: APIKey, secret: String? = nil) {
        self.init(
            name: key.name, role: .init(rawValue: key.role) ?? .viewer, createdAt: key.createdAt, revokedAt: key.revokedAt,
            key: secret)
    }
}

extension Components.Schemas.AuditLogEntry {
    init(_ entry: AuditEntry) {
        self.init(
            id: entry.id, at: entry.at, actor: entry.actor, operation: entry.operation, method: entry.method,
            path: entry.path, status: entry.status, detail: entry.detail)
    }
}

extension Components.Schemas.VoterDecision {
    init(_ decision: PreferCore.VoterDecision) {
        self.init(
            voter: decision.voter, decision: .init(rawValue: decision.decision.rawValue) ?? .exclude,
            decidedAt: decision.decidedAt, actor: decision.actor, note: decision.note)
    }
}
