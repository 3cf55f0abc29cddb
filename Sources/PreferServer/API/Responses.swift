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

extension BattleResponse {
    /// The same JSON JSONResponse would write, written by hand (hot path).
    var json: String {
        var w = JSONWriter()
        w.string("arena", arena)
        w.string("battle", battle)
        w.strings("criteria", criteria)
        w.date("expires_at", expiresAt)
        w.object("left") { $0.side(left) }
        w.int("min_play_ms", minPlayMs)
        w.object("prompt") {
            $0.string("category", prompt.category)
            $0.string("text", prompt.text)
        }
        w.object("right") { $0.side(right) }
        return w.finished
    }
}

extension JSONWriter {
    fileprivate mutating func side(_ side: BattleSide) {
        string("content", side.content)
        string("media", side.media)
        string("url", side.url)
    }
}

extension VoteResponse {
    /// The same JSON JSONResponse would write, written by hand (hot path).
    var json: String {
        var w = JSONWriter()
        w.string("arena", arena)
        w.string("battle", battle)
        w.string("choice", choice)
        w.string("client_vote_id", clientVoteId)
        w.date("created_at", createdAt)
        w.stringMap("criteria", criteria)
        w.int64("id", id)
        w.object("left") { $0.string("contender", left.contender) }
        w.int("left_played_ms", leftPlayedMs)
        w.string("rationale", rationale)
        w.bool("replayed", replayed)
        w.object("right") { $0.string("contender", right.contender) }
        w.int("right_played_ms", rightPlayedMs)
        w.int("time_to_vote_ms", timeToVoteMs)
        w.string("voter", voter)
        return w.finished
    }
}
