extension VoteParser {
    /// The chunks' K-way columns joined in order, with chunk-local contender
    /// ids mapped to global ones (`maps[i]` for chunk i). O(candidates).
    static func mergeKWay(_ chunks: [KWayChunkColumns], maps: [[Int32]], attributeNames: [String]) -> KWayVotes {
        let counts = chunks.map(\.count)
        let total = counts.reduce(0, +)
        guard total > 0 else { return KWayVotes() }
        var candidates: [Int32] = []
        var places: [UInt8] = []
        var offsets: [Int] = [0]
        candidates.reserveCapacity(chunks.reduce(0) { $0 + $1.candidates.count })
        offsets.reserveCapacity(total + 1)
        for (chunk, map) in zip(chunks, maps) {
            let base = candidates.count
            for id in chunk.candidates { candidates.append(map[Int(id)]) }
            places += chunk.places
            offsets += chunk.offsets.dropFirst().map { $0 + base }
        }
        var attributes: [String: TextColumn] = [:]
        for (i, name) in attributeNames.enumerated() {
            attributes[name] = concatenate(chunks.map { $0.attributes[i] }, counts: counts)
        }
        return KWayVotes(
            candidates: candidates, offsets: offsets, places: places,
            weights: concatenate(chunks.map(\.weights), counts: counts, filler: 1),
            voters: concatenate(chunks.map(\.voters), counts: counts),
            categories: concatenate(chunks.map(\.categories), counts: counts),
            timestamps: concatenate(chunks.map(\.timestamps), counts: counts, filler: .nan),
            attributes: attributes)
    }
}
