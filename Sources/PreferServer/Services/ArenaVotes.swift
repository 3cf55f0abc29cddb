import PreferCore
import PreferStore
import FoundationEssentials

/// An arena's votes in memory as a `VoteTable`, kept up to date by reading
/// only the votes stored since the last read (by id, which grows in commit
/// order: see `StoreChanges`), so any number of server processes sharing a
/// database see each other's votes, in the same order.
struct ArenaVotes: Sendable {
    var table = VoteTable()
    var lastId: Int64 = 0
    var names: [Int64: String] = [:]
    /// Characters of both outputs per vote (for the audit's reading-speed check).
    var characters: [Int?] = []
    /// Whether each vote is an AI judge's (people's boards leave those out: `VoteSourceFilter`).
    var judged: [Bool] = []
    /// Characters of each text output met so far, by output id (counting
    /// characters walks the whole text; the same outputs recur vote after vote).
    private var outputCharacters: [Int64: Int] = [:]

    /// Reads votes after `lastId`; returns how many were new.
    mutating func sync(arena: Int64, store: any PreferStore, directory: ArenaDirectory) async throws -> Int {
        var added = 0
        while true {
            let page = try await store.votes(arena: arena, after: lastId, limit: 20_000)
            if page.isEmpty { break }
            var index = try await directory.index(id: arena)
            var reloaded = false
            for vote in page {
                // An output written by another replica after this one indexed the
                // arena: read the arena again (once a page), or the audit's
                // reading-speed input would differ between replicas.
                if let prompt = vote.promptId, !reloaded,
                   index?.outputByPromptAndContender[prompt]?[vote.leftContenderId] == nil
                    || index?.outputByPromptAndContender[prompt]?[vote.rightContenderId] == nil {
                    index = try await directory.reload(arena)
                    reloaded = true
                }
                let left = try await name(of: vote.leftContenderId, arena: arena, directory: directory)
                let right = try await name(of: vote.rightContenderId, arena: arena, directory: directory)
                var attributes: [String: String] = [:]
                if let ms = vote.timeToVoteMs { attributes["time_to_vote_ms"] = String(ms) }
                if let prompt = vote.promptId { attributes["prompt"] = String(prompt) }
                table.append(Vote(
                    a: left,
                    b: right,
                    outcome: vote.choice.outcome,
                    voter: vote.voter,
                    timestamp: vote.createdAt.timeIntervalSince1970,
                    attributes: attributes
                ))
                characters.append(vote.promptId.flatMap { prompt in
                    let outputs = index?.outputByPromptAndContender[prompt]
                    guard let l = outputs?[vote.leftContenderId].flatMap({ index?.outputs[$0] }),
                          let r = outputs?[vote.rightContenderId].flatMap({ index?.outputs[$0] }),
                          l.media == .text, r.media == .text else { return nil }
                    return characterCount(l) + characterCount(r)
                })
                judged.append(vote.source == .judge)
                lastId = max(lastId, vote.id)
            }
            added += page.count
            if page.count < 20_000 { break }
        }
        return added
    }

    /// Votes of `source` read so far.
    func count(_ source: VoteSourceFilter) -> Int {
        switch source {
        case .all: table.count
        case .judge: judged.lazy.filter { $0 }.count
        case .human: judged.lazy.filter { !$0 }.count
        }
    }

    /// The votes of `source` only (the same votes when that is all of them).
    func only(_ source: VoteSourceFilter) -> ArenaVotes {
        let keep = source.keeps(judged)
        guard keep.contains(false) else { return self }
        var out = self
        out.table = table.filtered(keep)
        out.characters = zip(characters, keep).filter(\.1).map(\.0)
        out.judged = zip(judged, keep).filter(\.1).map(\.0)
        return out
    }

    private mutating func characterCount(_ output: Output) -> Int {
        if let known = outputCharacters[output.id] { return known }
        let count = output.content.count
        outputCharacters[output.id] = count
        return count
    }

    private mutating func name(of contender: Int64, arena: Int64, directory: ArenaDirectory) async throws -> String {
        if let name = names[contender] { return name }
        var index = try await directory.index(id: arena)
        if index?.contenders[contender] == nil { index = try await directory.reload(arena) }
        let name = index?.contenders[contender]?.name ?? "contender-\(contender)"
        names[contender] = name
        return name
    }
}
