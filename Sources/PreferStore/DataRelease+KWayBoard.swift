import Foundation
import PreferCore

extension DataRelease {
    /// Adds the arena's K-way votes that the release keeps (not by a dropped
    /// annotator, not on a dropped prompt) to `table`, as the server's
    /// leaderboard reads them (`ArenaVotes.syncKWay`: candidates in the order
    /// shown, the ranking best first, voter, time), so that the release's
    /// `leaderboard.json` is the board the server shows: with any K-way vote,
    /// `LeaderboardBuilder`'s automatic model choice — the one `prefer rank`
    /// makes on `votes.jsonl` and `kway_votes.jsonl` — fits Plackett–Luce to
    /// the K-way and pairwise votes together. A stored row that is not a
    /// well-formed K-way vote is left out, as the server leaves it out.
    /// O(K-way votes), read in pages of 20,000.
    func addKWayVotes(to table: inout VoteTable, store: SQLPreferStore, names: [Int64: String], droppedPrompts: Set<Int64>) async throws {
        var after: Int64?
        while true {
            let page = try await store.kwayVotes(arena: arena.id, after: after, limit: 20_000)
            for vote in page {
                if let voter = vote.voter, dropAnnotators.contains(voter) { continue }
                if let prompt = vote.promptId, droppedPrompts.contains(prompt) { continue }
                let candidates = vote.members.map { names[$0.contenderId] ?? "contender-\($0.contenderId)" }
                let ranking = vote.ranking.compactMap { candidates.indices.contains($0 - 1) ? candidates[$0 - 1] : nil }
                var attributes: [String: String] = [:]
                if let ms = vote.timeToVoteMs { attributes["time_to_vote_ms"] = String(ms) }
                if let prompt = vote.promptId { attributes["prompt"] = String(prompt) }
                if let checked = try? KWayVote(
                    candidates: candidates, ranking: ranking, voter: vote.voter, timestamp: vote.createdAt.timeIntervalSince1970,
                    attributes: attributes)
                {
                    table.append(checked)
                }
            }
            after = page.last?.id
            if page.count < 20_000 { break }
        }
    }

    /// The card's sentence on the leaderboard's model: Plackett–Luce when the
    /// release holds K-way votes, else Bradley–Terry.
    static func modelSentence(_ board: Leaderboard) -> String {
        guard board.method.model == LeaderboardModel.plackettLuce.rawValue else {
            return "Bradley–Terry ratings on the Elo scale (rating = 1000 + 400·log10 odds)"
        }
        return "Plackett–Luce ratings on the Elo scale (rating = 1000 + 400·log10 odds; a K-way vote is read as the "
            + "successive choices of its ranking, best first, and a pairwise vote as a choice of one of two), "
            + "fitted to the K-way votes of `kway_votes.jsonl` and the pairwise votes of `votes.jsonl` together — "
            + "the model `prefer rank votes.jsonl kway_votes.jsonl` chooses and the arena's leaderboard shows "
            + "(`method.model` in the file)"
    }
}
