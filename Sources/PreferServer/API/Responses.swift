import Foundation
import PreferCore

/// An arena as the API shows it.
struct ArenaResponse: Encodable {
    var id: Int64
    var name: String
    var description: String?
    var sampling: String
    var criteria: [String]
    var minPlayMs: Int?
    var annotationsPerItem: Int
    var `private`: Bool
    var createdAt: Date
    var contenders: Int?
    var prompts: Int?
    var outputs: Int?
    var votes: Int?

    init(_ arena: Arena, contenders: Int? = nil, prompts: Int? = nil, outputs: Int? = nil, votes: Int? = nil) {
        id = arena.id
        name = arena.name
        description = arena.description
        sampling = arena.sampling.rawValue
        criteria = arena.criteria
        minPlayMs = arena.minPlayMs
        annotationsPerItem = arena.annotationsPerItem
        `private` = arena.isPrivate
        createdAt = arena.createdAt
        self.contenders = contenders
        self.prompts = prompts
        self.outputs = outputs
        self.votes = votes
    }
}

struct ContenderResponse: Encodable {
    var id: Int64
    var name: String
    var weight: Double
    var votes: Int?

    init(_ contender: Contender, votes: Int? = nil) {
        id = contender.id
        name = contender.name
        weight = contender.weight
        self.votes = votes
    }
}

struct PromptResponse: Encodable {
    var id: Int64
    var text: String
    var category: String?

    init(_ prompt: Prompt) {
        id = prompt.id
        text = prompt.text
        category = prompt.category
    }
}

struct OutputResponse: Encodable {
    var id: Int64
    var prompt: Int64
    var contender: Int64
    var content: String
    var media: String
    var url: String?

    init(_ output: Output) {
        id = output.id
        prompt = output.promptId
        contender = output.contenderId
        content = output.content
        media = output.media.rawValue
        url = output.url
    }
}

struct ImportResponse: Encodable {
    var outputs: Int
    var contendersCreated: Int
    var promptsCreated: Int
}

struct InviteResponse: Encodable {
    var name: String
    var token: String
    /// The link that opens the arena's voting page with this invite.
    var url: String
}

/// One side of a battle: what to show, nothing about who made it.
struct BattleSide: Encodable {
    var content: String
    var media: String
    var url: String?
}

/// `POST /api/arenas/{arena}/battles`
struct BattleResponse: Encodable {
    var battle: String
    var arena: String
    var prompt: PromptView
    var left: BattleSide
    var right: BattleSide
    var criteria: [String]
    var minPlayMs: Int?
    var expiresAt: Date

    struct PromptView: Encodable {
        var text: String
        var category: String?
    }
}

/// A stored vote, revealing the contenders.
struct VoteResponse: Encodable {
    var id: Int64
    var battle: String?
    var arena: String
    var choice: String
    var left: Side
    var right: Side
    var criteria: [String: String]
    var rationale: String?
    var timeToVoteMs: Int?
    var leftPlayedMs: Int?
    var rightPlayedMs: Int?
    var voter: String?
    var clientVoteId: String?
    var createdAt: Date
    /// True when this response repeats a vote stored by an earlier request with the same client_vote_id.
    var replayed: Bool

    struct Side: Encodable {
        var contender: String
    }
}
