import Foundation
import PreferCore

/// Everything Prefer keeps: arenas, contenders, prompts, outputs, votes,
/// invites and settings. One protocol, one SQL implementation
/// (`SQLPreferStore`) serving SQLite and PostgreSQL.
///
/// Every method is one transaction: it either happens completely or not at
/// all. Names are unique per arena, prompts unique per arena by text, one
/// output per (prompt, contender), one vote per battle and per client vote id
/// — enforced by the schema, reported as `StoreError`.
public protocol PreferStore: Sendable {
    /// Brings the schema to the latest version (idempotent).
    func migrate() async throws
    /// Closes connections.
    func shutdown() async throws
    /// "sqlite" or "postgresql".
    var dialect: String { get }

    // MARK: Settings

    func setting(_ key: String) async throws -> String?
    func setSetting(_ key: String, to value: String) async throws
    /// Stores `value` unless the key already has one; true when it was stored.
    func insertSettingIfAbsent(_ key: String, value: String) async throws -> Bool

    // MARK: Arenas and their contents

    func createArena(_ arena: NewArena) async throws -> Arena
    /// Deletes an arena with everything in it (contenders, prompts, outputs,
    /// votes, invites); `.notFound` when there is no such arena.
    func deleteArena(id: Int64) async throws
    func arenas() async throws -> [Arena]
    func arena(id: Int64) async throws -> Arena?
    func arena(named name: String) async throws -> Arena?

    func createContender(arena: Int64, name: String, weight: Double) async throws -> Contender
    func contenders(arena: Int64) async throws -> [Contender]
    func createPrompt(arena: Int64, text: String, category: String?) async throws -> Prompt
    func prompts(arena: Int64) async throws -> [Prompt]
    func createOutput(_ output: NewOutput) async throws -> Output
    /// The arena's outputs: the current ones, and with `withdrawn` the
    /// withdrawn (and replaced) ones too.
    func outputs(arena: Int64, withdrawn: Bool) async throws -> [Output]

    /// Adds outputs, creating contenders and prompts named in them that do
    /// not exist yet; all or nothing. An item identical to the current
    /// output of its (prompt, contender) is skipped; a different one is
    /// refused, or replaces it with `.replace`.
    func importOutputs(arena: Int64, _ items: [OutputImport], existing: ExistingOutputs) async throws -> ImportSummary

    // MARK: Votes

    /// Stores votes in one transaction and says what happened to each, in order.
    ///
    /// A vote that breaks a rule (a contender against itself, a contender or
    /// prompt that is not in the arena) comes back `.rejected` and the rest of
    /// the batch is stored all the same, so that one bad vote in a
    /// group-committed batch cannot fail its neighbours. Errors of the
    /// database itself throw, and then nothing of the batch is stored.
    func recordVotes(_ votes: [NewVote]) async throws -> [VoteOutcome]
    /// Votes of an arena in id order, `limit` at a time after `after`.
    func votes(arena: Int64, after: Int64?, limit: Int) async throws -> [StoredVote]
    func voteCount(arena: Int64) async throws -> Int
    /// The vote on battle `battle`, if it has one.
    func vote(battle: String) async throws -> StoredVote?
    /// Loads a battle file's votes into an arena (creating contenders); returns how many.
    func importVotes(arena: Int64, _ votes: VoteTable) async throws -> Int

    // MARK: Changes

    /// Where the change feed stands now: `changes(after:)` from here returns
    /// only what is written later.
    func changeCursor() async throws -> ChangeCursor
    /// What any process sharing the database wrote after `cursor`: arenas
    /// with new votes, and arenas created, filled or deleted (see
    /// `StoreChanges`). Each call is one cheap query; callers poll it.
    func changes(after cursor: ChangeCursor) async throws -> StoreChanges

    // MARK: Invites

    /// Creates invites in one transaction: all of them, or none.
    func createInvites(arena: Int64, _ invites: [(name: String, tokenHash: String)]) async throws -> [Invite]
    func invite(tokenHash: String) async throws -> Invite?
    /// The invites of an arena, oldest first.
    func invites(arena: Int64) async throws -> [Invite]
    /// Revokes the invite named `name`: its token stops admitting anyone.
    func revokeInvite(arena: Int64, name: String) async throws -> Invite

    // MARK: Administration

    /// Changes an arena's settings; nil fields keep their value.
    func updateArena(id: Int64, _ changes: ArenaChanges) async throws -> Arena
    /// Changes a contender; nil fields keep their value.
    func updateContender(arena: Int64, id: Int64, _ changes: ContenderChanges) async throws -> Contender
    /// Withdraws the current output `id` and adds `replacement` in its place
    /// (same prompt and contender); votes cast on the old one keep naming it.
    func replaceOutput(arena: Int64, id: Int64, content: String, media: Media, url: String?) async throws -> Output
    /// Withdraws output `id`: no new battles show it.
    func withdrawOutput(arena: Int64, id: Int64) async throws -> Output

    /// Stores a new API key (only its hash).
    func createAPIKey(name: String, role: String, keyHash: String) async throws -> APIKey
    func apiKeys() async throws -> [APIKey]
    /// The key whose SHA-256 is `hash`, unless revoked.
    func apiKey(hash: String) async throws -> APIKey?
    func revokeAPIKey(name: String) async throws -> APIKey

    /// Appends to the admin action log.
    func appendAudit(_ entry: NewAuditEntry) async throws
    /// The log, newest first, `limit` entries before id `before`.
    func auditLog(before: Int64?, limit: Int) async throws -> [AuditEntry]

    /// Records (or, with nil, clears) an admin's decision about an annotator.
    func setVoterDecision(arena: Int64, voter: String, decision: VoterDecision.Kind?, actor: String, note: String?) async throws
    func voterDecisions(arena: Int64) async throws -> [VoterDecision]
}

/// A new arena's settings.
public struct NewArena: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var sampling: Sampling
    public var criteria: [String]
    public var minPlayMs: Int?
    public var annotationsPerItem: Int
    public var isPrivate: Bool
    /// Active pair selection (then `sampling` is uniform, its fallback).
    public var activeSampling: ActiveSampling?
    /// The licence of the arena's data releases (nil: none set).
    public var license: String?

    public init(
        name: String, description: String? = nil, sampling: Sampling = .uniform, criteria: [String] = [],
        minPlayMs: Int? = nil, annotationsPerItem: Int = 1, isPrivate: Bool = false, activeSampling: ActiveSampling? = nil,
        license: String? = nil
    ) {
        self.name = name
        self.description = description
        self.sampling = sampling
        self.criteria = criteria
        self.minPlayMs = minPlayMs
        self.annotationsPerItem = annotationsPerItem
        self.isPrivate = isPrivate
        self.activeSampling = activeSampling
        self.license = license
    }
}

/// A new output for an existing prompt and contender.
public struct NewOutput: Sendable, Hashable, Codable {
    public var promptId: Int64
    public var contenderId: Int64
    public var content: String
    public var media: Media
    public var url: String?

    public init(promptId: Int64, contenderId: Int64, content: String, media: Media = .text, url: String? = nil) {
        self.promptId = promptId
        self.contenderId = contenderId
        self.content = content
        self.media = media
        self.url = url
    }
}

/// One line of an output import: the prompt and contender by id or by
/// text/name (created when new).
public struct OutputImport: Sendable, Hashable, Codable {
    public enum Reference: Sendable, Hashable, Codable {
        case id(Int64)
        case name(String)
    }

    public var prompt: Reference
    public var category: String?
    public var contender: Reference
    public var content: String
    public var media: Media
    public var url: String?

    public init(prompt: Reference, category: String? = nil, contender: Reference, content: String, media: Media = .text, url: String? = nil) {
        self.prompt = prompt
        self.category = category
        self.contender = contender
        self.content = content
        self.media = media
        self.url = url
    }
}

/// What an import does with an item whose (prompt, contender) already has a
/// different output.
public enum ExistingOutputs: Sendable, Hashable {
    /// Refuse the import, naming the item.
    case refuse
    /// Withdraw the old output and add the new one in its place.
    case replace
}

/// What an import did.
public struct ImportSummary: Sendable, Hashable, Codable {
    /// Outputs added where there was none.
    public var outputs: Int
    public var contendersCreated: Int
    public var promptsCreated: Int
    /// Outputs that replaced a different one.
    public var replaced: Int
    /// Items identical to the output already there.
    public var skipped: Int

    public init(outputs: Int, contendersCreated: Int, promptsCreated: Int, replaced: Int = 0, skipped: Int = 0) {
        self.outputs = outputs
        self.contendersCreated = contendersCreated
        self.promptsCreated = promptsCreated
        self.replaced = replaced
        self.skipped = skipped
    }
}

/// A vote to store. `battle` is unique: a battle takes one vote.
public struct NewVote: Sendable, Hashable {
    public var arenaId: Int64
    public var battle: String?
    public var promptId: Int64?
    public var leftContenderId: Int64
    public var rightContenderId: Int64
    public var choice: Choice
    public var criteria: [String: Choice]
    public var rationale: String?
    public var timeToVoteMs: Int?
    public var leftPlayedMs: Int?
    public var rightPlayedMs: Int?
    public var voter: String?
    public var clientVoteId: String?
    public var source: StoredVote.Source
    public var createdAt: Date
    /// The outputs shown on each side (votes on battles).
    public var leftOutputId: Int64?
    public var rightOutputId: Int64?

    public init(
        arenaId: Int64, battle: String?, promptId: Int64?, leftContenderId: Int64, rightContenderId: Int64,
        choice: Choice, criteria: [String: Choice] = [:], rationale: String? = nil, timeToVoteMs: Int? = nil,
        leftPlayedMs: Int? = nil, rightPlayedMs: Int? = nil, voter: String? = nil, clientVoteId: String? = nil,
        source: StoredVote.Source = .battle, createdAt: Date = Date(), leftOutputId: Int64? = nil, rightOutputId: Int64? = nil
    ) {
        self.leftOutputId = leftOutputId
        self.rightOutputId = rightOutputId
        self.arenaId = arenaId
        self.battle = battle
        self.promptId = promptId
        self.leftContenderId = leftContenderId
        self.rightContenderId = rightContenderId
        self.choice = choice
        self.criteria = criteria
        self.rationale = rationale
        self.timeToVoteMs = timeToVoteMs
        self.leftPlayedMs = leftPlayedMs
        self.rightPlayedMs = rightPlayedMs
        self.voter = voter
        self.clientVoteId = clientVoteId
        self.source = source
        self.createdAt = createdAt
    }
}

/// What `recordVotes` did with one vote.
public enum VoteOutcome: Sendable, Hashable {
    /// Stored now.
    case stored(StoredVote)
    /// A retry: a vote with this client vote id was already stored for the same battle; nothing new was stored.
    case replayed(StoredVote)
    /// The battle already has a different vote (or the client vote id was used for another battle).
    case conflict(existing: StoredVote)
    /// The vote breaks a rule of the data (say, a contender against itself) and was not stored.
    case rejected(StoreError)
}

/// A store operation that broke a rule of the data, said so the caller can
/// tell the user what to change.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case duplicate, notFound, invalid, unavailable
    }

    public var kind: Kind
    public var message: String
    /// The field at fault, if one.
    public var field: String?
    /// The position (from 0) of the item at fault in a batch (an import), if one.
    public var item: Int?
    /// True when another writer held the database's lock for longer than the
    /// store waits (SQLite's busy timeout): the same call may succeed later.
    public var isBusy = false

    public init(_ kind: Kind, _ message: String, field: String? = nil, item: Int? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.item = item
    }

    public var description: String { message }

    /// `what` exists already; `advice` says what to do instead (by default,
    /// to choose another name when the field is a name).
    public static func duplicate(_ what: String, field: String, advice: String? = nil) -> StoreError {
        let advice = advice ?? (field == "name" ? "choose another name" : nil)
        return StoreError(.duplicate, "\(what) already exists" + (advice.map { "; \($0)." } ?? "."), field: field)
    }

    public static func notFound(_ what: String, field: String? = nil) -> StoreError {
        StoreError(.notFound, "\(what) does not exist.", field: field)
    }

    /// A value the data does not allow; `message` says what is allowed.
    public static func invalid(_ message: String, field: String? = nil) -> StoreError {
        StoreError(.invalid, message, field: field)
    }

    /// The database cannot be reached or used right now; `message` says what to check.
    public static func unavailable(_ message: String) -> StoreError {
        StoreError(.unavailable, message)
    }

    /// Another writer held the lock too long; `message` says so.
    static func busy(_ message: String) -> StoreError {
        var error = StoreError(.unavailable, message)
        error.isBusy = true
        return error
    }

    /// The same error, said of item `index` (from 0) of a batch.
    public func atItem(_ index: Int) -> StoreError {
        var error = self
        error.item = index
        error.message = "Item \(index) (counting from 0): \(message)"
        return error
    }
}

extension PreferStore {
    /// The arena's current outputs.
    public func outputs(arena: Int64) async throws -> [Output] {
        try await outputs(arena: arena, withdrawn: false)
    }

    /// Adds outputs, refusing an item whose (prompt, contender) holds a different one.
    public func importOutputs(arena: Int64, _ items: [OutputImport]) async throws -> ImportSummary {
        try await importOutputs(arena: arena, items, existing: .refuse)
    }

    /// Creates one invite.
    public func createInvite(arena: Int64, name: String, tokenHash: String) async throws -> Invite {
        try await createInvites(arena: arena, [(name, tokenHash)])[0]
    }
}
