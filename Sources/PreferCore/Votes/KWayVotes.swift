/// K-way votes (K ≥ 2 candidates; a best pick or a full or partial ranking)
/// stored column by column, as the companion of a `VoteTable`'s pairwise
/// rows: contender indices refer to the table's `contenders`.
///
/// Vote r shows `candidates[offsets[r]..<offsets[r + 1]]` in the order they
/// were shown, and `places` (parallel to `candidates`) gives each one's place
/// in the voter's ranking: 1 = best, 2 = second…, 0 = unranked (below every
/// ranked candidate). A vote in a file written as a bare ranking has its
/// ranking order as its shown order. The optional columns mean what they mean
/// for pairwise rows. Memory: 5 bytes per candidate plus 8 per vote.
public struct KWayVotes: Sendable {
    /// The most candidates one vote may have (places are stored in a byte).
    public static let maximumCandidates = 255

    /// Candidates of every vote, concatenated, each vote's in shown order.
    public internal(set) var candidates: [Int32]
    /// Vote r's candidates are `candidates[offsets[r]..<offsets[r + 1]]` (count + 1 entries).
    public internal(set) var offsets: [Int]
    /// Per candidate: its place in the ranking (1 = best), 0 if unranked.
    public internal(set) var places: [UInt8]
    /// Per-vote weights; nil means every vote weighs 1.
    public internal(set) var weights: [Double]?
    public internal(set) var voters: TextColumn?
    public internal(set) var categories: TextColumn?
    /// Seconds since 1970 per vote (NaN where unknown), if any vote has one.
    public internal(set) var timestamps: [Double]?
    public internal(set) var attributes: [String: TextColumn]

    public init() {
        candidates = []
        offsets = [0]
        places = []
        weights = nil
        voters = nil
        categories = nil
        timestamps = nil
        attributes = [:]
    }

    public var count: Int { offsets.count - 1 }
    public var isEmpty: Bool { count == 0 }

    /// K of vote `row`.
    @inlinable
    public func k(at row: Int) -> Int { offsets[row + 1] - offsets[row] }

    /// Vote `row`'s candidates (contender indices) in shown order.
    public func candidates(at row: Int) -> ArraySlice<Int32> { candidates[offsets[row]..<offsets[row + 1]] }

    /// Vote `row`'s places (1 = best, 0 = unranked), parallel to `candidates(at:)`.
    public func places(at row: Int) -> ArraySlice<UInt8> { places[offsets[row]..<offsets[row + 1]] }

    /// Vote `row`'s ranked candidates, best first.
    public func ranking(at row: Int) -> [Int32] {
        let range = offsets[row]..<offsets[row + 1]
        var out = [Int32](repeating: -1, count: range.count)
        var ranked = 0
        for p in range where places[p] > 0 {
            out[Int(places[p]) - 1] = candidates[p]
            ranked += 1
        }
        return Array(out.prefix(ranked))
    }

    /// Writes vote `row`'s candidates into `members` in the order the
    /// Plackett–Luce likelihood chooses them — the ranked ones best first,
    /// then the unranked ones sorted (they are chosen from last, together:
    /// their order is no information) — and returns how many are ranked.
    /// `members` is reused between rows to spare an allocation per vote.
    @discardableResult
    public func choiceOrder(at row: Int, into members: inout [Int32]) -> Int {
        let range = offsets[row]..<offsets[row + 1]
        let k = range.count
        members.removeAll(keepingCapacity: true)
        members.append(contentsOf: repeatElement(-1, count: k))
        var ranked = 0
        for p in range where places[p] > 0 {
            members[Int(places[p]) - 1] = candidates[p]
            ranked += 1
        }
        var next = ranked
        for p in range where places[p] == 0 {
            members[next] = candidates[p]
            next += 1
        }
        if k - ranked > 1 { members[ranked..<k].sort() }
        return ranked
    }

    /// Vote `row`'s best candidate.
    public func best(at row: Int) -> Int32 {
        let range = offsets[row]..<offsets[row + 1]
        return candidates[range.first { places[$0] == 1 } ?? range.lowerBound]
    }

    public func weight(at row: Int) -> Double { weights?[row] ?? 1 }

    /// Appends one vote given as contender indices, places and optional values.
    mutating func append(
        candidates ids: [Int32], places ranks: [UInt8], weight: Double,
        voter: String?, category: String?, timestamp: Double?, attributes values: [String: String]
    ) {
        let row = count
        candidates += ids
        places += ranks
        offsets.append(candidates.count)
        if weight != 1 || weights != nil {
            if weights == nil { weights = Array(repeating: 1, count: row) }
            weights!.append(weight)
        }
        Self.append(voter, to: &voters, row: row)
        Self.append(category, to: &categories, row: row)
        if timestamp != nil || timestamps != nil {
            if timestamps == nil { timestamps = Array(repeating: .nan, count: row) }
            timestamps!.append(timestamp ?? .nan)
        }
        for key in Set(attributes.keys).union(values.keys) {
            var column = attributes[key] ?? TextColumn(missing: row)
            column.append(values[key])
            attributes[key] = column
        }
    }

    private static func append(_ value: String?, to column: inout TextColumn?, row: Int) {
        guard value != nil || column != nil else { return }
        if column == nil { column = TextColumn(missing: row) }
        column!.append(value)
    }

    /// Appends every vote of `other`, whose contender `i` is `map[i]` here.
    mutating func append(contentsOf other: KWayVotes, map: [Int32]) {
        let row = count
        let base = candidates.count
        candidates.reserveCapacity(base + other.candidates.count)
        for id in other.candidates { candidates.append(map[Int(id)]) }
        places += other.places
        offsets += other.offsets.dropFirst().map { $0 + base }
        if weights != nil || other.weights != nil {
            weights = (weights ?? Array(repeating: 1, count: row))
                + (other.weights ?? Array(repeating: 1, count: other.count))
        }
        Self.merge(&voters, other.voters, row: row, otherCount: other.count)
        Self.merge(&categories, other.categories, row: row, otherCount: other.count)
        if timestamps != nil || other.timestamps != nil {
            timestamps = (timestamps ?? Array(repeating: .nan, count: row))
                + (other.timestamps ?? Array(repeating: .nan, count: other.count))
        }
        for key in Set(attributes.keys).union(other.attributes.keys) {
            var column: TextColumn? = attributes[key]
            Self.merge(&column, other.attributes[key], row: row, otherCount: other.count)
            attributes[key] = column
        }
    }

    private static func merge(_ column: inout TextColumn?, _ other: TextColumn?, row: Int, otherCount: Int) {
        guard column != nil || other != nil else { return }
        var merged = column ?? TextColumn(missing: row)
        merged.append(contentsOf: other ?? TextColumn(missing: otherCount))
        column = merged
    }

    /// The votes whose flag in `keep` is true, in order.
    public func filtered(_ keep: [Bool]) -> KWayVotes {
        precondition(keep.count == count, "one flag per K-way vote")
        var out = KWayVotes()
        out.attributes = [:]
        for row in 0..<count where keep[row] {
            out.candidates += candidates[offsets[row]..<offsets[row + 1]]
            out.places += places[offsets[row]..<offsets[row + 1]]
            out.offsets.append(out.candidates.count)
        }
        out.weights = weights.map { w in (0..<count).filter { keep[$0] }.map { w[$0] } }
        out.timestamps = timestamps.map { t in (0..<count).filter { keep[$0] }.map { t[$0] } }
        out.voters = voters?.filtered(keep)
        out.categories = categories?.filtered(keep)
        out.attributes = attributes.mapValues { $0.filtered(keep) }
        return out
    }

    /// The same votes with every contender index `i` replaced by `map[i]`.
    func remapped(_ map: [Int32]) -> KWayVotes {
        var out = self
        for p in out.candidates.indices { out.candidates[p] = map[Int(out.candidates[p])] }
        return out
    }

    /// Builds the columns a parser already filled in.
    init(
        candidates: [Int32], offsets: [Int], places: [UInt8], weights: [Double]?,
        voters: TextColumn?, categories: TextColumn?, timestamps: [Double]?, attributes: [String: TextColumn]
    ) {
        self.candidates = candidates
        self.offsets = offsets
        self.places = places
        self.weights = weights
        self.voters = voters
        self.categories = categories
        self.timestamps = timestamps
        self.attributes = attributes
    }
}
