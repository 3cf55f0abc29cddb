extension Leaderboard {
    /// Marks as provisional every contender with fewer than `minimumVotes`
    /// votes on this board, as LMArena marks new models "preliminary" until
    /// they have enough battles, and says so in `warnings`. Contenders already
    /// provisional (no finite maximum-likelihood rating) stay so. `0` marks
    /// nobody. O(contenders).
    public mutating func markProvisional(minimumVotes: Int) {
        guard minimumVotes > 0 else { return }
        var marked: [String] = []
        for k in contenders.indices where contenders[k].votes < minimumVotes {
            contenders[k].provisional = true
            marked.append(contenders[k].name)
        }
        guard !marked.isEmpty else { return }
        let verb = marked.count == 1 ? "has" : "have"
        warnings.append("\(listNames(marked)) \(verb) fewer than \(minimumVotes) votes: provisional (--provisional-votes sets the threshold).")
    }

    /// Median votes per contender (0 for an empty board).
    public var medianVotesPerContender: Double {
        let votes = contenders.map { Double($0.votes) }.sorted()
        return votes.isEmpty ? 0 : Percentile.ofSorted(votes, 0.5)
    }
}
