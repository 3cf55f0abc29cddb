import PreferCore
import PreferStore
import Foundation

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
    /// The same for each K-way vote (rows of `table.kway`): a rank judge's rankings on a K-way arena.
    var kwayJudged: [Bool] = []
    /// How many of `judged` and of `kwayJudged` are true, kept as they grow: a
    /// leaderboard request asks for the counts, and counting a million flags
    /// took a millisecond per request.
    private(set) var judgeVotes = 0
    private(set) var kwayJudgeVotes = 0
    /// Per pairwise vote (row of `table`), what slices and style control read
    /// and the plain leaderboard does not: the prompt's category, the choices
    /// per criterion, the two outputs shown.
    var categories: [String?] = []
    var criteria: [[String: Choice]] = []
    var outputIds: [(left: Int64?, right: Int64?)] = []
    /// The last K-way vote read (`KWayStore`), for K-way arenas.
    var lastKWayId: Int64 = 0
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
                if vote.source == .judge { judgeVotes += 1 }
                categories.append(vote.promptId.flatMap { index?.prompts[$0]?.category })
                criteria.append(vote.criteria)
                let outputs = vote.promptId.flatMap { index?.outputByPromptAndContender[$0] }
                outputIds.append((
                    vote.leftOutputId ?? outputs?[vote.leftContenderId],
                    vote.rightOutputId ?? outputs?[vote.rightContenderId]))
                lastId = max(lastId, vote.id)
            }
            added += page.count
            if page.count < 20_000 { break }
        }
        if let kway = store as? any KWayStore, try await directory.index(id: arena)?.isKWay == true {
            added += try await syncKWay(arena: arena, store: kway, directory: directory)
        }
        return added
    }

    /// Votes of `source` read so far, pairwise and K-way.
    func count(_ source: VoteSourceFilter) -> Int {
        switch source {
        case .all: table.totalVotes
        case .judge: judgeVotes + kwayJudgeVotes
        case .human: judged.count - judgeVotes + kwayJudged.count - kwayJudgeVotes
        }
    }

    /// The votes of `source` only (the same votes when that is all of them).
    /// With `judges` (voters such as `judge:NAME`), a judge's vote is kept
    /// only when its voter is among them: a `source=all` board counts the
    /// validated judges alone.
    func only(_ source: VoteSourceFilter, judges: Set<String>? = nil) -> ArenaVotes {
        var keep = source.keeps(judged)
        if let judges, source != .human {
            for row in keep.indices where judged[row] && keep[row] {
                keep[row] = table.voters?[row].map { judges.contains($0) } ?? false
            }
        }
        var keepKWay = source.keeps(kwayJudged)
        if let judges, source != .human {
            for row in keepKWay.indices where kwayJudged[row] && keepKWay[row] {
                keepKWay[row] = table.kway.voters?[row].map { judges.contains($0) } ?? false
            }
        }
        let dropKWay = keepKWay.contains(false)
        guard keep.contains(false) || dropKWay else { return self }
        var out = self
        out.table = table.filtered(keep)
        if dropKWay {
            out.table = out.table.filteredKWay(keepKWay)
            out.kwayJudged = zip(kwayJudged, keepKWay).filter(\.1).map(\.0)
            out.kwayJudgeVotes = out.kwayJudged.lazy.filter { $0 }.count
        }
        out.characters = zip(characters, keep).filter(\.1).map(\.0)
        out.judged = zip(judged, keep).filter(\.1).map(\.0)
        out.judgeVotes = out.judged.lazy.filter { $0 }.count
        out.categories = zip(categories, keep).filter(\.1).map(\.0)
        out.criteria = zip(criteria, keep).filter(\.1).map(\.0)
        out.outputIds = zip(outputIds, keep).filter(\.1).map(\.0)
        return out
    }

    /// Reads the K-way votes after `lastKWayId` into the table's K-way votes
    /// (candidates in the order shown, ranking best first, voter, time, the
    /// prompt's category, the picks per criterion as a `criteria` attribute).
    private mutating func syncKWay(arena: Int64, store: any KWayStore, directory: ArenaDirectory) async throws -> Int {
        var added = 0
        while true {
            let page = try await store.kwayVotes(arena: arena, after: lastKWayId, limit: 20_000)
            if page.isEmpty { break }
            let index = try await directory.index(id: arena)
            for vote in page {
                var candidates: [String] = []
                for member in vote.members {
                    candidates.append(try await name(of: member.contenderId, arena: arena, directory: directory))
                }
                let ranking = vote.ranking.compactMap { candidates.indices.contains($0 - 1) ? candidates[$0 - 1] : nil }
                var attributes: [String: String] = [:]
                if let ms = vote.timeToVoteMs { attributes["time_to_vote_ms"] = String(ms) }
                if let prompt = vote.promptId { attributes["prompt"] = String(prompt) }
                if let criteria = Self.kwayCriteria(vote.criteria, candidates: candidates) { attributes["criteria"] = criteria }
                do {
                    table.append(try KWayVote(
                        candidates: candidates, ranking: ranking, voter: vote.voter,
                        timestamp: vote.createdAt.timeIntervalSince1970,
                        category: vote.promptId.flatMap { index?.prompts[$0]?.category }, attributes: attributes))
                    kwayJudged.append(vote.source == .judge)
                    if vote.source == .judge { kwayJudgeVotes += 1 }
                } catch {
                    // The schema keeps stored votes well-formed; a row that is not is left out, never fatal.
                }
                lastKWayId = max(lastKWayId, vote.id)
            }
            added += page.count
            if page.count < 20_000 { break }
        }
        return added
    }

    /// A K-way vote's picks per criterion as the `criteria` object
    /// `CriteriaSlicer` reads on K-way rows (criterion → the candidate picked
    /// best on it), as the vote export writes it; nil when it has none.
    static func kwayCriteria(_ picks: [String: Int], candidates: [String]) -> String? {
        var named: [String: String] = [:]
        for (criterion, position) in picks where candidates.indices.contains(position - 1) {
            named[criterion] = candidates[position - 1]
        }
        guard !named.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(named)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The table with what slices and style control read: each pairwise
    /// vote's category and criteria (as the `criteria` object the vote export
    /// writes and `prefer rank --by criterion` reads), and with `measures`
    /// (output id → `StyleFeature.textFeatures` of its text) the style
    /// columns `StyleFeature.fromTexts(fieldA: "text_a", fieldB: "text_b")`
    /// names. K-way votes are kept unless `kwayCategory` is set, which keeps
    /// only the K-way votes of that category.
    func enriched(measures: [Int64: [Double]]? = nil, kwayCategory: String? = nil) -> VoteTable {
        var out = VoteTable()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for row in 0..<table.count {
            var vote = table.vote(at: row)
            vote.category = categories[row]
            if !criteria[row].isEmpty, let data = try? encoder.encode(criteria[row].mapValues(\.rawValue)) {
                vote.attributes["criteria"] = String(decoding: data, as: UTF8.self)
            }
            out.append(vote)
        }
        for row in 0..<table.kway.count {
            let vote = table.kwayVote(at: row)
            if let kwayCategory, vote.category != kwayCategory { continue }
            out.append(vote)
        }
        if let measures {
            let names = StyleFeature.textFeatures.names
            for (side, field) in [(0, "text_a"), (1, "text_b")] {
                for (f, name) in names.enumerated() {
                    let values = outputIds.map { ids -> Double in
                        guard let id = side == 0 ? ids.left : ids.right, let m = measures[id] else { return .nan }
                        return m[f]
                    }
                    out.setNumbers(TextFeatureSet.column(field, name), values)
                }
            }
        }
        return out
    }

    /// Measures the text outputs of the pairwise votes not measured yet.
    func unmeasured(_ known: [Int64: [Double]]) -> Set<Int64> {
        var ids = Set<Int64>()
        for pair in outputIds {
            if let l = pair.left, known[l] == nil { ids.insert(l) }
            if let r = pair.right, known[r] == nil { ids.insert(r) }
        }
        return ids
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
