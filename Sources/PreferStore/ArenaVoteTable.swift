import Foundation
import PreferCore

/// An arena's stored votes as a `VoteTable` ready for the audit and the
/// leaderboard: contender names, voters, times, `time_to_vote_ms` and
/// `prompt` attributes, the characters of both outputs per vote (the audit's
/// reading-speed check), and each row's vote id. O(votes) reads, in pages.
public struct ArenaVoteTable: Sendable {
    public var table: VoteTable
    /// Characters of both text outputs per vote, nil where unknown.
    public var characters: [Int?]
    /// `votes.id` of each row.
    public var voteIds: [Int64]
    /// The source of each row.
    public var sources: [StoredVote.Source]

    public init(table: VoteTable, characters: [Int?], voteIds: [Int64], sources: [StoredVote.Source]) {
        self.table = table
        self.characters = characters
        self.voteIds = voteIds
        self.sources = sources
    }

    public static func load(store: SQLPreferStore, arena: Int64) async throws -> ArenaVoteTable {
        let names = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena).map { ($0.id, $0.name) })
        let lengths = try await store.outputLengths(arena: arena)
        var result = ArenaVoteTable(table: VoteTable(), characters: [], voteIds: [], sources: [])
        var after: Int64?
        while true {
            let page = try await store.votes(arena: arena, after: after, limit: 20_000)
            for vote in page {
                var attributes: [String: String] = [:]
                if let ms = vote.timeToVoteMs { attributes["time_to_vote_ms"] = String(ms) }
                if let prompt = vote.promptId { attributes["prompt"] = String(prompt) }
                result.table.append(Vote(
                    a: names[vote.leftContenderId] ?? "contender-\(vote.leftContenderId)",
                    b: names[vote.rightContenderId] ?? "contender-\(vote.rightContenderId)",
                    outcome: vote.choice.outcome, voter: vote.voter, timestamp: vote.createdAt.timeIntervalSince1970,
                    attributes: attributes))
                result.characters.append(vote.promptId.flatMap { prompt in
                    guard let l = lengths[prompt]?[vote.leftContenderId], let r = lengths[prompt]?[vote.rightContenderId] else { return nil }
                    return l + r
                })
                result.voteIds.append(vote.id)
                result.sources.append(vote.source)
            }
            after = page.last?.id
            if page.count < 20_000 { break }
        }
        return result
    }

    /// The audit as leaderboards run it (default options, the prompt
    /// down-sampler seeded): nil when the votes carry no voters.
    public func audit(seed: UInt64 = 42) throws -> VoteAudit.Result? {
        guard table.voters != nil, !table.isEmpty else { return nil }
        var inputs = AuditInputs(table: table)
        inputs.characters = characters
        var options = AuditOptions()
        options.downsampler?.seed = seed
        return try VoteAudit(options: options).run(table, inputs: inputs)
    }
}
