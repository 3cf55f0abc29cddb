extension VoteTable {
    /// Pairwise votes plus K-way votes.
    public var totalVotes: Int { count + kway.count }

    /// Whether any vote has more than two candidates or is a K-way row at all
    /// (a K-way row with two candidates is still a K-way vote).
    public var hasKWayVotes: Bool { !kway.isEmpty }

    /// Appends a K-way vote, adding its contenders if they are new.
    public mutating func append(_ vote: KWayVote) {
        let ids = vote.candidates.map { internContender($0) }
        let places = vote.places.map { UInt8($0) }
        kway.append(
            candidates: ids, places: places, weight: vote.weight, voter: vote.voter,
            category: vote.category, timestamp: vote.timestamp, attributes: vote.attributes)
    }

    /// K-way vote `row` with names and values.
    public func kwayVote(at row: Int) -> KWayVote {
        let names = kway.candidates(at: row).map { contenders[Int($0)] }
        let ranking = kway.ranking(at: row).map { contenders[Int($0)] }
        var vote = KWayVote(checkedCandidates: names, ranking: ranking, weight: kway.weight(at: row))
        vote.voter = kway.voters?[row]
        vote.category = kway.categories?[row]
        vote.timestamp = kway.timestamps.flatMap { $0[row].isNaN ? nil : $0[row] }
        vote.attributes = kway.attributes.reduce(into: [:]) { result, field in
            if let value = field.value[row] { result[field.key] = value }
        }
        return vote
    }

    public var kwayVotes: [KWayVote] { (0..<kway.count).map(kwayVote(at:)) }

    /// The same table keeping only the K-way votes whose flag in `keep` is true.
    public func filteredKWay(_ keep: [Bool]) -> VoteTable {
        var out = self
        out.kway = kway.filtered(keep)
        return out
    }

    /// The same votes without the pairwise "both bad" votes (`--both-bad drop`).
    public func droppingBothBad() -> VoteTable {
        guard outcomes.contains(.bothBad) else { return self }
        return filtered(outcomes.map { $0 != .bothBad })
    }
}
